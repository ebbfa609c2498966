#pragma once
// Readers of the raw formats aelab knows, by name (usable from the CLI and from JSON configs).
// Every reader streams its input, keeps rows in file order, and reports malformed input as one line
// "<file>:<line>: expected ..., got ..." (aelab::Error).
#include <string>
#include <vector>

#include "core/data/raw_interactions.hpp"

namespace aelab {

struct LoadOptions {
  std::string format;  // one of loader_formats()
  std::string path;    // a file, or a folder for netflix-prize and lightgcn-union
  // Generic "csv" format only:
  char delimiter = ',';
  bool header = true;
  std::string user_column = "0";   // column index or header name
  std::string item_column = "1";
  std::string value_column = "";   // empty: every row has value 1
  bool string_ids = false;         // ids are strings (sorted lexicographically) instead of integers
};

// "movielens-csv", "movielens-dat", "movielens-100k", "netflix-prize", "msd-triplets", "citeulike",
// "hetrec-lastfm", "lightgcn-union", "csv" (vae_cf split folders are read by core/data/vae_cf.hpp).
std::vector<std::string> loader_formats();
// One line describing a format (empty for an unknown name).
std::string loader_format_description(const std::string& format);
// Throws aelab::Error "unknown data format "x" (expected one of: ...)".
void check_loader_format(const std::string& format);
// Throws aelab::Error for an unknown format, csv-only options given with another format, a file that
// cannot be read, and any malformed line (as "<file>:<line>: expected ..., got ...").
RawInteractions load_interactions(const LoadOptions& options);

}  // namespace aelab
