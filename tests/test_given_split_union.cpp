// The lightgcn-union loader format: a LightGCN / NGCF data folder read as raw interactions (training
// rows, then test rows), its folder errors, the strong-generalization split of it from the CLI, and
// Gowalla's union from ../shared/data.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/data/given_split.hpp"
#include "core/data/given_split_union.hpp"
#include "core/data/loaders.hpp"
#include "core/util/error.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using aelab::test::TempDir;
using aelab::test::write_text;

namespace fs = std::filesystem;

namespace {

std::string small(const std::string& name) { return test::source_path("tests/fixtures/ngcf-small/" + name); }

// A folder holding copies of the named ngcf-small files.
std::string folder_with(const TempDir& dir, const std::string& name, const std::vector<std::string>& files) {
  const fs::path folder = dir.file(name);
  fs::create_directories(folder);
  for (const auto& f : files) fs::copy_file(small(f), folder / f);
  return folder.string();
}

RawInteractions load_union(const std::string& folder) {
  LoadOptions options;
  options.format = "lightgcn-union";
  options.path = folder;
  return load_interactions(options);
}

using Pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

Pairs pairs_of(const RawInteractions& raw) {
  Pairs pairs;
  for (std::size_t r = 0; r < raw.n_rows(); ++r)
    pairs.emplace_back(raw.users.number(raw.user[r]), raw.items.number(raw.item[r]));
  return pairs;
}

// The rows of `m` in row order, as (user, item).
Pairs pairs_of(const BinaryCsr& m) {
  Pairs pairs;
  for (std::size_t u = 0; u < m.n_rows(); ++u)
    for (std::uint32_t i : m.row(u)) pairs.emplace_back(static_cast<std::int64_t>(u), static_cast<std::int64_t>(i));
  return pairs;
}

std::string error_of(const std::string& folder) {
  try {
    load_union(folder);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("lightgcn-union: every training row, then every test row, with the files' indices as ids") {
  TempDir dir;
  const std::string text = folder_with(dir, "text", {"train.txt", "test.txt"});
  const RawInteractions raw = load_union(text);
  const GivenSplit given = load_given_split(small("train.txt"), small("test.txt"));
  Pairs expected = pairs_of(given.train);
  const Pairs test_rows = pairs_of(given.test);
  expected.insert(expected.end(), test_rows.begin(), test_rows.end());
  CHECK(pairs_of(raw) == expected);
  CHECK(raw.n_rows() == given.train.nnz() + given.test.nnz());
  CHECK(raw.source == text);
  for (double v : raw.value) REQUIRE(v == 1.0);
  CHECK(std::set<std::pair<std::int64_t, std::int64_t>>(expected.begin(), expected.end()).size() == expected.size());

  // Without train.txt the folder's s_adj_mat.npz is the training file: the same interactions.
  const std::string npz = folder_with(dir, "npz", {"s_adj_mat.npz", "test.txt"});
  CHECK(pairs_of(load_union(npz)) == expected);
  CHECK(given_split_folder_files(npz).train == npz + "/s_adj_mat.npz");
  // Both present: train.txt wins.
  const std::string both = folder_with(dir, "both", {"train.txt", "s_adj_mat.npz", "test.txt"});
  CHECK(given_split_folder_files(both).train == both + "/train.txt");
  CHECK(given_split_folder_files(both).test == both + "/test.txt");
}

TEST_CASE("lightgcn-union: a path that is not such a folder, or a folder that is inconsistent, gives one line") {
  TempDir dir;
  const std::string file = dir.file("plain.txt");
  write_text(file, "0 1\n");
  CHECK(error_of(file) == file + ": expected a LightGCN / NGCF data folder (train.txt or s_adj_mat.npz, and test.txt), got a file");
  CHECK(error_of(dir.file("absent")) ==
        dir.file("absent") + ": expected a LightGCN / NGCF data folder (train.txt or s_adj_mat.npz, and test.txt), got no such folder");
  const std::string no_train = folder_with(dir, "no_train", {"test.txt"});
  CHECK(error_of(no_train) == no_train + ": expected a training file train.txt or s_adj_mat.npz, found neither");
  const std::string no_test = folder_with(dir, "no_test", {"train.txt"});
  CHECK(error_of(no_test) == no_test + ": expected a test file test.txt, found none");

  // The given split's own checks still run: a test interaction that is also a training one.
  const fs::path overlap = dir.file("overlap");
  fs::create_directories(overlap);
  write_text((overlap / "train.txt").string(), "0 1 2\n1 0\n");
  write_text((overlap / "test.txt").string(), "0 2\n1 1\n");
  CHECK(error_of(overlap.string()) == (overlap / "test.txt").string() +
                                          ":1: expected test interactions that are not training interactions, got user 0 item 2, which " +
                                          (overlap / "train.txt").string() + " holds too");
}

TEST_CASE("aelab split --format lightgcn-union: the union re-split by users; a bad folder writes nothing") {
  TempDir dir;
  const std::string folder = folder_with(dir, "ngcf-small", {"train.txt", "test.txt"});
  const auto ok = test::run_aelab({"split", "--format", "lightgcn-union", "--input", folder, "--out", dir.file("split"),
                                   "--heldout", "3", "--min-uc", "2"});
  CAPTURE(ok.err);
  REQUIRE(ok.exit_code == 0);
  for (const char* name : {"train.csv", "validation_tr.csv", "validation_te.csv", "test_tr.csv", "test_te.csv", "unique_sid.txt"})
    CHECK(fs::is_regular_file(fs::path(dir.file("split")) / name));

  const auto bad = test::run_aelab({"split", "--format", "lightgcn-union", "--input", dir.file("absent"), "--out",
                                    dir.file("bad"), "--heldout", "3"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err == "aelab: error: " + dir.file("absent") +
                       ": expected a LightGCN / NGCF data folder (train.txt or s_adj_mat.npz, and test.txt), got no such folder\n");
  CHECK_FALSE(fs::exists(dir.file("bad")));
}

SHARED_DATA_TEST_CASE("lightgcn-union: Gowalla's folder holds the 1,027,370 interactions of its two files") {
  SHARED_DATA_OR_SKIP(test_txt, "gowalla-ngcf/test.txt");
  const std::string folder = fs::path(test_txt).parent_path().string();
  const RawInteractions raw = load_union(folder);
  CHECK(raw.n_rows() == 810128 + 217242);
  CHECK(raw.users.size() == 29858);
  CHECK(raw.items.size() == 40981);
}
