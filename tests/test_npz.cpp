// The .npz reader against files written by SciPy itself (tests/fixtures/npz, made by
// make_fixtures.py there): every format, compression, dtype, byte order and .npy version reads as the
// matrix the script wrote next to it, the bipartite adjacency layouts, the value modes, and the
// one-line error of each malformed file. Also the .npy header parser and the adjacency algebra.
#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/data/bipartite_adjacency.hpp"
#include "core/data/npy.hpp"
#include "core/data/npz.hpp"
#include "core/util/error.hpp"
#include "tests/test_support.hpp"

using namespace aelab;

namespace {

std::string fixture(const std::string& name) { return test::source_path("tests/fixtures/npz/" + name); }

// The matrix of <name>.expected.txt: "<rows> <cols>", then "<row> <col>" lines.
BinaryCsr expected_matrix(const std::string& name) {
  std::ifstream in(fixture(name + ".expected.txt"));
  REQUIRE(in);
  std::size_t rows = 0, cols = 0;
  in >> rows >> cols;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::uint32_t r, c;
  while (in >> r >> c) pairs.emplace_back(r, c);
  return BinaryCsr::from_pairs(rows, cols, pairs);
}

NpzInteractions read(const std::string& name, NpzReadOptions options = {}) {
  return read_npz_interactions(fixture(name + ".npz"), options);
}

std::string error_of(const std::string& name, NpzReadOptions options = {}) {
  try {
    read(name, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

NpyHeader header_of(const std::string& text, int version = 1) {
  std::string bytes = "\x93NUMPY";
  bytes += static_cast<char>(version);
  bytes += '\0';
  const std::size_t n = text.size();
  bytes += static_cast<char>(n & 0xff);
  bytes += static_cast<char>((n >> 8) & 0xff);
  if (version > 1) bytes += std::string(2, '\0');
  return parse_npy_header(bytes + text, "x.npy");
}

std::string header_error(const std::string& text) {
  try {
    header_of(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("every valid fixture reads as the matrix SciPy wrote next to it") {
  struct Case {
    const char* name;
    const char* format;
  };
  const Case cases[] = {{"csr_float64_deflate", "csr"}, {"csr_float32_stored", "csr"}, {"csc_int64_indices", "csc"},
                        {"coo_int8_unsorted", "coo"},   {"coo_bool_int64", "coo"},     {"csr_unsorted_uint8", "csr"},
                        {"csr_unsigned_indices", "csr"}, {"csr_data_int16", "csr"},    {"csr_data_int32", "csr"},
                        {"csr_data_int64", "csr"},      {"csr_data_uint32", "csr"},    {"csr_data_uint64", "csr"},
                        {"csr_data_bool", "csr"},       {"csr_big_endian", "csr"},     {"csc_big_endian_float32", "csc"},
                        {"csr_unicode_format", "csr"},  {"csr_npy_v2", "csr"},         {"csr_npy_v3", "csr"},
                        {"square_user_item", "csr"}};
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const NpzInteractions got = read(c.name);
    const BinaryCsr expected = expected_matrix(c.name);
    CHECK(got.interactions.n_rows() == expected.n_rows());
    CHECK(got.interactions == expected);
    CHECK(got.info.format == c.format);
    CHECK(got.info.layout == NpzLayout::user_item);
    CHECK(got.info.stored_entries == expected.nnz());
    CHECK(got.info.dropped_zeros == 0);
  }
  // The base matrix itself, so that a wrong expected file cannot hide a wrong reader: 7 x 9, row 4 empty.
  const BinaryCsr m = read("csr_float64_deflate").interactions;
  CHECK(m.n_rows() == 7);
  CHECK(m.n_cols() == 9);
  CHECK(m.nnz() == 25);
  CHECK(m.row(4).empty());
  CHECK(std::vector<std::uint32_t>(m.row(1).begin(), m.row(1).end()) == std::vector<std::uint32_t>{3, 5});
}

TEST_CASE("bipartite adjacency: detected, user count inferred or given, item block checked against the user block") {
  const BinaryCsr r = expected_matrix("adjacency");
  for (const char* name : {"adjacency", "adjacency_coo"}) {
    CAPTURE(name);
    const NpzInteractions detected = read(name);
    CHECK(detected.info.layout == NpzLayout::bipartite_adjacency);
    CHECK(detected.interactions == r);
    CHECK(detected.info.stored_rows == 13);
    CHECK(detected.info.stored_entries == 2 * r.nnz());
    CHECK(read(name, {NpzLayout::bipartite_adjacency, std::nullopt, NpzValues::binary}).interactions == r);
    CHECK(read(name, {NpzLayout::detect, 5, NpzValues::binary}).interactions == r);
  }
  // As a plain matrix it is the whole (5 + 8)^2 adjacency.
  const NpzInteractions plain = read("adjacency", {NpzLayout::user_item, std::nullopt, NpzValues::binary});
  CHECK(plain.info.layout == NpzLayout::user_item);
  CHECK(plain.interactions == bipartite_adjacency_of(r));

  const std::string path = fixture("adjacency.npz");
  CHECK(error_of("adjacency", {NpzLayout::bipartite_adjacency, 4, NpzValues::binary}) ==
        path + ": expected the bipartite adjacency [[0, R], [R^T, 0]] with 4 users, got the entry (row 4, column 12) in the item-item block");
  CHECK(error_of("adjacency", {NpzLayout::bipartite_adjacency, 6, NpzValues::binary}) ==
        path + ": expected the bipartite adjacency [[0, R], [R^T, 0]] with 6 users, got the entry (row 1, column 5) in the user-user block");
  CHECK(error_of("adjacency", {NpzLayout::bipartite_adjacency, 13, NpzValues::binary}) ==
        path + ": expected a user count in [1, 12] for the 13 x 13 bipartite adjacency, got 13");
  CHECK(error_of("adjacency", {NpzLayout::user_item, 5, NpzValues::binary}) ==
        path + ": a user count applies to the bipartite-adjacency layout, not to user-item");

  // The last user has no items: 4 and 5 users both fit, so the count must be given.
  const std::string ambiguous = fixture("adjacency_ambiguous.npz");
  CHECK(error_of("adjacency_ambiguous", {NpzLayout::bipartite_adjacency, std::nullopt, NpzValues::binary}) ==
        ambiguous + ": cannot infer the user count of the bipartite adjacency: its block structure holds for 2 user counts (4, 5); give the user count");
  CHECK(error_of("adjacency_ambiguous") ==
        ambiguous + ": cannot infer the user count of the bipartite adjacency: its block structure holds for 2 user counts "
                    "(4, 5); give the user count (it was read as a bipartite adjacency because it is square with that block "
                    "structure; give the layout user-item if it is a users x items matrix)");
  const NpzInteractions given = read("adjacency_ambiguous", {NpzLayout::detect, 5, NpzValues::binary});
  CHECK(given.interactions == expected_matrix("adjacency_ambiguous"));
  CHECK(given.interactions.row(4).empty());

  CHECK(error_of("adjacency_not_transpose") ==
        fixture("adjacency_not_transpose.npz") +
            ": expected the item block of the bipartite adjacency to be the transpose of its user block, got the entry "
            "(row 1, column 8) without (row 8, column 1) (it was read as a bipartite adjacency because it is square with "
            "that block structure; give the layout user-item if it is a users x items matrix)");
  // A square matrix without the block structure is a users x items matrix when detecting, an error as an adjacency.
  CHECK(error_of("square_user_item", {NpzLayout::bipartite_adjacency, std::nullopt, NpzValues::binary}) ==
        fixture("square_user_item.npz") +
            ": expected a bipartite adjacency [[0, R], [R^T, 0]], got a matrix that no user count splits into that block structure");
  CHECK(error_of("csr_float64_deflate", {NpzLayout::bipartite_adjacency, std::nullopt, NpzValues::binary}) ==
        fixture("csr_float64_deflate.npz") + ": expected a square bipartite adjacency, got shape 7 x 9");
}

TEST_CASE("values: binary by default; explicit zeros dropped and weights read as interactions only under nonzero") {
  const NpzReadOptions nonzero{NpzLayout::detect, std::nullopt, NpzValues::nonzero};
  CHECK(error_of("csr_explicit_zero") == fixture("csr_explicit_zero.npz") +
                                             ": data.npy: expected only the value 1 (binary interactions), got 0 (an "
                                             "explicit zero) at (row 4, column 2)");
  const NpzInteractions zero = read("csr_explicit_zero", nonzero);
  CHECK(zero.interactions == expected_matrix("csr_explicit_zero"));
  CHECK(zero.info.stored_entries == 26);
  CHECK(zero.info.dropped_zeros == 1);
  CHECK(error_of("csr_weighted") == fixture("csr_weighted.npz") +
                                        ": data.npy: expected only the value 1 (binary interactions), got 2.5 at (row 0, column 2)");
  CHECK(read("csr_weighted", nonzero).interactions == expected_matrix("csr_weighted"));
  CHECK(error_of("value_two") ==
        fixture("value_two.npz") + ": data.npy: expected only the value 1 (binary interactions), got 2 at (row 2, column 1)");
  CHECK(read("value_two", nonzero).interactions == expected_matrix("csr_float64_deflate"));
}

TEST_CASE("every malformed fixture gives its one-line error") {
  struct Case {
    const char* name;
    const char* message;  // after "<path>: "
  };
  const Case cases[] = {
      {"not_a_zip", "expected a zip archive (a .npz file as numpy.savez and scipy.sparse.save_npz write), got a file that is not one, or a truncated one"},
      {"truncated", "expected a zip archive (a .npz file as numpy.savez and scipy.sparse.save_npz write), got a file that is not one, or a truncated one"},
      {"bad_crc", "data.npy: cannot read the zip member: CRC error"},
      {"missing_indptr", "expected a member indptr.npy, got only indices.npy, format.npy, shape.npy, data.npy"},
      {"data_complex", "data.npy: expected a data dtype of bool, int8..int64, uint8..uint64, float32 or float64, got '<c16'"},
      {"indices_float", "indices.npy: expected an integer dtype (int32, int64 or an unsigned one) for the column indices, got '<f8'"},
      {"format_object", "format.npy: expected a bytes or unicode string, got dtype '|O'"},
      {"format_bsr", "format.npy: expected the sparse format csr, csc or coo, got \"bsr\""},
      {"shape_three", "shape.npy: expected 2 entries (rows, columns), got shape (3,)"},
      {"shape_zero", "shape.npy: expected a positive number of rows and columns, got (0, 9)"},
      {"shape_float", "shape.npy: expected an integer dtype for the matrix shape, got '<f8'"},
      {"indptr_length", "indptr.npy: expected 9 index pointers (the shape's rows + 1), got 8"},
      {"indptr_decreasing", "indptr.npy: expected non-decreasing index pointers, got 16 then 12 at positions 3 and 4"},
      {"indptr_last", "indices.npy: expected 24 column indices (the last index pointer), got 25"},
      {"index_out_of_range", "indices.npy: expected column indices below 9 (the shape's columns), got 9 at position 6"},
      {"index_negative", "indices.npy: expected non-negative column indices, got -1 at position 0"},
      {"indices_2d", "indices.npy: expected a 1-d array of column indices, got shape (2, 12)"},
      {"duplicate_csr", "indices.npy: expected each (row, column) stored at most once, got (row 0, column 2) more than once"},
      {"duplicate_coo", "row.npy, col.npy: expected each (row, column) stored at most once, got (row 0, column 5) more than once"},
      {"data_length", "data.npy: expected 25 stored values (the length of indices.npy), got 24"},
      {"npy_version4", "indices.npy: expected .npy format version 1.0, 2.0 or 3.0, got 4.0"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(error_of(c.name) == fixture(std::string(c.name) + ".npz") + ": " + c.message);
  }
  CHECK_THROWS_WITH_AS(read_npz_interactions(fixture("absent.npz")),
                       (fixture("absent.npz") + ": cannot open: No such file or directory").c_str(), Error);
  CHECK_THROWS_WITH_AS(read_npz_interactions(test::source_path("tests/fixtures/npz")),
                       (test::source_path("tests/fixtures/npz") + ": cannot open: not a regular file").c_str(), Error);
}

TEST_CASE(".npy headers: the Python literal numpy writes, and what it must reject") {
  const std::string v1_text = "{'descr': '<i4', 'fortran_order': False, 'shape': (1620256,), }        \n";
  const NpyHeader h = header_of(v1_text);
  CHECK(h.dtype.kind == NpyDtype::Kind::signed_integer);
  CHECK(h.dtype.item_size == 4);
  CHECK_FALSE(h.dtype.big_endian);
  CHECK(h.shape == std::vector<std::uint64_t>{1620256});
  CHECK(h.data_offset == 10 + v1_text.size());
  CHECK(h.shape_text() == "(1620256,)");
  // Keys in any order, double quotes, Python 2 longs, a 0-d shape, version 2.0's 4-byte length.
  const std::string v2_text = "{\"shape\": (3L, 4L), \"fortran_order\": True, \"descr\": \">f8\"}\n";
  const NpyHeader v2 = header_of(v2_text, 2);
  CHECK(v2.major_version == 2);
  CHECK(v2.dtype.kind == NpyDtype::Kind::floating);
  CHECK(v2.dtype.big_endian);
  CHECK(v2.fortran_order);
  CHECK(v2.shape == std::vector<std::uint64_t>{3, 4});
  CHECK(v2.element_count("x") == 12);
  CHECK(v2.data_offset == 12 + v2_text.size());
  CHECK(header_of("{'descr': '|S3', 'fortran_order': False, 'shape': (), }").dtype.kind == NpyDtype::Kind::bytes);
  CHECK(header_of("{'descr': '<U3', 'fortran_order': False, 'shape': (), }").dtype.item_size == 12);
  CHECK(header_of("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }").dtype.kind == NpyDtype::Kind::boolean);
  CHECK(header_of("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }").dtype.kind == NpyDtype::Kind::other);
  CHECK(header_of("{'descr': '|i4', 'fortran_order': False, 'shape': (2,), }").dtype.kind == NpyDtype::Kind::other);
  const NpyHeader structured = header_of("{'descr': [('a', '<i4'), ('b', '<f8')], 'fortran_order': False, 'shape': (2,), }");
  CHECK(structured.dtype.kind == NpyDtype::Kind::other);
  CHECK(structured.dtype.descr == "[('a', '<i4'), ('b', '<f8')]");

  CHECK(header_error("{'descr': '<i4', 'shape': (2,), }") == "x.npy: expected a 'fortran_order' key in the .npy header, got none");
  CHECK(header_error("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'extra': 1}") ==
        "x.npy: expected the keys 'descr', 'fortran_order' and 'shape' in the .npy header, got the key 'extra'");
  CHECK(header_error("{'descr': '<i4', 'fortran_order': False, 'shape': (2), }") ==
        "x.npy: expected a tuple for 'shape' (a 1-tuple needs its comma) in the .npy header, got \"(2)\"");
  CHECK(header_error("{'descr': '<i4', 'fortran_order': False, 'shape': (-2,), }") ==
        "x.npy: expected non-negative integers in 'shape' in the .npy header, got \"-2,), }\"");
  CHECK(header_error("{'descr': '<i4', 'fortran_order': 0, 'shape': (2,), }") ==
        "x.npy: expected True or False for 'fortran_order' in the .npy header, got \"0, 'shape': (2,), }\"");
  CHECK(header_error("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), } junk") ==
        "x.npy: expected only padding after the header dict in the .npy header, got \"junk\"");
  CHECK_THROWS_WITH_AS(npy_header_size("\x93NUMPZ\x01\x00", "x.npy"),
                       "x.npy: expected a .npy array (starting with \"\\x93NUMPY\"), got \"\\x93NUMPZ\"", Error);
  CHECK_THROWS_WITH_AS(npy_header_size(std::string("\x93NUMPY\x01\x01\x00\x00", 10), "x.npy"),
                       "x.npy: expected .npy format version 1.0, 2.0 or 3.0, got 1.1", Error);
}

TEST_CASE("element decoding: byte orders, sign extension, float widths") {
  NpyDtype i2{NpyDtype::Kind::signed_integer, 2, false, "<i2"};
  const unsigned char minus_two[] = {0xfe, 0xff};
  CHECK(static_cast<std::int64_t>(npy_integer_bits(minus_two, i2)) == -2);
  NpyDtype u2 = i2;
  u2.kind = NpyDtype::Kind::unsigned_integer;
  CHECK(npy_integer_bits(minus_two, u2) == 0xfffe);
  NpyDtype i4_big{NpyDtype::Kind::signed_integer, 4, true, ">i4"};
  const unsigned char big_258[] = {0, 0, 1, 2};
  CHECK(npy_integer_bits(big_258, i4_big) == 258);
  NpyDtype f4_big{NpyDtype::Kind::floating, 4, true, ">f4"};
  const unsigned char one_big[] = {0x3f, 0x80, 0, 0};
  CHECK(npy_floating_value(one_big, f4_big) == 1.0);
  NpyDtype f8{NpyDtype::Kind::floating, 8, false, "<f8"};
  const unsigned char two_and_half[] = {0, 0, 0, 0, 0, 0, 0x04, 0x40};
  CHECK(npy_floating_value(two_and_half, f8) == 2.5);
}

TEST_CASE("bipartite user counts equal a brute-force check of every split, and the adjacency round-trips") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t users = 1 + rng() % 6, items = 1 + rng() % 6;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (std::uint32_t u = 0; u < users; ++u)
      for (std::uint32_t i = 0; i < items; ++i)
        if (rng() % 3 == 0) pairs.emplace_back(u, i);
    const BinaryCsr r = BinaryCsr::from_pairs(users, items, pairs);
    BinaryCsr a = bipartite_adjacency_of(r);
    if (trial % 4 == 3 && a.nnz() > 0) {  // a stray entry that may break the block structure
      std::vector<std::pair<std::uint32_t, std::uint32_t>> all;
      for (std::size_t row = 0; row < a.n_rows(); ++row)
        for (std::uint32_t c : a.row(row)) all.emplace_back(static_cast<std::uint32_t>(row), c);
      all.emplace_back(rng() % a.n_rows(), rng() % a.n_cols());
      a = BinaryCsr::from_pairs(a.n_rows(), a.n_cols(), all);
    }
    std::vector<std::size_t> brute;
    for (std::size_t u = 1; u < a.n_rows(); ++u) {
      bool ok = true;
      for (std::size_t row = 0; row < a.n_rows(); ++row)
        for (std::uint32_t c : a.row(row)) ok = ok && ((row < u) != (c < u));
      if (ok) brute.push_back(u);
    }
    CAPTURE(trial);
    CHECK(bipartite_user_counts(a) == brute);
    if (trial % 4 != 3) {
      CHECK(std::find(brute.begin(), brute.end(), users) != brute.end());
      CHECK(user_block_of_adjacency(a, users, "a") == r);
      CHECK(transpose(transpose(r)) == r);
    }
  }
  CHECK(bipartite_user_counts(BinaryCsr::from_pairs(3, 4, {{0, 3}})).empty());  // not square
}
