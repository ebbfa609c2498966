// `aelab bench SUITE [options]`: runs one benchmark suite (or `all` at default sizes) and prints figures.
#include <iostream>

#include "bench/suites.hpp"
#include "cli/backend.hpp"
#include "cli/commands.hpp"
#include "core/util/error.hpp"

namespace aelab::cli {

int command_bench(const Arguments& args) {
  const auto& suites = bench::suites();
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: aelab bench SUITE [options]   (aelab bench SUITE --help for its options)\n\nsuites:\n";
    for (const auto& s : suites) std::cout << "  " << s.name << " - " << s.summary << "\n";
    std::cout << "  all - every suite at its default size (but distributed, which runs under mpirun)\n";
    return args.empty() ? 2 : 0;
  }
  // The distributed suite runs under mpirun and prints the machine once, from rank 0.
  if (args[0] != "distributed") {
    refuse_parallel_launch("aelab bench " + args[0]);
    std::cout << "machine: " << bench::machine_description() << "\n";
  }
  if (args[0] == "all") {
    int status = 0;
    for (const auto& s : suites) {
      if (std::string(s.name) == "distributed") continue;  // needs mpirun; not part of `all`
      std::cout << "\n== aelab bench " << s.name << "\n";
      status |= s.run({});
    }
    return status;
  }
  for (const auto& s : suites)
    if (args[0] == s.name) return s.run(Arguments(args.begin() + 1, args.end()));
  throw Error("aelab bench: unknown suite '" + args[0] + "' (see aelab bench --help)");
}

}  // namespace aelab::cli
