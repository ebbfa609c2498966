// aelab: the command-line front end. Dispatches to one function per subcommand; every failure a user
// can cause ends here as one line "aelab: error: ..." and a non-zero exit status.
#include <iostream>
#include <map>
#include <string>

#include "cli/backend.hpp"
#include "cli/commands.hpp"
#include "core/linalg/blas_kernels.hpp"
#include "core/util/error.hpp"

namespace {

struct Command {
  int (*run)(const aelab::cli::Arguments&);
  const char* summary;
};

const std::map<std::string, Command>& commands() {
  using namespace aelab::cli;
  static const std::map<std::string, Command> table = {
      {"solvers", {command_solvers, "list the registered solvers with their parameters"}},
      {"bench", {command_bench, "run a benchmark suite and print its figures"}},
      {"split", {command_split, "split a raw data file into a vae_cf folder (bit-exact Mult-VAE protocol)"}},
      {"data", {command_data, "inspect a raw data file; list the data formats"}},
      {"eval", {command_eval, "train a solver on a split folder and evaluate the held-out users"}},
      {"synth", {command_synth, "write seeded synthetic interactions as a MovieLens ratings.csv"}},
      {"run", {command_run, "run an experiment config: sweeps, selection, results, plots (docs/CONFIG.md)"}},
      {"plot", {command_plot, "draw the plots of a results folder (gnuplot scripts, SVG, PNG)"}},
  };
  return table;
}

void print_usage() {
  std::cout << "usage: aelab <command> [options]   (aelab <command> --help for details)\n\ncommands:\n";
  for (const auto& [name, command] : commands()) {
    std::string left = "  " + name;
    left.resize(12, ' ');
    std::cout << left << command.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  aelab::reexec_with_better_blas_kernels(argv);
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" || std::string(argv[1]) == "help") {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  auto it = commands().find(name);
  if (it == commands().end()) {
    std::cerr << "aelab: error: unknown command '" << name << "' (see aelab --help)\n";
    return 2;
  }
  try {
    // eval, run and bench decide themselves: each has a backend or a suite that runs under mpirun.
    if (name != "eval" && name != "run" && name != "bench") aelab::cli::refuse_parallel_launch("aelab " + name);
    return it->second.run(aelab::cli::Arguments(argv + 2, argv + argc));
  } catch (const aelab::Error& e) {
    std::cerr << "aelab: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "aelab: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "aelab: error: internal: " << e.what() << "\n";
    return 3;
  }
}
