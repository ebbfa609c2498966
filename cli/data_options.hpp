#pragma once
// Command-line options shared by the data subcommands (split, data inspect, bench data): the input
// format and its generic-csv settings, and the split protocol's parameters.
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "core/data/loaders.hpp"
#include "core/data/split.hpp"

namespace aelab::cli {

// --format, --input, --delimiter, --no-header, --user-col, --item-col, --value-col, --string-ids
std::vector<OptionSpec> load_option_specs();
LoadOptions load_options(const CommandLine& cl, const std::string& command);

// --threshold, --min-uc, --min-sc, --heldout, --seed
std::vector<OptionSpec> split_option_specs();
SplitOptions split_options(const CommandLine& cl, const std::string& command);

// Appends b's options to a.
std::vector<OptionSpec> operator+(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b);

// A non-negative integer option (default when absent), with a one-line error naming the option.
std::size_t count_option(const CommandLine& cl, const std::string& command, const std::string& name, std::size_t fallback);

// "10,100,1000" as positive integers; an empty list or a bad item is a one-line error naming the option:
// "<command>: --<option> expects positive integers separated by commas, got \"<text>\"".
std::vector<std::size_t> positive_integer_list(const std::string& text, const std::string& command,
                                               const std::string& option);

// "1.23 s"
std::string seconds_text(double seconds);
// Shortest text that reads back as the same double ("3.5", not "3.500000").
std::string number_text(double x);

}  // namespace aelab::cli
