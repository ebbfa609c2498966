// vae_cf split folders: writing (atomic, replacing), reading (strict, with file:line errors) and the
// in-memory SplitData that solvers and metrics use.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/data/loaders.hpp"
#include "core/data/split.hpp"
#include "core/data/vae_cf.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using aelab::test::read_text;
using aelab::test::TempDir;
using aelab::test::write_text;
namespace fs = std::filesystem;

namespace {

VaeCfSplit small_split() {
  VaeCfSplit s;
  s.unique_sid = {"50", "7", "SOX"};
  s.train = {{1, 2}, {0, 0}, {1, 0}, {0, 0}, {2, 1}};  // (0, 0) twice: a duplicate raw row
  s.validation_tr = {{5, 0}, {5, 1}, {7, 2}, {5, 2}};  // user 7 has only fold-in rows
  s.validation_te = {{5, 2}};                          // also in user 5's fold-in: a split duplicate
  s.test_tr = {{9, 1}, {8, 0}};
  s.test_te = {{8, 2}, {9, 0}, {9, 2}};
  return s;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::uint32_t> row(const BinaryCsr& m, std::size_t r) { return {m.row(r).begin(), m.row(r).end()}; }

}  // namespace

TEST_CASE("write_vae_cf writes the reference's bytes and read_vae_cf reads them back") {
  TempDir dir;
  const VaeCfSplit s = small_split();
  write_vae_cf(dir.file("split"), s);
  CHECK(entries(dir.path()) == std::vector<std::string>{"split"});  // no temporary left behind
  CHECK(entries(dir.file("split")) == std::vector<std::string>{"test_te.csv", "test_tr.csv", "train.csv", "unique_sid.txt",
                                                                "validation_te.csv", "validation_tr.csv"});
  CHECK(read_text(dir.file("split/train.csv")) == "uid,sid\n1,2\n0,0\n1,0\n0,0\n2,1\n");
  CHECK(read_text(dir.file("split/validation_te.csv")) == "uid,sid\n5,2\n");
  CHECK(read_text(dir.file("split/unique_sid.txt")) == "50\n7\nSOX\n");
  const VaeCfSplit back = read_vae_cf(dir.file("split"));
  CHECK(back.unique_sid == s.unique_sid);
  CHECK(back.train == s.train);
  CHECK(back.validation_tr == s.validation_tr);
  CHECK(back.validation_te == s.validation_te);
  CHECK(back.test_tr == s.test_tr);
  CHECK(back.test_te == s.test_te);

  // Replacing an existing split: the new content, nothing else left in the parent folder.
  VaeCfSplit other = s;
  other.train = {{0, 1}};
  write_vae_cf(dir.file("split") + "/", other);
  CHECK(entries(dir.path()) == std::vector<std::string>{"split"});
  CHECK(read_text(dir.file("split/train.csv")) == "uid,sid\n0,1\n");

  // A target that is a file is refused, and the temporary folder is removed.
  write_text(dir.file("file"), "x");
  CHECK_THROWS_WITH_AS(write_vae_cf(dir.file("file"), s), doctest::Contains("exists and is not a folder"), Error);
  CHECK(entries(dir.path()) == std::vector<std::string>{"file", "split"});
}

TEST_CASE("FileWriter: atomic files appear only on commit") {
  TempDir dir;
  {
    FileWriter w(dir.file("a.txt"), true);
    w.write("partial");
    CHECK(!fs::exists(dir.file("a.txt")));
  }  // destroyed without commit: the temporary file is removed
  CHECK(entries(dir.path()).empty());
  write_text(dir.file("b.txt"), "old");
  {
    FileWriter w(dir.file("b.txt"), true);
    w.write("new");
    w.write_integer(-42);
    CHECK(read_text(dir.file("b.txt")) == "old");
    w.commit();
  }
  CHECK(read_text(dir.file("b.txt")) == "new-42");
  CHECK(entries(dir.path()) == std::vector<std::string>{"b.txt"});
}

TEST_CASE("to_split_data: training rows by uid, held-out users sorted with aligned rows") {
  const SplitData d = to_split_data(small_split());
  CHECK(d.n_items() == 3);
  CHECK(d.item_ids == std::vector<std::string>{"50", "7", "SOX"});
  REQUIRE(d.train.n_rows() == 3);  // max uid + 1, as load_train_data
  CHECK(row(d.train, 0) == std::vector<std::uint32_t>{0});  // the duplicate collapses
  CHECK(row(d.train, 1) == std::vector<std::uint32_t>{0, 2});
  CHECK(row(d.train, 2) == std::vector<std::uint32_t>{1});

  CHECK(d.validation.uids == std::vector<std::uint64_t>{5, 7});
  CHECK(row(d.validation.fold_in, 0) == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(row(d.validation.held_out, 0) == std::vector<std::uint32_t>{2});
  CHECK(row(d.validation.fold_in, 1) == std::vector<std::uint32_t>{2});
  CHECK(d.validation.held_out.row(1).empty());  // only _tr rows: an empty held-out row
  CHECK(d.validation.fold_in.n_cols() == 3);
  CHECK(d.validation.held_out.n_cols() == 3);

  CHECK(d.test.uids == std::vector<std::uint64_t>{8, 9});
  CHECK(row(d.test.fold_in, 0) == std::vector<std::uint32_t>{0});
  CHECK(row(d.test.held_out, 0) == std::vector<std::uint32_t>{2});
  CHECK(row(d.test.fold_in, 1) == std::vector<std::uint32_t>{1});
  CHECK(row(d.test.held_out, 1) == std::vector<std::uint32_t>{0, 2});

  VaeCfSplit bad = small_split();
  bad.test_te.emplace_back(9, 3);
  CHECK_THROWS_WITH_AS(to_split_data(bad), doctest::Contains("sid 3 is not below the 3 items"), Error);
}

TEST_CASE("read_vae_cf: malformed folders are one-line errors naming file and line") {
  TempDir dir;
  write_vae_cf(dir.file("s"), small_split());
  const std::string s = dir.file("s");
  auto expect = [&](const std::string& file, const std::string& text, const std::string& message) {
    const std::string saved = read_text(s + "/" + file);
    write_text(s + "/" + file, text);
    CHECK_THROWS_WITH_AS(read_vae_cf(s), (s + "/" + file + message).c_str(), Error);
    write_text(s + "/" + file, saved);
  };
  expect("train.csv", "uid,item\n0,1\n", ":1: expected the header \"uid,sid\", got \"uid,item\"");
  expect("train.csv", "", ":1: expected the header \"uid,sid\", got an empty file");
  expect("validation_tr.csv", "uid,sid\n0,1\n0;1\n", ":3: expected 2 comma-separated fields (uid,sid), got 1");
  expect("test_te.csv", "uid,sid\n-1,1\n", ":2: expected a non-negative integer uid, got \"-1\"");
  expect("test_tr.csv", "uid,sid\n1,x\n", ":2: expected a non-negative integer sid, got \"x\"");
  expect("validation_te.csv", "uid,sid\n1,3\n", ":2: expected a sid below 3 (the items of unique_sid.txt), got 3");
  expect("unique_sid.txt", "", ":1: expected one item id per line, got an empty file");
  fs::remove(s + "/test_te.csv");
  CHECK_THROWS_WITH_AS(read_vae_cf(s), (s + "/test_te.csv: cannot open: No such file or directory").c_str(), Error);
  CHECK_THROWS_WITH_AS(read_vae_cf(dir.file("none")), doctest::Contains("it does not exist"), Error);
}

SHARED_DATA_TEST_CASE("a real split read back: SplitData sizes of ml-latest-small") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  SplitOptions o;
  o.threshold = 3.5;
  o.heldout_users = 50;
  TempDir dir;
  write_vae_cf(dir.file("s"), make_split(load_interactions({"movielens-csv", ratings}), o));
  const SplitData d = to_split_data(read_vae_cf(dir.file("s")));
  CHECK(d.train.n_rows() == 503);
  CHECK(d.n_items() == 5697);
  CHECK(d.train.nnz() == 39618);  // MovieLens has no duplicate (user, movie) rows
  CHECK(d.validation.n_users() == 50);
  CHECK(d.validation.fold_in.nnz() == 4141);
  CHECK(d.validation.held_out.nnz() == 1008);
  CHECK(d.test.n_users() == 50);
  CHECK(d.test.fold_in.nnz() == 2546);
  CHECK(d.test.held_out.nnz() == 609);
  CHECK(d.validation.uids.front() == 503);  // validation uids follow the training ones
  CHECK(d.test.uids.back() == 602);
}
