#pragma once
// Solvers by name. Built-ins are added by one explicit call (register_builtin_solvers in
// solvers/builtin.hpp), never by static initialisers, so nothing vanishes when linking statically.
// A solver specification string round-trips: "closed_form_approx:lambda=500,p=0.33,rank=100".
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/solver/solver.hpp"

namespace aelab {

class Registry {
 public:
  // Throws aelab::Error if a solver of that name exists already.
  void add(std::unique_ptr<Solver> solver);
  // Throws "unknown solver 'x' (known: a, b, c)".
  const Solver& get(const std::string& name) const;
  const Solver* find(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted
  // Every solver in the order it was added (the order of default comparison lists).
  const std::vector<const Solver*>& in_order() const { return order_; }
  // "a, b, c" of names(), for messages.
  std::string names_text() const;

 private:
  std::map<std::string, std::unique_ptr<Solver>> solvers_;
  std::vector<const Solver*> order_;
};

// A solver and a validated parameter assignment.
struct SolverSpec {
  const Solver* solver = nullptr;
  ParamSet params;
  std::string str() const;  // "name:key=value,key=value" with every parameter, sorted
};

// Parses "name" or "name:key=value,key=value" (values as on the command line).
SolverSpec parse_solver_spec(const Registry& registry, const std::string& text);

}  // namespace aelab
