// `aelab solvers`: every registered solver with its parameters (type, default, allowed values, doc).
#include <iostream>
#include <map>
#include <set>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"
#include "solvers/builtin.hpp"

namespace aelab::cli {

namespace {

std::string default_text(const ParamSpec& p) {
  return p.default_value.is_null() ? std::string("required") : p.default_value.dump();
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

// Parameters that several solvers take are printed once, with their one meaning, and each solver
// lists them by name (with its own default where it differs).
void print_solvers(const Registry& registry, std::ostream& out) {
  std::map<std::string, std::vector<std::pair<std::string, ParamSpec>>> users;  // name -> (solver, spec)
  for (const auto& name : registry.names())
    for (const auto& p : registry.get(name).params()) users[p.name].push_back({name, p});
  std::set<std::string> shared;
  out << "parameters shared by several solvers:\n";
  for (const auto& [param, uses] : users) {
    if (uses.size() < 2) continue;
    shared.insert(param);
    const ParamSpec& spec = uses.front().second;
    out << "    " << padded(param, 16) << spec.doc << " [" << spec.expectation() << "]\n";
    for (const auto& [solver, other] : uses)
      if (other.doc != spec.doc || other.expectation() != spec.expectation())
        out << "    " << padded("", 16) << "(" << solver << ": " << other.doc << " [" << other.expectation() << "])\n";
  }
  for (const auto& name : registry.names()) {
    const Solver& s = registry.get(name);
    out << "\n" << name << " - " << s.description() << "\n";
    std::string common;
    for (const auto& p : s.params())
      if (shared.count(p.name)) common += (common.empty() ? "" : ", ") + p.name + " = " + default_text(p);
    if (!common.empty()) out << "    shared: " << common << "\n";
    for (const auto& p : s.params())
      if (!shared.count(p.name))
        out << "    " << padded(p.name, 16) << p.doc << " [" << p.expectation() << "; default " << default_text(p) << "]\n";
  }
}

}  // namespace

int command_solvers(const Arguments& args) {
  CommandLine cl("aelab solvers", "Lists every registered solver and its parameters.");
  bool json = false;
  cl.flag("--json", json, "print one JSON object instead of text");
  if (!cl.parse(args)) return 0;
  const Registry registry = builtin_registry();
  if (json) {
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
  print_solvers(registry, std::cout);
  return 0;
}

}  // namespace aelab::cli
