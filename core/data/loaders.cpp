#include "core/data/loaders.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "core/data/given_split_union.hpp"
#include "core/data/text_reader.hpp"
#include "core/util/error.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------------
// Delimited text: one interaction per line, fixed field count, optional header. Covers every format
// except netflix-prize and citeulike.

struct DelimitedFormat {
  std::string delimiter;
  bool header = false;
  // Columns by 0-based index ("0") or, with a header, by name ("userId").
  std::string user_column, item_column, value_column;  // value_column empty: value 1
  std::size_t fields = 0;                               // 0: as many as the header (or first row) has
  IdTable::Kind ids = IdTable::Kind::integer;
  std::string value_name = "value";                     // "rating", "playcount", "weight" in messages
  bool reject_quotes = false;                           // generic csv: quoting is not supported
};

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Index of `column` (a 0-based index or a header name) among `header` fields.
std::size_t resolve_column(const std::string& column, const char* role, const std::vector<std::string_view>* header,
                           std::size_t n_fields, const LineReader& reader) {
  if (all_digits(column)) {
    const std::size_t index = std::stoul(column);
    if (index >= n_fields)
      throw reader.error("expected at least " + std::to_string(index + 1) + " fields for the " + role + " column " +
                         column + ", got " + std::to_string(n_fields));
    return index;
  }
  if (!header)
    throw reader.error(std::string("the ") + role + " column \"" + column +
                       "\" is given by name but the file has no header (give a 0-based index)");
  for (std::size_t i = 0; i < header->size(); ++i)
    if ((*header)[i] == column) return i;
  std::string names;
  for (const auto& h : *header) names += (names.empty() ? "" : ",") + std::string(h);
  throw reader.error(std::string("expected a header with a ") + role + " column \"" + column + "\", got " +
                     quote_text(names));
}

void reserve_rows(RawInteractions& raw, std::size_t rows) {
  raw.user.reserve(rows);
  raw.item.reserve(rows);
  raw.value.reserve(rows);
}

class RowSink {
 public:
  RowSink(RawInteractions& raw, const LineReader& reader) : raw_(raw), reader_(reader) {}
  std::uint32_t user(std::string_view text) { return intern(raw_.users, text, "user", last_user_text_, last_user_); }
  std::uint32_t item(std::string_view text) { return intern(raw_.items, text, "item", last_item_text_, last_item_); }
  void add(std::uint32_t user, std::uint32_t item, double value) {
    raw_.user.push_back(user);
    raw_.item.push_back(item);
    raw_.value.push_back(value);
  }

 private:
  // Files are usually grouped by user (or by item for Netflix): remembering the previous id skips
  // most table look-ups.
  std::uint32_t intern(IdTable& table, std::string_view text, const char* role, std::string& last_text,
                       std::uint32_t& last) {
    if (last != IdTable::npos && text == last_text) return last;
    if (table.kind() == IdTable::Kind::integer) {
      std::int64_t id;
      if (!parse_int64(text, id)) throw reader_.error(std::string("expected an integer ") + role + " id, got " + quote_text(text));
      last = table.intern(id);
    } else {
      if (text.empty()) throw reader_.error(std::string("expected a non-empty ") + role + " id, got \"\"");
      last = table.intern(text);
    }
    last_text.assign(text);
    return last;
  }
  RawInteractions& raw_;
  const LineReader& reader_;
  std::string last_user_text_, last_item_text_;
  std::uint32_t last_user_ = IdTable::npos, last_item_ = IdTable::npos;
};

RawInteractions load_delimited(const std::string& path, const DelimitedFormat& format) {
  RawInteractions raw{IdTable(format.ids), IdTable(format.ids), {}, {}, {}, path};
  LineReader reader(path);
  RowSink sink(raw, reader);
  const std::string described = delimiter_description(format.delimiter);
  std::vector<std::string_view> fields, header_fields;
  std::string_view line;
  std::size_t n_fields = format.fields;
  std::size_t user_col = 0, item_col = 0, value_col = 0;
  bool resolved = false;
  const bool has_value = !format.value_column.empty();

  auto resolve = [&](const std::vector<std::string_view>* header, std::size_t count) {
    if (n_fields == 0) n_fields = count;
    user_col = resolve_column(format.user_column, "user", header, n_fields, reader);
    item_col = resolve_column(format.item_column, "item", header, n_fields, reader);
    if (has_value) value_col = resolve_column(format.value_column, format.value_name.c_str(), header, n_fields, reader);
    resolved = true;
  };

  if (format.header) {
    if (!reader.next(line)) throw file_error(path, 1, "expected a header line, got an empty file");
    split_fields(line, format.delimiter, header_fields);
    if (format.fields != 0 && header_fields.size() != format.fields)
      throw reader.error("expected a header of " + std::to_string(format.fields) + " " + described + " fields, got " +
                         quote_text(line));
    // The header's text dies with the next buffer refill: resolve columns now.
    resolve(&header_fields, header_fields.size());
  }
  bool reserved = false;
  while (reader.next(line)) {
    if (line.empty()) continue;  // blank lines carry no row (pandas skips them too)
    split_fields(line, format.delimiter, fields);
    if (!resolved) resolve(nullptr, fields.size());
    if (fields.size() != n_fields)
      throw reader.error("expected " + std::to_string(n_fields) + " " + described + " fields, got " +
                         std::to_string(fields.size()));
    if (!reserved) {
      // 5% above the estimate from the first chunk: growing a 20 M-row vector by doubling would
      // briefly need twice its memory.
      reserve_rows(raw, reader.estimated_lines() + reader.estimated_lines() / 20 + 1024);
      reserved = true;
    }
    if (format.reject_quotes)
      for (std::size_t c : {user_col, item_col, value_col})
        if (!fields[c].empty() && fields[c].front() == '"')
          throw reader.error("expected an unquoted field (quoted csv fields are not supported), got " + quote_text(fields[c]));
    const std::uint32_t user = sink.user(fields[user_col]);
    const std::uint32_t item = sink.item(fields[item_col]);
    double value = 1.0;
    if (has_value && !parse_finite_double(fields[value_col], value))
      throw reader.error("expected a numeric " + format.value_name + ", got " + quote_text(fields[value_col]));
    sink.add(user, item, value);
  }
  if (raw.n_rows() == 0)
    throw file_error(path, reader.line_number() + 1,
                     reader.line_number() == 0 ? "expected at least one data row, got an empty file"
                                               : "expected at least one data row, got end of file");
  return raw;
}

// ---------------------------------------------------------------------------------------------------
// Netflix Prize: either the training_set folder (mv_0000001.txt ... each "MOVIEID:" then
// "user,rating,date" lines; files in name order) or one file of "MOVIEID:" blocks (combined_data_*.txt).

// The movie id of "mv_0000017.txt" (17), or -1 for another name.
std::int64_t movie_from_file_name(const std::string& name) {
  if (name.size() < 8 || name.compare(0, 3, "mv_") != 0 || name.compare(name.size() - 4, 4, ".txt") != 0) return -1;
  std::int64_t id;
  if (!parse_int64(std::string_view(name).substr(3, name.size() - 7), id) || id < 0) return -1;
  return id;
}

void load_netflix_file(const std::string& path, bool one_movie, RawInteractions& raw) {
  LineReader reader(path);
  RowSink sink(raw, reader);
  const std::int64_t expected_movie = one_movie ? movie_from_file_name(fs::path(path).filename().string()) : -1;
  std::vector<std::string_view> fields;
  std::string_view line;
  std::uint32_t movie = IdTable::npos;
  while (reader.next(line)) {
    if (line.empty()) continue;
    if (line.back() == ':' && (movie == IdTable::npos || !one_movie)) {
      std::int64_t id;
      if (!parse_int64(line.substr(0, line.size() - 1), id) || id < 0)
        throw reader.error("expected a \"MOVIEID:\" line, got " + quote_text(line));
      if (expected_movie >= 0 && id != expected_movie)
        throw reader.error("expected \"" + std::to_string(expected_movie) + ":\" (the movie of " +
                           fs::path(path).filename().string() + "), got " + quote_text(line));
      movie = raw.items.intern(id);
      continue;
    }
    if (movie == IdTable::npos) throw reader.error("expected a \"MOVIEID:\" line, got " + quote_text(line));
    split_fields(line, ",", fields);
    if (fields.size() != 3)
      throw reader.error("expected 3 comma-separated fields (user,rating,date), got " + std::to_string(fields.size()));
    const std::uint32_t user = sink.user(fields[0]);
    double rating;
    if (!parse_finite_double(fields[1], rating)) throw reader.error("expected a numeric rating, got " + quote_text(fields[1]));
    sink.add(user, movie, rating);
  }
  if (reader.line_number() == 0) throw file_error(path, 1, "expected a \"MOVIEID:\" line, got an empty file");
}

// "1488844,3,2005-09-06\n" is 21 bytes; user ids have 1 to 7 digits.
constexpr std::uint64_t kNetflixBytesPerRow = 19;

RawInteractions load_netflix(const std::string& path) {
  RawInteractions raw{IdTable(IdTable::Kind::integer), IdTable(IdTable::Kind::integer), {}, {}, {}, path};
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(path)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && movie_from_file_name(name) >= 0) files.push_back(entry.path().string());
    }
    if (files.empty()) throw Error(path + ": expected a Netflix Prize training_set folder with mv_*.txt files, found none");
    std::sort(files.begin(), files.end());
    std::uint64_t bytes = 0;
    for (const auto& file : files) bytes += fs::file_size(file, ec);
    reserve_rows(raw, static_cast<std::size_t>(bytes / kNetflixBytesPerRow));
    for (const auto& file : files) load_netflix_file(file, true, raw);
  } else {
    reserve_rows(raw, static_cast<std::size_t>(fs::file_size(path, ec) / kNetflixBytesPerRow));
    load_netflix_file(path, false, raw);
  }
  if (raw.n_rows() == 0) throw Error(path + ": expected at least one rating, found none");
  return raw;
}

// ---------------------------------------------------------------------------------------------------
// CiteULike users.dat: line i (0-based) is user i: "<n> <item_1> ... <item_n>", space-separated.

constexpr std::int64_t kCiteulikeIndexLimit = std::int64_t{1} << 32;

RawInteractions load_citeulike(const std::string& path) {
  RawInteractions raw{IdTable(IdTable::Kind::integer), IdTable(IdTable::Kind::integer), {}, {}, {}, path};
  LineReader reader(path);
  std::vector<std::string_view> fields;
  std::string_view line;
  bool reserved = false;
  while (reader.next(line)) {
    const std::int64_t user_id = static_cast<std::int64_t>(reader.line_number() - 1);
    if (line.empty()) throw reader.error("expected a count of items (line " + std::to_string(reader.line_number()) +
                                         " is user " + std::to_string(user_id) + "), got an empty line");
    split_fields(line, " ", fields);
    std::int64_t count;
    if (!parse_int64(fields[0], count) || count < 0)
      throw reader.error("expected a count of items, got " + quote_text(fields[0]));
    if (static_cast<std::size_t>(count) != fields.size() - 1)
      throw reader.error("expected " + std::to_string(count) + " item ids after the count " + std::to_string(count) +
                         ", got " + std::to_string(fields.size() - 1));
    if (!reserved) {
      // Rows per line vary a lot; reserve from the file size (about 5 bytes per item id).
      reserve_rows(raw, static_cast<std::size_t>(reader.file_size() / 5));
      reserved = true;
    }
    if (count == 0) continue;
    const std::uint32_t user = raw.users.intern(user_id);
    for (std::size_t f = 1; f < fields.size(); ++f) {
      // Item ids are 0-based indices into the catalogue (raw-data.csv), i.e. 32-bit column indices.
      std::int64_t item;
      if (!parse_int64(fields[f], item) || item < 0 || item >= kCiteulikeIndexLimit)
        throw reader.error("expected an item index (a non-negative integer below " + std::to_string(kCiteulikeIndexLimit) +
                           "), got " + quote_text(fields[f]));
      raw.user.push_back(user);
      raw.item.push_back(raw.items.intern(item));
      raw.value.push_back(1.0);
    }
  }
  if (reader.line_number() == 0) throw file_error(path, 1, "expected a line per user, got an empty file");
  if (raw.n_rows() == 0) throw file_error(path, reader.line_number(), "expected at least one item, every user has none");
  return raw;
}

// ---------------------------------------------------------------------------------------------------

struct FormatEntry {
  const char* name;
  const char* description;
};

const std::vector<FormatEntry>& format_table() {
  static const std::vector<FormatEntry> table = {
      {"movielens-csv", "MovieLens ratings.csv (ML-20M, ml-latest): header userId,movieId,rating,timestamp; CRLF ok"},
      {"movielens-dat", "MovieLens ratings.dat (ML-1M, ML-10M): UserID::MovieID::Rating::Timestamp, no header"},
      {"movielens-100k", "MovieLens 100K u.data: user \\t item \\t rating \\t timestamp, no header"},
      {"netflix-prize", "Netflix Prize training_set folder of mv_*.txt (\"MOVIEID:\" then user,rating,date), "
                        "or one file of such blocks"},
      {"msd-triplets", "Million Song Dataset train_triplets.txt: user \\t song \\t playcount, string ids"},
      {"citeulike", "CiteULike users.dat: line i is user i (0-based): <count> <item> ... <item>"},
      {"hetrec-lastfm", "HetRec 2011 Last.fm user_artists.dat: header userID \\t artistID \\t weight"},
      {"lightgcn-union", "a LightGCN / NGCF data folder (train.txt or s_adj_mat.npz, and test.txt): the union of its "
                         "training and test interactions"},
      {"csv", "generic delimited text: --delimiter, --no-header, --user-col/--item-col/--value-col by "
              "0-based index or header name, --string-ids"},
  };
  return table;
}

}  // namespace

std::vector<std::string> loader_formats() {
  std::vector<std::string> names;
  for (const auto& f : format_table()) names.emplace_back(f.name);
  return names;
}

std::string loader_format_description(const std::string& format) {
  for (const auto& f : format_table())
    if (format == f.name) return f.description;
  return "";
}

void check_loader_format(const std::string& format) {
  for (const auto& f : format_table())
    if (format == f.name) return;
  std::string names;
  for (const auto& f : format_table()) names += (names.empty() ? "" : ", ") + std::string(f.name);
  throw Error("unknown data format \"" + format + "\" (expected one of: " + names + ")");
}

RawInteractions load_interactions(const LoadOptions& options) {
  check_loader_format(options.format);
  const std::string& f = options.format;
  if (f != "csv") {
    const LoadOptions defaults;
    if (options.delimiter != defaults.delimiter || options.header != defaults.header ||
        options.user_column != defaults.user_column || options.item_column != defaults.item_column ||
        options.value_column != defaults.value_column || options.string_ids != defaults.string_ids)
      throw Error("delimiter, header, column and string-id options apply to the \"csv\" format only, not \"" + f + "\"");
  }
  if (f == "netflix-prize") return load_netflix(options.path);
  if (f == "citeulike") return load_citeulike(options.path);
  if (f == "lightgcn-union") return load_given_split_union(options.path);
  DelimitedFormat d;
  if (f == "movielens-csv") {
    d = {",", true, "userId", "movieId", "rating", 0, IdTable::Kind::integer, "rating", false};
  } else if (f == "movielens-dat") {
    d = {"::", false, "0", "1", "2", 4, IdTable::Kind::integer, "rating", false};
  } else if (f == "movielens-100k") {
    d = {"\t", false, "0", "1", "2", 4, IdTable::Kind::integer, "rating", false};
  } else if (f == "msd-triplets") {
    d = {"\t", false, "0", "1", "2", 3, IdTable::Kind::string, "playcount", false};
  } else if (f == "hetrec-lastfm") {
    d = {"\t", true, "userID", "artistID", "weight", 3, IdTable::Kind::integer, "weight", false};
  } else {  // csv
    if (options.user_column.empty() || options.item_column.empty())
      throw Error("csv format: the user and item columns must be given");
    if (options.delimiter == '\n' || options.delimiter == '\r' || options.delimiter == '"')
      throw Error("csv format: the delimiter cannot be a line break or a quote");
    d = {std::string(1, options.delimiter), options.header, options.user_column, options.item_column,
         options.value_column, 0, options.string_ids ? IdTable::Kind::string : IdTable::Kind::integer, "value", true};
  }
  return load_delimited(options.path, d);
}

}  // namespace aelab
