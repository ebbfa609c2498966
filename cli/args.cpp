#include "cli/args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "core/util/error.hpp"

namespace aelab::cli {

CommandLine::CommandLine(std::string command, std::string summary, std::vector<OptionSpec> options,
                         std::string positionals)
    : command_(std::move(command)), summary_(std::move(summary)), positional_names_(std::move(positionals)),
      options_(std::move(options)) {}

const OptionSpec* CommandLine::find(const std::string& name) const {
  for (const auto& o : options_)
    if (o.name == name) return &o;
  return nullptr;
}

bool CommandLine::parse(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << usage();
      return false;
    }
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const OptionSpec* spec = find(name);
      if (!spec) throw Error(command_ + ": unknown option --" + name + " (see " + command_ + " --help)");
      if (spec->value_name.empty()) {
        if (has_value) throw Error(command_ + ": --" + name + " takes no value");
        given_[name].push_back("");
      } else {
        if (!has_value) {
          if (i + 1 >= args.size()) throw Error(command_ + ": --" + name + " expects " + spec->value_name);
          value = args[++i];
        }
        given_[name].push_back(value);
      }
    } else {
      positional_.push_back(a);
    }
  }
  return true;
}

bool CommandLine::flag(const std::string& name) const { return given_.count(name) > 0; }

std::optional<std::string> CommandLine::value(const std::string& name) const {
  auto it = given_.find(name);
  if (it == given_.end()) return std::nullopt;
  return it->second.back();
}

std::string CommandLine::required(const std::string& name) const {
  auto v = value(name);
  if (!v) throw Error(command_ + ": --" + name + " is required (see " + command_ + " --help)");
  return *v;
}

std::vector<std::string> CommandLine::values(const std::string& name) const {
  auto it = given_.find(name);
  return it == given_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<double> CommandLine::number(const std::string& name) const {
  auto v = value(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || errno != 0 || !std::isfinite(x))
    throw Error(command_ + ": --" + name + " expects a number, got \"" + *v + "\"");
  return x;
}

std::optional<long long> CommandLine::integer(const std::string& name) const {
  auto v = value(name);
  if (!v) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno != 0)
    throw Error(command_ + ": --" + name + " expects an integer, got \"" + *v + "\"");
  return x;
}

std::string CommandLine::usage() const {
  std::string text = "usage: " + command_ + " [options]" + (positional_names_.empty() ? "" : " " + positional_names_) +
                     "\n" + summary_ + "\n\noptions:\n";
  for (const auto& o : options_) {
    std::string left = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    if (left.size() < 28) left.resize(28, ' ');
    else left += "  ";
    text += left + o.help + "\n";
  }
  text += "  --help                    this message\n";
  return text;
}

}  // namespace aelab::cli
