// The given-split loader (train/test as NGCF text or scipy .npz, in any pairing), its cross-checks and
// their one-line errors, the validation carve-out against numpy, and Gowalla from ../shared/data.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/data/given_split.hpp"
#include "core/data/validation_carve_out.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using aelab::test::TempDir;
using aelab::test::write_text;

namespace {

std::string small(const std::string& name) { return test::source_path("tests/fixtures/ngcf-small/" + name); }
std::string npz_fixture(const std::string& name) { return test::source_path("tests/fixtures/npz/" + name); }

std::vector<std::uint32_t> row_of(const BinaryCsr& m, std::size_t r) { return {m.row(r).begin(), m.row(r).end()}; }

std::string error_of(const std::string& train, const std::string& test, const GivenSplitOptions& options = {}) {
  try {
    load_given_split(train, test, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A carve-out printed as tests/reference/given_split_carve_out.py prints it.
std::string carve_out_text(const ValidationCarveOut& c) {
  std::string text;
  for (std::size_t u = 0; u < c.validation.held_out.n_rows(); ++u) {
    const auto row = c.validation.held_out.row(u);
    if (row.empty()) continue;
    text += std::to_string(u) + ":";
    for (std::uint32_t i : row) text += " " + std::to_string(i);
    text += "\n";
  }
  return text + "held_out " + std::to_string(c.validation.held_out.nnz()) + " kept " + std::to_string(c.train_part.nnz()) + "\n";
}

}  // namespace

TEST_CASE("ngcf-small: every pairing of text and .npz files gives the same split") {
  const GivenSplit text = load_given_split(small("train.txt"), small("test.txt"));
  CHECK(text.n_users() == 40);
  CHECK(text.n_items() == 60);
  CHECK(text.train.nnz() == 320);
  CHECK(text.test.nnz() == 64);
  CHECK(text.test.n_rows() == 40);
  CHECK(text.test.n_cols() == 60);
  CHECK(text.n_test_users() == 39);  // user 17's test line holds only its id
  CHECK(text.test.row(17).empty());
  // The first lines of the files: "0 0 27 23 10 9 36 22 55" and "0 25 2".
  CHECK(row_of(text.train, 0) == std::vector<std::uint32_t>{0, 9, 10, 22, 23, 27, 36, 55});
  CHECK(row_of(text.test, 0) == std::vector<std::uint32_t>{2, 25});
  CHECK(text.train_file.kind == GivenFileKind::text);
  CHECK_FALSE(text.train_file.npz.has_value());

  for (const auto& [train, test] : std::vector<std::pair<std::string, std::string>>{
           {"s_adj_mat.npz", "test.txt"}, {"train.txt", "test.npz"}, {"s_adj_mat.npz", "test.npz"}}) {
    CAPTURE(train);
    CAPTURE(test);
    const GivenSplit other = load_given_split(small(train), small(test));
    CHECK(other.train == text.train);
    CHECK(other.test == text.test);
    CHECK(other.test.n_rows() == 40);
  }
  const GivenSplit adjacency = load_given_split(small("s_adj_mat.npz"), small("test.txt"));
  REQUIRE(adjacency.train_file.npz.has_value());
  CHECK(adjacency.train_file.kind == GivenFileKind::npz);
  CHECK(adjacency.train_file.npz->layout == NpzLayout::bipartite_adjacency);
  CHECK(adjacency.train_file.npz->stored_rows == 100);
  CHECK(adjacency.train_file.npz->stored_entries == 640);
  CHECK(adjacency.test_file.kind == GivenFileKind::text);

  // The evaluation views: every user is scored from its training row.
  const SplitData data = test_split_data(text);
  CHECK(data.train == text.train);
  CHECK(data.test.n_users() == 40);
  CHECK(data.test.uids.front() == 0);
  CHECK(data.test.uids.back() == 39);
  CHECK(data.test.fold_in == text.train);
  CHECK(data.test.held_out == text.test);
  CHECK(data.validation.n_users() == 0);
  CHECK(data.validation.fold_in.n_cols() == 60);
}

TEST_CASE("given split: files are told apart by content, not by name") {
  TempDir dir;
  // An .npz under a .txt name is still an .npz; text under an .npz name is reported as not a zip.
  const std::string zip_as_txt = dir.file("train.txt");
  write_text(zip_as_txt, test::read_text(small("s_adj_mat.npz")));
  CHECK(detect_given_file_kind(zip_as_txt) == GivenFileKind::npz);
  CHECK(load_given_split(zip_as_txt, small("test.txt")).train.nnz() == 320);
  CHECK(detect_given_file_kind(small("train.txt")) == GivenFileKind::text);
  CHECK(error_of(small("train.txt"), npz_fixture("not_a_zip.npz")) ==
        npz_fixture("not_a_zip.npz") + ": expected a zip archive (a .npz file as numpy.savez and scipy.sparse.save_npz write), got a file "
                                       "that is not one, or a truncated one");
  write_text(dir.file("x.npy"), std::string("\x93NUMPY\x01\x00", 8) + "v\x00{'descr': '<i4'}");
  CHECK(error_of(dir.file("x.npy"), small("test.txt")) ==
        dir.file("x.npy") + ": expected an .npz archive or a text file, got a single .npy array (save it with scipy.sparse.save_npz)");
  write_text(dir.file("train.txt.gz"), "\x1f\x8b\x08\x00rest");
  CHECK(error_of(dir.file("train.txt.gz"), small("test.txt")) ==
        dir.file("train.txt.gz") + ": expected an .npz archive or a text file, got a gzip-compressed file (decompress it first)");
  CHECK(error_of(dir.file("absent.txt"), small("test.txt")) == dir.file("absent.txt") + ": cannot open: No such file or directory");
}

TEST_CASE("given split: every inconsistency between the files gives its one-line error") {
  TempDir dir;
  const std::string train = dir.file("train.txt"), test = dir.file("test.txt");
  auto with = [&](const std::string& train_text, const std::string& test_text) {
    write_text(train, train_text);
    write_text(test, test_text);
    return error_of(train, test);
  };
  // Malformed .npz files as either side: the reader's own errors.
  CHECK(error_of(small("train.txt"), npz_fixture("missing_indptr.npz")) ==
        npz_fixture("missing_indptr.npz") + ": expected a member indptr.npy, got only indices.npy, format.npy, shape.npy, data.npy");
  CHECK(error_of(small("train.txt"), npz_fixture("data_complex.npz")) ==
        npz_fixture("data_complex.npz") +
            ": data.npy: expected a data dtype of bool, int8..int64, uint8..uint64, float32 or float64, got '<c16'");
  CHECK(error_of(npz_fixture("value_two.npz"), small("test.txt")) ==
        npz_fixture("value_two.npz") + ": data.npy: expected only the value 1 (binary interactions), got 2 at (row 2, column 1)");
  // Shapes.
  CHECK(error_of(small("s_adj_mat.npz"), npz_fixture("csr_float64_deflate.npz")) ==
        npz_fixture("csr_float64_deflate.npz") + ": expected the shape of the training matrix, 40 x 60 (from " +
            small("s_adj_mat.npz") + "), got 7 x 9");
  CHECK(with("0 1\n1 2\n2 0\n", "0 2\n3 1\n") == test + ":2: expected a user id below 3 (the users of " + train + "), got 3");
  write_text(test, "0 5\n39 60\n");
  CHECK(error_of(small("s_adj_mat.npz"), test) ==
        test + ":2: expected an item id below 60 (the items of " + small("s_adj_mat.npz") + "), got 60");
  write_text(train, "0 1\n40 2\n");
  CHECK(error_of(train, small("test.npz")) == train + ":2: expected a user id below 40 (the rows of " + small("test.npz") + "), got 40");
  write_text(train, "0 1\n1 2 61 60\n");
  CHECK(error_of(train, small("test.npz")) == train + ":2: expected an item id below 60 (the columns of " + small("test.npz") + "), got 60");
  // Test users without training items: unlisted, or listed without items.
  CHECK(with("0 1\n2 0 3\n", "0 2\n1 3\n2 1\n") ==
        test + ":2: expected every test user to have training items, got user 1, who has no line in " + train);
  CHECK(with("0 1\n1\n2 0 3\n", "0 2\n2 1\n1 3\n") ==
        test + ":3: expected every test user to have training items, got user 1, whose training row is empty in " + train);
  // A test interaction that is a training interaction.
  CHECK(with("0 1 4\n1 2 3\n", "0 2\n1 0 3\n") ==
        test + ":2: expected test interactions that are not training interactions, got user 1 item 3, which " + train + " holds too");
  // Options that only an .npz training file can use.
  GivenSplitOptions adjacency_options;
  adjacency_options.n_users = 40;
  CHECK(error_of(small("train.txt"), small("test.txt"), adjacency_options) ==
        small("train.txt") + ": an npz layout or user count was given, but this training file is text, not an .npz");
  CHECK(load_given_split(small("s_adj_mat.npz"), small("test.txt"), adjacency_options).n_users() == 40);
  adjacency_options.n_users = 39;
  CHECK(error_of(small("s_adj_mat.npz"), small("test.txt"), adjacency_options).find("with 39 users, got the entry (row 39, column") !=
        std::string::npos);
}

TEST_CASE("given split: two text files share the item count, the larger of their largest ids + 1") {
  TempDir dir;
  write_text(dir.file("train.txt"), "0 1 5\n1 0\n");
  write_text(dir.file("test.txt"), "0 7\n1 2\n");
  const GivenSplit s = load_given_split(dir.file("train.txt"), dir.file("test.txt"));
  CHECK(s.n_items() == 8);
  CHECK(s.test.n_cols() == 8);
  CHECK(s.n_users() == 2);
  write_text(dir.file("test.txt"), "1 3\n");
  CHECK(load_given_split(dir.file("train.txt"), dir.file("test.txt")).n_items() == 6);
}

TEST_CASE("validation carve-out: the numpy RandomState rule, pinned against numpy") {
  const GivenSplit s = load_given_split(small("train.txt"), small("test.txt"));
  // /usr/bin/python3 tests/reference/given_split_carve_out.py tests/fixtures/ngcf-small/train.txt 0.2 98765 5
  // (numpy 1.24.2):
  const std::string numpy_default =
      "0: 36\n1: 2 12\n2: 2\n3: 12\n4: 49\n6: 43\n7: 0 35\n8: 56\n10: 51\n11: 7 51\n12: 43 50\n13: 30\n14: 30\n"
      "15: 32 34\n16: 1 32\n17: 41\n18: 5\n20: 7\n21: 4\n22: 3 28\n24: 5 31\n25: 5 6 40\n26: 26 31\n30: 32\n31: 12\n"
      "32: 1 35\n33: 7\n35: 0 28\n36: 38\n37: 57\n38: 9\n39: 16\nheld_out 45 kept 275\n";
  const ValidationCarveOut c = carve_out_validation(s.train);
  CHECK(carve_out_text(c) == numpy_default);
  // /usr/bin/python3 tests/reference/given_split_carve_out.py tests/fixtures/ngcf-small/train.txt 0.5 7 3 | tail -3
  const std::string half = carve_out_text(carve_out_validation(s.train, {0.5, 7, 3}));
  CHECK(half.substr(half.size() - std::string("38: 5 11 13\n39: 0 6 16\nheld_out 152 kept 168\n").size()) ==
        "38: 5 11 13\n39: 0 6 16\nheld_out 152 kept 168\n");

  // The parts partition the training rows; users below min_items keep everything; int(share * n) held out.
  for (std::size_t u = 0; u < s.n_users(); ++u) {
    CAPTURE(u);
    std::vector<std::uint32_t> merged = row_of(c.train_part, u);
    const auto held = row_of(c.validation.held_out, u);
    merged.insert(merged.end(), held.begin(), held.end());
    std::sort(merged.begin(), merged.end());
    CHECK(merged == row_of(s.train, u));
    const std::size_t n = s.train.row(u).size();
    CHECK(held.size() == (n >= 5 ? static_cast<std::size_t>(0.2 * static_cast<double>(n)) : 0));
  }
  CHECK(c.validation.fold_in == c.train_part);
  CHECK(c.validation.uids.size() == 40);
  const SplitData selection = selection_split_data(c);
  CHECK(selection.train == c.train_part);
  CHECK(selection.validation.held_out == c.validation.held_out);
  CHECK(selection.test.n_users() == 0);
  CHECK(selection.test.held_out.n_cols() == 60);

  CHECK_THROWS_WITH_AS(carve_out_validation(s.train, {1.0, 1, 5}), "validation carve-out: the share must be in (0, 1), got 1.000000", Error);
  CHECK_THROWS_AS(carve_out_validation(s.train, {0.0, 1, 5}), Error);
}

SHARED_DATA_TEST_CASE("Gowalla (NGCF / LightGCN split): s_adj_mat.npz + test.txt have the counts of SOURCE.md") {
  SHARED_DATA_OR_SKIP(adjacency, "gowalla-ngcf/s_adj_mat.npz");
  SHARED_DATA_OR_SKIP(test_txt, "gowalla-ngcf/test.txt");
  REQUIRE(sha256_file(adjacency) == "6ab3ab7aa1278da3717054c60258d88d2d2d78914fa62db2b13da9321e397cab");
  REQUIRE(sha256_file(test_txt) == "099a2a73924e4b754dc6efd730d764f492321b53c38eb93298850c83acf57be3");
  const GivenSplit g = load_given_split(adjacency, test_txt);  // its load time: aelab bench given-split
  CHECK(g.n_users() == 29858);
  CHECK(g.n_items() == 40981);
  CHECK(g.train.nnz() == 810128);
  CHECK(g.test.nnz() == 217242);
  CHECK(g.n_test_users() == 29858);
  REQUIRE(g.train_file.npz.has_value());
  CHECK(g.train_file.npz->layout == NpzLayout::bipartite_adjacency);
  CHECK(g.train_file.npz->format == "csr");
  CHECK(g.train_file.npz->stored_entries == 1620256);
  std::size_t users_without_training = 0, overlap = 0;
  for (std::size_t u = 0; u < g.n_users(); ++u) {
    users_without_training += g.train.row(u).empty();
    for (std::uint32_t i : g.test.row(u))
      overlap += std::binary_search(g.train.row(u).begin(), g.train.row(u).end(), i);
  }
  CHECK(users_without_training == 0);
  CHECK(overlap == 0);
  CHECK(g.train.nnz() + g.test.nnz() == 1027370);
}

TEST_CASE("aelab bench given-split runs on ngcf-small and reports a bad file in one line") {
  const auto ok = test::run_aelab({"bench", "given-split", "--train", small("s_adj_mat.npz"), "--test", small("test.txt"), "--repeat", "2"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.out.find("split: 40 users x 60 items, 320 training and 64 test interactions, 39 test users; training file csr "
                    "bipartite-adjacency, 640 stored entries") != std::string::npos);
  CHECK(ok.out.find("load_given_split (both files, every check): min ") != std::string::npos);
  CHECK(ok.out.find("over 2 runs") != std::string::npos);
  const auto bad = test::run_aelab({"bench", "given-split", "--train", small("train.txt"), "--test", npz_fixture("bad_crc.npz")});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "aelab: error: " + npz_fixture("bad_crc.npz") + ": data.npy: cannot read the zip member: CRC error\n");
}
