#pragma once
// A small declarative command-line parser shared by every subcommand:
//   CommandLine cl("aelab split", "Writes a vae_cf split folder.", {
//       {"format", "F", "input format (see aelab data formats)"},   // takes a value
//       {"quiet", "", "no progress output"}});                       // a flag
// Options are "--name value" or "--name=value"; repeated options accumulate; "--help" prints usage.
// Unknown options and missing values are aelab::Error with a one-line message.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aelab::cli {

struct OptionSpec {
  std::string name;
  std::string value_name;  // empty: a flag without value
  std::string help;
};

class CommandLine {
 public:
  // `positionals` names the positional arguments in the usage line (e.g. "CONFIG").
  CommandLine(std::string command, std::string summary, std::vector<OptionSpec> options,
              std::string positionals = "");
  // Parses argv after the subcommand. Returns false when --help was given (usage already printed).
  bool parse(const std::vector<std::string>& args);

  bool flag(const std::string& name) const;
  std::optional<std::string> value(const std::string& name) const;
  std::string required(const std::string& name) const;  // throws "aelab split: --out is required"
  std::vector<std::string> values(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // Typed accessors with one-line errors naming the option.
  std::optional<double> number(const std::string& name) const;
  std::optional<long long> integer(const std::string& name) const;
  std::string usage() const;

 private:
  const OptionSpec* find(const std::string& name) const;
  std::string command_, summary_, positional_names_;
  std::vector<OptionSpec> options_;
  std::map<std::string, std::vector<std::string>> given_;
  std::vector<std::string> positional_;
};

}  // namespace aelab::cli
