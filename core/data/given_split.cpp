#include "core/data/given_split.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>

#include "core/data/ngcf_text.hpp"
#include "core/util/error.hpp"

namespace aelab {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shape_text(const BinaryCsr& m) { return std::to_string(m.n_rows()) + " x " + std::to_string(m.n_cols()); }

// `m` grown to n_rows x n_cols (new rows empty, same entries).
BinaryCsr with_shape(const BinaryCsr& m, std::size_t n_rows, std::size_t n_cols) {
  std::vector<std::uint64_t> row_ptr = m.row_ptr();
  row_ptr.resize(n_rows + 1, row_ptr.back());
  return BinaryCsr(n_rows, n_cols, std::move(row_ptr), m.col_idx());
}

// One side of the split as read, before the two are reconciled.
struct LoadedFile {
  GivenSplitFile file;
  BinaryCsr matrix;
  std::vector<std::size_t> line_of_user;  // text only
};

// "<path>:<line>: " for a text file's user, "<path>: " for an .npz.
std::string location(const LoadedFile& f, std::size_t user) {
  if (f.file.kind == GivenFileKind::text && user < f.line_of_user.size() && f.line_of_user[user] != 0)
    return f.file.path + ":" + std::to_string(f.line_of_user[user]) + ": ";
  return f.file.path + ": ";
}

LoadedFile load_npz(const std::string& path, const NpzReadOptions& options) {
  LoadedFile f;
  f.file.path = path;
  f.file.kind = GivenFileKind::npz;
  NpzInteractions read = read_npz_interactions(path, options);
  f.matrix = std::move(read.interactions);
  f.file.npz = read.info;
  return f;
}

LoadedFile load_text(const std::string& path, const NgcfTextBounds& bounds) {
  LoadedFile f;
  f.file.path = path;
  f.file.kind = GivenFileKind::text;
  NgcfText read = read_ngcf_text(path, bounds);
  f.matrix = std::move(read.matrix);
  f.line_of_user = std::move(read.line_of_user);
  return f;
}

// A text training file must fit the shape an .npz test file gives: the first offending line, in file order.
void check_text_fits(const LoadedFile& train, const LoadedFile& test) {
  const std::size_t rows = test.matrix.n_rows(), cols = test.matrix.n_cols();
  std::size_t first_line = 0;
  std::string message;
  for (std::size_t u = 0; u < train.matrix.n_rows(); ++u) {
    const auto row = train.matrix.row(u);
    const std::size_t line = train.line_of_user[u];
    if (line == 0 || (first_line != 0 && line >= first_line)) continue;
    if (u >= rows) {
      first_line = line;
      message = "expected a user id below " + std::to_string(rows) + " (the rows of " + test.file.path + "), got " + std::to_string(u);
    } else if (!row.empty() && row.end()[-1] >= cols) {
      first_line = line;
      const auto first_bad = std::lower_bound(row.begin(), row.end(), static_cast<std::uint32_t>(cols));
      message = "expected an item id below " + std::to_string(cols) + " (the columns of " + test.file.path + "), got " +
                std::to_string(*first_bad);
    }
  }
  if (first_line != 0) throw file_error(train.file.path, first_line, message);
}

// Every test user has training items, and no test interaction is a training one.
void check_consistency(const LoadedFile& train, const LoadedFile& test) {
  for (std::size_t u = 0; u < test.matrix.n_rows(); ++u) {
    const auto held = test.matrix.row(u);
    if (held.empty()) continue;
    const auto known = train.matrix.row(u);
    if (known.empty()) {
      const bool unlisted = train.file.kind == GivenFileKind::text && train.line_of_user[u] == 0;
      throw Error(location(test, u) + "expected every test user to have training items, got user " + std::to_string(u) +
                  (unlisted ? ", who has no line in " : ", whose training row is empty in ") + train.file.path);
    }
    const std::uint32_t* a = held.begin();
    const std::uint32_t* b = known.begin();
    while (a != held.end() && b != known.end()) {
      if (*a < *b) ++a;
      else if (*b < *a) ++b;
      else
        throw Error(location(test, u) + "expected test interactions that are not training interactions, got user " +
                    std::to_string(u) + " item " + std::to_string(*a) + ", which " + train.file.path + " holds too");
    }
  }
}

}  // namespace

GivenFileKind detect_given_file_kind(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw Error(path + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) throw Error(path + ": cannot open: not a regular file");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) throw Error(path + ": cannot open: " + std::strerror(errno));
  unsigned char head[6] = {0, 0, 0, 0, 0, 0};
  const std::size_t got = std::fread(head, 1, sizeof head, file.get());
  // Local file header or (an archive without members) end of central directory.
  if (got >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
    return GivenFileKind::npz;
  if (got == 6 && std::memcmp(head, "\x93NUMPY", 6) == 0)
    throw Error(path + ": expected an .npz archive or a text file, got a single .npy array (save it with scipy.sparse.save_npz)");
  if (got >= 2 && head[0] == 0x1f && head[1] == 0x8b)
    throw Error(path + ": expected an .npz archive or a text file, got a gzip-compressed file (decompress it first)");
  return ends_with(path, ".npz") ? GivenFileKind::npz : GivenFileKind::text;
}

std::size_t GivenSplit::n_test_users() const {
  std::size_t users = 0;
  for (std::size_t u = 0; u < test.n_rows(); ++u) users += !test.row(u).empty();
  return users;
}

GivenSplit load_given_split(const std::string& train_path, const std::string& test_path, const GivenSplitOptions& options) {
  const GivenFileKind train_kind = detect_given_file_kind(train_path);
  const GivenFileKind test_kind = detect_given_file_kind(test_path);
  if (train_kind == GivenFileKind::text && (options.n_users || options.train_layout != NpzLayout::detect))
    throw Error(train_path + ": an npz layout or user count was given, but this training file is text, not an .npz");

  LoadedFile train = train_kind == GivenFileKind::npz
                         ? load_npz(train_path, NpzReadOptions{options.train_layout, options.n_users, options.values})
                         : load_text(train_path, {});
  LoadedFile test;
  if (test_kind == GivenFileKind::npz) {
    test = load_npz(test_path, NpzReadOptions{NpzLayout::user_item, std::nullopt, options.values});
    if (train_kind == GivenFileKind::npz) {
      if (test.matrix.n_rows() != train.matrix.n_rows() || test.matrix.n_cols() != train.matrix.n_cols())
        throw Error(test_path + ": expected the shape of the training matrix, " + shape_text(train.matrix) + " (from " +
                    train_path + "), got " + shape_text(test.matrix));
    } else {
      check_text_fits(train, test);
      train.matrix = with_shape(train.matrix, test.matrix.n_rows(), test.matrix.n_cols());
      train.line_of_user.resize(test.matrix.n_rows(), 0);
    }
  } else {
    NgcfTextBounds bounds;
    bounds.users = NgcfTextBound{train.matrix.n_rows(), "the users of " + train_path};
    if (train_kind == GivenFileKind::npz) bounds.items = NgcfTextBound{train.matrix.n_cols(), "the items of " + train_path};
    test = load_text(test_path, bounds);
    if (train_kind == GivenFileKind::text) {
      const std::size_t n_items = std::max(train.matrix.n_cols(), test.matrix.n_cols());
      train.matrix = widen_columns(train.matrix, n_items);
      test.matrix = widen_columns(test.matrix, n_items);
    }
  }
  check_consistency(train, test);

  GivenSplit split;
  split.train = std::move(train.matrix);
  split.test = std::move(test.matrix);
  split.train_file = std::move(train.file);
  split.test_file = std::move(test.file);
  return split;
}

HeldOutSet empty_held_out_set(std::size_t n_items) {
  HeldOutSet set;
  set.fold_in = BinaryCsr(0, n_items, {0}, {});
  set.held_out = BinaryCsr(0, n_items, {0}, {});
  return set;
}

SplitData test_split_data(const GivenSplit& split) {
  SplitData data;
  data.train = split.train;
  data.validation = empty_held_out_set(split.n_items());
  data.test.uids.resize(split.n_users());
  std::iota(data.test.uids.begin(), data.test.uids.end(), std::uint64_t{0});
  data.test.fold_in = split.train;
  data.test.held_out = split.test;
  return data;
}

}  // namespace aelab
