#pragma once
// The options of every aelab command and benchmark suite, declared with CLI11.
//
// Adding a command: write `int command_NAME(const Arguments& args)` in cli/command_NAME.cpp, declare
// it in cli/commands.hpp and add one line to the table in cli/main.cpp (a benchmark suite: a function
// in bench/, one line in bench/suites.cpp). Adding an option: declare it on the command's
// CommandLine, with a target variable and, when the value has limits, a check from
// cli/validators.hpp:
//
//   CommandLine cl("aelab split", "Writes a vae_cf split folder.");
//   std::string out;
//   std::optional<double> threshold;        // absent: std::nullopt
//   std::size_t seed = 98765;               // absent: the default stays
//   bool force = false;
//   cl.option("--out", out, "DIR", "output folder")->required();
//   cl.option("--threshold", threshold, "T", "keep rows with value > T");
//   cl.option("--seed", seed, "S", "seed")->check(integer_in(0, 4294967295));
//   cl.flag("--force", force, "replace DIR when it already exists");
//   if (!cl.parse(args)) return 0;          // --help was given: the usage is printed
//
// option() reads integers and numbers strictly (decimal, whole text, finite) by the target's type;
// anything else comes from CLI11 itself: cl.app is the CLI::App (->check, ->needs, ...). A repeated
// option keeps its last value; a std::vector target (repeatable()) keeps them all.
//
// Every mistake on the command line is one aelab::Error "<command>: ..." (main prints it as
// "aelab: error: ..." with exit status 1): "--x expects an integer >= 10, got "3"", "--out is required
// (see aelab split --help)", "unknown option --thresold (see ...)", "unexpected argument "x" (see ...)".
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/validators.hpp"

namespace aelab::cli {

using Arguments = std::vector<std::string>;

class CommandLine {
 public:
  // `command` is the full name ("aelab bench admm"); `summary` the text under the usage line.
  CommandLine(std::string command, std::string summary);

  // A --name VALUE option. Integer and floating-point targets (or std::optional of them) get the
  // integer<T>() or number() check.
  template <typename T>
  CLI::Option* option(const std::string& name, T& target, const std::string& value_name, const std::string& help);
  // A repeatable --name VALUE option: every occurrence, in order.
  CLI::Option* repeatable(const std::string& name, std::vector<std::string>& target, const std::string& value_name,
                          const std::string& help);
  CLI::Option* flag(const std::string& name, bool& target, const std::string& help);
  // A required positional argument, shown as NAME in the usage line.
  CLI::Option* positional(const std::string& name, std::string& target, const std::string& help);

  // Parses the arguments after the command's name. Returns false when --help was given (the usage is
  // printed); throws aelab::Error on any mistake.
  bool parse(const Arguments& args);

  // True when `name` appeared on the command line.
  bool given(const std::string& name) const { return app.count(name) > 0; }
  const std::string& command() const { return command_; }

  CLI::App app;

 private:
  template <typename T>
  struct optional_value {
    using type = T;
  };
  template <typename T>
  struct optional_value<std::optional<T>> {
    using type = T;
  };
  std::string command_;
};

template <typename T>
CLI::Option* CommandLine::option(const std::string& name, T& target, const std::string& value_name,
                                 const std::string& help) {
  CLI::Option* o = app.add_option(name, target, help)->type_name(value_name);
  using Value = typename optional_value<T>::type;
  if constexpr (std::is_same_v<Value, bool>) static_assert(!std::is_same_v<Value, bool>, "use flag() for bool");
  else if constexpr (std::is_integral_v<Value>) o->transform(integer<Value>());
  else if constexpr (std::is_floating_point_v<Value>) o->transform(number());
  return o;
}

}  // namespace aelab::cli
