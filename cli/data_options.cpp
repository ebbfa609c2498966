#include "cli/data_options.hpp"

#include "core/util/error.hpp"

namespace aelab::cli {

namespace {

const char* const kCsvOnly[] = {"--delimiter", "--no-header", "--user-col", "--item-col", "--value-col", "--string-ids"};

// The delimiter's names, or one character other than a quote or a line break.
bool read_delimiter(const std::string& text, char& out) {
  if (text == "tab" || text == "\\t") out = '\t';
  else if (text == "comma") out = ',';
  else if (text == "semicolon") out = ';';
  else if (text == "space") out = ' ';
  else if (text == "pipe") out = '|';
  else if (text.size() == 1 && text != "\"" && text != "\n" && text != "\r") out = text[0];
  else return false;
  return true;
}

}  // namespace

LoadArguments::LoadArguments(CommandLine& cl) : cl_(cl) {
  cl.option("--format", given_.format, "F", "input format (list: aelab data formats)")
      ->required()
      ->check(one_of(loader_formats()));
  cl.option("--input", given_.path, "PATH", "raw data file (a folder for netflix-prize and lightgcn-union)")->required();
  cl.option("--delimiter", delimiter_, "C",
            "csv only: field delimiter, one character or tab|comma|semicolon|space|pipe (default ,)")
      ->check(expects(CLI::Validator(
                          [](std::string& text) -> std::string {
                            char c;
                            return read_delimiter(text, c) ? "" : "not a delimiter";
                          },
                          ""),
                      "one character or tab|comma|semicolon|space|pipe"));
  cl.flag("--no-header", no_header_, "csv only: the first line is data, not a header");
  cl.option("--user-col", given_.user_column, "COL", "csv only: user id column, 0-based index or header name (default 0)")
      ->check(non_empty("a column"));
  cl.option("--item-col", given_.item_column, "COL", "csv only: item id column, 0-based index or header name (default 1)")
      ->check(non_empty("a column"));
  cl.option("--value-col", given_.value_column, "COL", "csv only: rating/count column (default: none, every row has value 1)")
      ->check(non_empty("a column"));
  cl.flag("--string-ids", given_.string_ids, "csv only: ids are strings, sorted lexicographically (default: integers)");
}

LoadOptions LoadArguments::options() const {
  if (given_.format != "csv")
    for (const char* name : kCsvOnly)
      if (cl_.given(name))
        throw Error(cl_.command() + ": " + name + " applies to --format csv only, not " + given_.format);
  LoadOptions o = given_;
  if (!delimiter_.empty()) read_delimiter(delimiter_, o.delimiter);
  o.header = !no_header_;
  return o;
}

SplitArguments::SplitArguments(CommandLine& cl) {
  cl.option("--threshold", given_.threshold, "T",
            "keep rows with value > T (MovieLens, Netflix: 3.5); default: keep every row");
  cl.option("--min-uc", given_.min_uc, "N", "keep users with >= N rows, counted after the item filter (default 5)");
  cl.option("--min-sc", given_.min_sc, "N", "keep items with >= N rows, applied first (default 0: no filter)");
  cl.option("--heldout", given_.heldout_users, "H", "validation users and test users, H each (required; ML-20M 10000)")
      ->required()
      ->check(integer_at_least(1));
  cl.option("--seed", given_.seed, "S", "numpy RandomState seed (default 98765)");
}

}  // namespace aelab::cli
