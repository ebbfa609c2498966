// `aelab solvers`: every registered solver with its parameters (type, default, allowed values, doc).
#include <iostream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "solvers/builtin.hpp"

namespace aelab::cli {

int command_solvers(const Arguments& args) {
  CommandLine cl("aelab solvers", "Lists every registered solver and its parameters.",
                 {{"json", "", "print one JSON object instead of text"}});
  if (!cl.parse(args)) return 0;
  const Registry registry = builtin_registry();
  if (cl.flag("json")) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& name : registry.names()) {
      const Solver& s = registry.get(name);
      nlohmann::json params = nlohmann::json::array();
      for (const auto& p : s.params()) params.push_back(p.to_json());
      out[name] = {{"description", s.description()}, {"params", params}};
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const auto& name : registry.names()) {
    const Solver& s = registry.get(name);
    std::cout << name << " - " << s.description() << "\n";
    for (const auto& p : s.params()) {
      std::string left = "    " + p.name;
      if (left.size() < 20) left.resize(20, ' ');
      std::cout << left << p.doc << " [" << p.expectation() << "; default "
                << (p.default_value.is_null() ? std::string("required") : p.default_value.dump()) << "]\n";
    }
  }
  return 0;
}

}  // namespace aelab::cli
