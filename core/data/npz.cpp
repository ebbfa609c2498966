#include "core/data/npz.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "core/data/bipartite_adjacency.hpp"
#include "core/data/npy.hpp"
#include "core/data/text_reader.hpp"
#include "core/data/zip_archive.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"

namespace aelab {

namespace {

constexpr std::uint64_t kMaxExtent = std::numeric_limits<std::uint32_t>::max();

std::string entry_text(std::uint64_t row, std::uint64_t col) {
  return "(row " + std::to_string(row) + ", column " + std::to_string(col) + ")";
}

// One .npy member of the archive, its header parsed and its size checked against shape x dtype.
struct NpzArray {
  ZipArchive::Member member;
  NpyHeader header;
  std::uint64_t count = 0;
  std::string where;  // "<archive>: indices.npy"
};

NpzArray open_array(const ZipArchive& zip, const std::string& name) {
  ZipArchive::Member member = zip.open(name + ".npy");
  const std::string where = zip.path() + ": " + name + ".npy";
  std::string prefix(static_cast<std::size_t>(std::min<std::uint64_t>(kNpyPrefixBytes, member.size())), '\0');
  member.read(prefix.data(), prefix.size());
  const std::size_t header_size = npy_header_size(prefix, where);
  if (header_size > member.size()) throw Error(where + ": truncated .npy header");
  std::string header_bytes = prefix;
  header_bytes.resize(header_size);
  if (header_size > prefix.size()) member.read(header_bytes.data() + prefix.size(), header_size - prefix.size());
  NpyHeader header = parse_npy_header(header_bytes, where);
  const std::uint64_t count = header.element_count(where);
  const std::uint64_t data_bytes = member.size() - header_size;
  if (header.dtype.item_size > 0 && (count > UINT64_MAX / header.dtype.item_size || data_bytes != count * header.dtype.item_size))
    throw Error(where + ": expected " + std::to_string(count) + " elements of " + std::to_string(header.dtype.item_size) +
                " bytes for the shape " + header.shape_text() + ", got " + std::to_string(data_bytes) + " bytes of data");
  return NpzArray{std::move(member), std::move(header), count, where};
}

// Calls visit(element, index) for every element, reading the member in chunks of about 1 MiB. A
// complaint of `visit` is raised only after the whole member was read and its CRC-32 checked: a
// damaged archive is reported as damaged, not as the odd value the damage produced.
template <typename Visit>
void for_each_element(NpzArray& array, Visit&& visit) {
  const std::size_t size = array.header.dtype.item_size;
  const std::size_t per_chunk = std::max<std::size_t>(1, (std::size_t{1} << 20) / size);
  std::vector<unsigned char> buffer(per_chunk * size);
  std::optional<Error> complaint;
  for (std::uint64_t start = 0; start < array.count; start += per_chunk) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(per_chunk, array.count - start));
    array.member.read(buffer.data(), n * size);
    if (complaint) continue;
    try {
      for (std::size_t k = 0; k < n; ++k) visit(buffer.data() + k * size, start + k);
    } catch (const Error& e) {
      complaint = e;
    }
  }
  array.member.expect_end();
  if (complaint) throw *complaint;
}

void expect_vector(const NpzArray& array, const std::string& what) {
  if (array.header.shape.size() != 1)
    throw Error(array.where + ": expected a 1-d array of " + what + ", got shape " + array.header.shape_text());
}

bool is_integer(const NpyDtype& dtype) {
  return dtype.kind == NpyDtype::Kind::signed_integer || dtype.kind == NpyDtype::Kind::unsigned_integer;
}

// A 1-d integer array whose values must lie in [0, limit); `what` names them and `limit_source` the
// limit in messages.
template <typename T>
std::vector<T> read_indices(const ZipArchive& zip, const std::string& name, std::uint64_t limit, const std::string& what,
                            const std::string& limit_source = "") {
  NpzArray array = open_array(zip, name);
  expect_vector(array, what);
  if (!is_integer(array.header.dtype))
    throw Error(array.where + ": expected an integer dtype (int32, int64 or an unsigned one) for the " + what + ", got '" +
                array.header.dtype.descr + "'");
  const NpyDtype dtype = array.header.dtype;
  const bool is_signed = dtype.kind == NpyDtype::Kind::signed_integer;
  std::vector<T> values(static_cast<std::size_t>(array.count));
  for_each_element(array, [&](const unsigned char* element, std::uint64_t i) {
    const std::uint64_t bits = npy_integer_bits(element, dtype);
    if (is_signed && static_cast<std::int64_t>(bits) < 0)
      throw Error(array.where + ": expected non-negative " + what + ", got " + std::to_string(static_cast<std::int64_t>(bits)) +
                  " at position " + std::to_string(i));
    if (bits >= limit)
      throw Error(array.where + ": expected " + what + " below " + std::to_string(limit) +
                  (limit_source.empty() ? "" : " (" + limit_source + ")") + ", got " + std::to_string(bits) + " at position " +
                  std::to_string(i));
    values[static_cast<std::size_t>(i)] = static_cast<T>(bits);
  });
  return values;
}

std::string read_format(const ZipArchive& zip) {
  NpzArray array = open_array(zip, "format");
  const NpyDtype& dtype = array.header.dtype;
  if (dtype.kind != NpyDtype::Kind::bytes && dtype.kind != NpyDtype::Kind::unicode)
    throw Error(array.where + ": expected a bytes or unicode string, got dtype '" + dtype.descr + "'");
  if (!array.header.shape.empty()) throw Error(array.where + ": expected a 0-d string, got shape " + array.header.shape_text());
  std::string raw(dtype.item_size, '\0');
  array.member.read(raw.data(), raw.size());
  array.member.expect_end();
  std::string text;
  if (dtype.kind == NpyDtype::Kind::bytes) {
    text = raw;
  } else {  // UTF-32 code points; a sparse format name is ASCII
    for (std::size_t i = 0; i + 4 <= raw.size(); i += 4) {
      const auto* p = reinterpret_cast<const unsigned char*>(raw.data() + i);
      const std::uint32_t code = dtype.big_endian ? (std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3])
                                                  : (std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0]);
      text += code < 0x80 ? static_cast<char>(code) : '?';
    }
  }
  while (!text.empty() && text.back() == '\0') text.pop_back();  // numpy pads fixed-width strings with NULs
  if (text != "csr" && text != "csc" && text != "coo")
    throw Error(array.where + ": expected the sparse format csr, csc or coo, got " + quote_text(text));
  return text;
}

std::pair<std::uint64_t, std::uint64_t> read_shape(const ZipArchive& zip) {
  NpzArray array = open_array(zip, "shape");
  expect_vector(array, "the matrix shape");
  if (!is_integer(array.header.dtype))
    throw Error(array.where + ": expected an integer dtype for the matrix shape, got '" + array.header.dtype.descr + "'");
  if (array.count != 2)
    throw Error(array.where + ": expected 2 entries (rows, columns), got shape " + array.header.shape_text());
  std::int64_t extents[2] = {0, 0};
  for_each_element(array, [&](const unsigned char* element, std::uint64_t i) {
    extents[i] = static_cast<std::int64_t>(npy_integer_bits(element, array.header.dtype));
  });
  const std::string got = "(" + std::to_string(extents[0]) + ", " + std::to_string(extents[1]) + ")";
  if (extents[0] <= 0 || extents[1] <= 0)
    throw Error(array.where + ": expected a positive number of rows and columns, got " + got);
  if (static_cast<std::uint64_t>(extents[0]) > kMaxExtent || static_cast<std::uint64_t>(extents[1]) > kMaxExtent)
    throw Error(array.where + ": expected at most " + std::to_string(kMaxExtent) + " rows and columns, got " + got);
  return {static_cast<std::uint64_t>(extents[0]), static_cast<std::uint64_t>(extents[1])};
}

// indptr of `outer` rows (CSR) or columns (CSC) over `nnz` entries.
std::vector<std::uint64_t> read_indptr(const ZipArchive& zip, std::uint64_t outer, const char* outer_name) {
  std::vector<std::uint64_t> indptr = read_indices<std::uint64_t>(zip, "indptr", UINT64_MAX, "index pointers");
  const std::string where = zip.path() + ": indptr.npy";
  if (indptr.size() != outer + 1)
    throw Error(where + ": expected " + std::to_string(outer + 1) + " index pointers (the shape's " + outer_name +
                " + 1), got " + std::to_string(indptr.size()));
  if (indptr[0] != 0) throw Error(where + ": expected the index pointers to start at 0, got " + std::to_string(indptr[0]));
  for (std::size_t i = 1; i < indptr.size(); ++i)
    if (indptr[i] < indptr[i - 1])
      throw Error(where + ": expected non-decreasing index pointers, got " + std::to_string(indptr[i - 1]) + " then " +
                  std::to_string(indptr[i]) + " at positions " + std::to_string(i - 1) + " and " + std::to_string(i));
  return indptr;
}

std::string value_text(double value, bool single) {
  char buffer[64];
  const auto result = single ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value))
                             : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// Checks data.npy entry by entry; `coordinates(i)` gives the stored (row, column) of entry i for
// messages. Returns the explicit zeros (dropped under NpzValues::nonzero).
template <typename Coordinates>
std::vector<std::pair<std::uint32_t, std::uint32_t>> check_values(const ZipArchive& zip, std::uint64_t nnz,
                                                                  const std::string& nnz_source, NpzValues mode,
                                                                  Coordinates&& coordinates) {
  NpzArray array = open_array(zip, "data");
  expect_vector(array, "stored values");
  const NpyDtype dtype = array.header.dtype;
  if (dtype.kind != NpyDtype::Kind::boolean && !is_integer(dtype) && dtype.kind != NpyDtype::Kind::floating)
    throw Error(array.where + ": expected a data dtype of bool, int8..int64, uint8..uint64, float32 or float64, got '" +
                dtype.descr + "'");
  if (array.count != nnz)
    throw Error(array.where + ": expected " + std::to_string(nnz) + " stored values (" + nnz_source + "), got " +
                std::to_string(array.count));
  std::vector<std::pair<std::uint32_t, std::uint32_t>> zeros;
  auto reject = [&](const std::string& expected, const std::string& value, std::uint64_t i) {
    const auto [row, col] = coordinates(i);
    throw Error(array.where + ": expected " + expected + ", got " + value + " at " + entry_text(row, col));
  };
  const std::string expected_binary = "only the value 1 (binary interactions)";
  for_each_element(array, [&](const unsigned char* element, std::uint64_t i) {
    bool one = false, zero = false;
    std::string text;
    if (dtype.kind == NpyDtype::Kind::floating) {
      const double value = npy_floating_value(element, dtype);
      if (!std::isfinite(value)) reject("finite values", value_text(value, dtype.item_size == 4), i);
      one = value == 1.0;
      zero = value == 0.0;
      if (!one) text = value_text(value, dtype.item_size == 4);
    } else {
      const std::uint64_t bits = npy_integer_bits(element, dtype);
      one = dtype.kind == NpyDtype::Kind::boolean ? bits != 0 : bits == 1;
      zero = bits == 0;
      if (!one) text = dtype.kind == NpyDtype::Kind::boolean ? "False"
                       : dtype.kind == NpyDtype::Kind::signed_integer ? std::to_string(static_cast<std::int64_t>(bits))
                                                                       : std::to_string(bits);
    }
    if (one) return;
    if (mode == NpzValues::binary)
      reject(expected_binary, text + (zero ? " (an explicit zero)" : ""), i);
    if (zero) {
      const auto [row, col] = coordinates(i);
      zeros.emplace_back(static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(col));
    }
  });
  std::sort(zeros.begin(), zeros.end());
  return zeros;
}

// Sorts each row's columns (unsorted indices are valid scipy files) and rejects a repeated entry.
void canonicalize_rows(const std::vector<std::uint64_t>& row_ptr, std::vector<std::uint32_t>& col_idx,
                       const std::string& where) {
  for (std::size_t r = 0; r + 1 < row_ptr.size(); ++r) {
    auto begin = col_idx.begin() + static_cast<std::ptrdiff_t>(row_ptr[r]);
    auto end = col_idx.begin() + static_cast<std::ptrdiff_t>(row_ptr[r + 1]);
    if (!std::is_sorted(begin, end)) std::sort(begin, end);
    const auto repeated = std::adjacent_find(begin, end);
    if (repeated != end)
      throw Error(where + ": expected each (row, column) stored at most once, got " + entry_text(r, *repeated) +
                  " more than once");
  }
}

// Removes the explicit zeros (sorted, each present once) from a canonical CSR.
void drop_entries(std::vector<std::uint64_t>& row_ptr, std::vector<std::uint32_t>& col_idx,
                  const std::vector<std::pair<std::uint32_t, std::uint32_t>>& zeros) {
  if (zeros.empty()) return;
  std::size_t z = 0, out = 0;
  std::uint64_t begin = 0;
  for (std::size_t r = 0; r + 1 < row_ptr.size(); ++r) {
    const std::uint64_t end = row_ptr[r + 1];
    for (std::uint64_t i = begin; i < end; ++i) {
      if (z < zeros.size() && zeros[z].first == r && zeros[z].second == col_idx[i]) {
        ++z;
        continue;
      }
      col_idx[out++] = col_idx[i];
    }
    begin = end;
    row_ptr[r + 1] = out;
  }
  col_idx.resize(out);
}

// Row pointers of a CSR whose entry k lies in row row_of_entry[k].
std::vector<std::uint64_t> row_pointers(const std::vector<std::uint32_t>& row_of_entry, std::size_t n_rows) {
  std::vector<std::uint64_t> row_ptr(n_rows + 1, 0);
  for (std::uint32_t r : row_of_entry) ++row_ptr[r + 1];
  for (std::size_t r = 0; r < n_rows; ++r) row_ptr[r + 1] += row_ptr[r];
  return row_ptr;
}

}  // namespace

std::string npz_layout_name(NpzLayout layout) {
  switch (layout) {
    case NpzLayout::detect: return "detect";
    case NpzLayout::user_item: return "user-item";
    case NpzLayout::bipartite_adjacency: return "bipartite-adjacency";
  }
  return "";
}

NpzLayout parse_npz_layout(const std::string& name) {
  for (NpzLayout layout : {NpzLayout::detect, NpzLayout::user_item, NpzLayout::bipartite_adjacency})
    if (name == npz_layout_name(layout)) return layout;
  throw Error("expected an npz layout \"detect\", \"user-item\" or \"bipartite-adjacency\", got " + quote_text(name));
}

namespace {

// The stored entries as a canonical CSR (rows sorted, no duplicates, explicit zeros still in) and
// the explicit zeros found, whatever the stored format.
struct StoredEntries {
  std::vector<std::uint64_t> row_ptr;
  std::vector<std::uint32_t> col_idx;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> zeros;
};

StoredEntries read_csr(const ZipArchive& zip, std::uint64_t n_rows, std::uint64_t n_cols, NpzValues values) {
  const std::string where = zip.path() + ": indices.npy";
  StoredEntries e;
  e.row_ptr = read_indptr(zip, n_rows, "rows");
  e.col_idx = read_indices<std::uint32_t>(zip, "indices", n_cols, "column indices", "the shape's columns");
  if (e.col_idx.size() != e.row_ptr.back())
    throw Error(where + ": expected " + std::to_string(e.row_ptr.back()) + " column indices (the last index pointer), got " +
                std::to_string(e.col_idx.size()));
  e.zeros = check_values(zip, e.col_idx.size(), "the length of indices.npy", values, [&](std::uint64_t i) {
    const auto row = std::upper_bound(e.row_ptr.begin(), e.row_ptr.end(), i) - e.row_ptr.begin() - 1;
    return std::pair<std::uint64_t, std::uint64_t>(row, e.col_idx[i]);
  });
  canonicalize_rows(e.row_ptr, e.col_idx, where);
  return e;
}

StoredEntries read_csc(const ZipArchive& zip, std::uint64_t n_rows, std::uint64_t n_cols, NpzValues values) {
  const std::string where = zip.path() + ": indices.npy";
  const std::vector<std::uint64_t> col_ptr = read_indptr(zip, n_cols, "columns");
  const std::vector<std::uint32_t> row_idx = read_indices<std::uint32_t>(zip, "indices", n_rows, "row indices", "the shape's rows");
  if (row_idx.size() != col_ptr.back())
    throw Error(where + ": expected " + std::to_string(col_ptr.back()) + " row indices (the last index pointer), got " +
                std::to_string(row_idx.size()));
  StoredEntries e;
  e.zeros = check_values(zip, row_idx.size(), "the length of indices.npy", values, [&](std::uint64_t i) {
    const auto col = std::upper_bound(col_ptr.begin(), col_ptr.end(), i) - col_ptr.begin() - 1;
    return std::pair<std::uint64_t, std::uint64_t>(row_idx[i], col);
  });
  // Transpose by counting: columns are visited in order, so every row receives its columns sorted.
  e.row_ptr = row_pointers(row_idx, n_rows);
  e.col_idx.resize(row_idx.size());
  std::vector<std::uint64_t> cursor(e.row_ptr.begin(), e.row_ptr.end() - 1);
  for (std::uint64_t c = 0; c < n_cols; ++c)
    for (std::uint64_t i = col_ptr[c]; i < col_ptr[c + 1]; ++i) e.col_idx[cursor[row_idx[i]]++] = static_cast<std::uint32_t>(c);
  canonicalize_rows(e.row_ptr, e.col_idx, where);
  return e;
}

StoredEntries read_coo(const ZipArchive& zip, std::uint64_t n_rows, std::uint64_t n_cols, NpzValues values) {
  const std::vector<std::uint32_t> rows = read_indices<std::uint32_t>(zip, "row", n_rows, "row indices", "the shape's rows");
  const std::vector<std::uint32_t> cols = read_indices<std::uint32_t>(zip, "col", n_cols, "column indices", "the shape's columns");
  if (cols.size() != rows.size())
    throw Error(zip.path() + ": col.npy: expected " + std::to_string(rows.size()) + " column indices (the length of row.npy), got " +
                std::to_string(cols.size()));
  StoredEntries e;
  e.zeros = check_values(zip, rows.size(), "the length of row.npy", values, [&](std::uint64_t i) {
    return std::pair<std::uint64_t, std::uint64_t>(rows[i], cols[i]);
  });
  e.row_ptr = row_pointers(rows, n_rows);
  e.col_idx.resize(rows.size());
  std::vector<std::uint64_t> cursor(e.row_ptr.begin(), e.row_ptr.end() - 1);
  for (std::size_t i = 0; i < rows.size(); ++i) e.col_idx[cursor[rows[i]]++] = cols[i];
  canonicalize_rows(e.row_ptr, e.col_idx, zip.path() + ": row.npy, col.npy");
  return e;
}

}  // namespace

BinaryCsr read_npz_matrix(const std::string& path, NpzValues values, NpzInfo* info) {
  const ZipArchive zip(path);
  const std::string format = read_format(zip);
  const auto [n_rows, n_cols] = read_shape(zip);
  if (n_rows + 1 > (std::uint64_t{1} << 23))
    ensure_memory(static_cast<std::size_t>((n_rows + 1) * sizeof(std::uint64_t)), "the row pointers of " + path, false);
  StoredEntries e = format == "csr"   ? read_csr(zip, n_rows, n_cols, values)
                    : format == "csc" ? read_csc(zip, n_rows, n_cols, values)
                                      : read_coo(zip, n_rows, n_cols, values);
  const std::uint64_t stored = e.col_idx.size();
  drop_entries(e.row_ptr, e.col_idx, e.zeros);
  if (info) {
    info->format = format;
    info->layout = NpzLayout::user_item;
    info->stored_rows = n_rows;
    info->stored_cols = n_cols;
    info->stored_entries = stored;
    info->dropped_zeros = e.zeros.size();
  }
  return BinaryCsr(n_rows, n_cols, std::move(e.row_ptr), std::move(e.col_idx));
}

namespace {

std::string counts_text(const std::vector<std::size_t>& counts) {
  std::string text;
  for (std::size_t i = 0; i < counts.size() && i < 5; ++i) text += (i ? ", " : "") + std::to_string(counts[i]);
  return text + (counts.size() > 5 ? ", ..." : "");
}

// R of the adjacency `a`: the user count is the given one, or the only one its block structure allows
// (`counts`, from bipartite_user_counts).
BinaryCsr adjacency_user_block(const BinaryCsr& a, const NpzReadOptions& options, const std::vector<std::size_t>& counts,
                               const std::string& path, bool detected) {
  const std::string hint = detected ? " (it was read as a bipartite adjacency because it is square with that block "
                                      "structure; give the layout user-item if it is a users x items matrix)"
                                    : "";
  std::size_t n_users = 0;
  if (options.n_users) {
    n_users = *options.n_users;
  } else {
    if (a.n_rows() != a.n_cols())
      throw Error(path + ": expected a square bipartite adjacency, got shape " + std::to_string(a.n_rows()) + " x " +
                  std::to_string(a.n_cols()));
    if (counts.empty())
      throw Error(path + ": expected a bipartite adjacency [[0, R], [R^T, 0]], got a matrix that no user count splits into that block structure");
    if (counts.size() > 1)
      throw Error(path + ": cannot infer the user count of the bipartite adjacency: its block structure holds for " +
                  std::to_string(counts.size()) + " user counts (" + counts_text(counts) + "); give the user count" + hint);
    n_users = counts.front();
  }
  try {
    return user_block_of_adjacency(a, n_users, path);
  } catch (const Error& e) {
    if (!detected || options.n_users) throw;
    throw Error(e.what() + hint);
  }
}

}  // namespace

NpzInteractions read_npz_interactions(const std::string& path, const NpzReadOptions& options) {
  if (options.n_users && options.layout == NpzLayout::user_item)
    throw Error(path + ": a user count applies to the bipartite-adjacency layout, not to user-item");
  NpzInteractions result;
  BinaryCsr stored = read_npz_matrix(path, options.values, &result.info);
  // A given user count says the file is an adjacency; otherwise detection looks for the block structure.
  const bool needs_counts = !options.n_users && options.layout != NpzLayout::user_item;
  const std::vector<std::size_t> counts = needs_counts ? bipartite_user_counts(stored) : std::vector<std::size_t>{};
  const bool adjacency = options.layout == NpzLayout::bipartite_adjacency ||
                         (options.layout == NpzLayout::detect && (options.n_users || !counts.empty()));
  if (adjacency) {
    result.interactions = adjacency_user_block(stored, options, counts, path, options.layout == NpzLayout::detect);
    result.info.layout = NpzLayout::bipartite_adjacency;
  } else {
    result.interactions = std::move(stored);
    result.info.layout = NpzLayout::user_item;
  }
  return result;
}

}  // namespace aelab
