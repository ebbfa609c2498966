#include "core/solver/registry.hpp"

#include "core/util/error.hpp"

namespace aelab {

void Registry::add(std::unique_ptr<Solver> solver) {
  const std::string name = solver->name();
  if (solvers_.count(name)) throw Error("solver '" + name + "' is already registered");
  order_.push_back(solver.get());
  solvers_.emplace(name, std::move(solver));
}

std::string Registry::names_text() const {
  std::string text;
  for (const auto& item : solvers_) text += (text.empty() ? "" : ", ") + item.first;
  return text;
}

const Solver* Registry::find(const std::string& name) const {
  auto it = solvers_.find(name);
  return it == solvers_.end() ? nullptr : it->second.get();
}

const Solver& Registry::get(const std::string& name) const {
  if (const Solver* s = find(name)) return *s;
  throw Error("unknown solver '" + name + "' (known: " + names_text() + ")");
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& item : solvers_) out.push_back(item.first);
  return out;
}

std::string SolverSpec::str() const {
  const std::string p = params.str();
  return solver->name() + (p.empty() ? "" : ":" + p);
}

SolverSpec parse_solver_spec(const Registry& registry, const std::string& text) {
  const auto colon = text.find(':');
  const Solver& solver = registry.get(text.substr(0, colon));
  nlohmann::json given = nlohmann::json::object();
  if (colon != std::string::npos) {
    std::string rest = text.substr(colon + 1);
    std::size_t start = 0;
    while (start <= rest.size() && !rest.empty()) {
      // Values may be JSON lists ("hidden=[600,200]"): a comma inside brackets does not end the pair.
      std::size_t end = start;
      int depth = 0;
      while (end < rest.size() && (rest[end] != ',' || depth > 0)) {
        if (rest[end] == '[') ++depth;
        if (rest[end] == ']') --depth;
        ++end;
      }
      const std::string pair = rest.substr(start, end - start);
      const auto eq = pair.find('=');
      if (eq == std::string::npos || eq == 0)
        throw Error("solver spec '" + text + "': expected key=value, got '" + pair + "'");
      given[pair.substr(0, eq)] = parse_cli_value(pair.substr(eq + 1));
      start = end + 1;
      if (end >= rest.size()) break;
    }
  }
  return SolverSpec{&solver, solver.make_params(given)};
}

}  // namespace aelab
