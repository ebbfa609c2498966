#pragma once
// Command-line options shared by the data subcommands (split, data inspect): the input format and
// its generic-csv settings, and the split protocol's parameters.
#include <string>

#include "cli/command_line.hpp"
#include "core/data/loaders.hpp"
#include "core/data/split.hpp"

namespace aelab::cli {

// --format, --input, --delimiter, --no-header, --user-col, --item-col, --value-col, --string-ids:
// declared on `cl` by the constructor, read by options() after cl.parse().
class LoadArguments {
 public:
  explicit LoadArguments(CommandLine& cl);
  // Throws "<command>: --delimiter applies to --format csv only, not <format>" for a csv setting
  // given with another format.
  LoadOptions options() const;

 private:
  const CommandLine& cl_;
  LoadOptions given_;
  std::string delimiter_;
  bool no_header_ = false;
};

// --threshold, --min-uc, --min-sc, --heldout (required), --seed.
class SplitArguments {
 public:
  explicit SplitArguments(CommandLine& cl);
  const SplitOptions& options() const { return given_; }

 private:
  SplitOptions given_;
};

}  // namespace aelab::cli
