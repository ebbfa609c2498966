#pragma once
// One function per subcommand; each gets the arguments after its name and returns the exit status.
#include <string>
#include <vector>

namespace aelab::cli {

using Arguments = std::vector<std::string>;

int command_solvers(const Arguments& args);
int command_bench(const Arguments& args);
int command_split(const Arguments& args);
int command_data(const Arguments& args);
int command_synth(const Arguments& args);
int command_eval(const Arguments& args);
int command_run(const Arguments& args);
int command_plot(const Arguments& args);

}  // namespace aelab::cli
