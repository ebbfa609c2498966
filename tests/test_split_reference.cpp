// The strong-generalization split is byte-identical to the reference preprocessing (docs/MATH.md §3, §3.2).
// Expected sha256 sums and sizes were produced by tests/reference/vae_cf_reference.py (a transcript
// of the Mult-VAE notebook) with numpy 1.24.2 / pandas 1.5.3 (Debian 12, /usr/bin/python3), with the
// commands listed in that script; these tests run only aelab.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/data/loaders.hpp"
#include "core/data/split.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using aelab::test::TempDir;
using aelab::test::write_text;

namespace {

const char* const kFiles[] = {"train.csv", "validation_tr.csv", "validation_te.csv", "test_tr.csv", "test_te.csv",
                              "unique_sid.txt"};

void check_sums(const std::string& dir, const std::map<std::string, std::string>& expected) {
  for (const char* file : kFiles) {
    INFO(file);
    CHECK(sha256_file(dir + "/" + file) == expected.at(file));
  }
}

// An MSD-shaped triplets file (user \t song \t playcount) with string ids whose lexicographic order
// differs from any numeric reading ("u10" < "u9", "7f" < "a"), a few UTF-8 ids, rows of users
// interleaved (not grouped) and some duplicate (user, song) rows. std::mt19937's output is fixed by
// the C++ standard, so the bytes are the same everywhere (their sha256 is pinned below).
std::string msd_like_triplets() {
  std::mt19937 rng(2024);
  std::vector<std::string> users, songs;
  for (int u = 0; u < 150; ++u) {
    const unsigned r = rng();
    if (u % 5 == 0) users.push_back("u" + std::to_string(r % 200));
    else if (u % 7 == 0) users.push_back("\xc3\xa9l\xc3\xa8ve-" + std::to_string(u));  // "élève-<u>"
    else {
      static const char* hex = "0123456789abcdef";
      std::string id;
      for (unsigned k = 0, len = 3 + r % 6; k < len; ++k) id += hex[(rng() >> 7) % 16];
      users.push_back(id + "x");  // never all digits: pandas keeps the column as strings
    }
  }
  for (int s = 0; s < 300; ++s) songs.push_back("SO" + std::to_string(rng() % 100000) + (s % 3 ? "A" : "B"));
  std::vector<std::pair<std::size_t, std::size_t>> rows;
  for (std::size_t u = 0; u < users.size(); ++u) {
    const std::size_t n = 1 + rng() % 30;
    for (std::size_t k = 0; k < n; ++k) {
      const double x = (rng() % 10000) / 10000.0;
      rows.emplace_back(u, static_cast<std::size_t>(x * x * x * static_cast<double>(songs.size())));  // skewed popularity
    }
  }
  for (std::size_t i = rows.size(); i-- > 1;) std::swap(rows[i], rows[rng() % (i + 1)]);  // interleave users
  std::string text;
  for (const auto& [u, s] : rows) text += users[u] + "\t" + songs[s] + "\t" + std::to_string(1 + rng() % 9) + "\n";
  return text;
}

}  // namespace

TEST_CASE("a hand-checked split: permuted users, vocabulary order, re-seeded fold-in draws") {
  // Users 1..10 (sorted ids = permutation indices + 1). RandomState(98765).permutation(10) is
  // [8 7 1 2 0 6 9 4 3 5] (see test_numpy_random), so the permuted users are 9 8 2 3 1 7 10 5 4 6:
  // with H = 2, uids 0-5 train (users 9 8 2 3 1 7), uids 6-7 validation (users 10, 5), uids 8-9 test
  // (users 4, 6).
  // Validation, visited in sorted-id order: user 5 (7 rows: choice(7, 1) after re-seeding =
  // permutation(7)[:1]; RandomState(98765).choice(7, 2) = [2 0] so its first element is 2: row 2
  // held out), then user 10 (3 rows < 5: all fold-in, no draws).
  // Test, re-seeded: user 4 (7 rows, the same draw: row 2 held out), user 6 (1 row, fold-in).
  // Item 99 appears only for held-out users: it is not in the vocabulary and is dropped (user 4's
  // 8th row), so user 4 has 7 rows, not 8, when drawing.
  TempDir dir;
  std::string csv = "userId,movieId,rating,timestamp\n";
  auto add = [&](int user, int item, double rating) {
    csv += std::to_string(user) + "," + std::to_string(item) + "," + std::to_string(rating) + ",0\n";
  };
  // Training users (items first seen in this order: 30, 10, 20, 40, 50, 60).
  for (int u : {9, 8, 2, 3, 1, 7}) {
    add(u, u == 9 ? 30 : 10, 5);
    add(u, 10, 4);
    add(u, 20, 4);
    add(u, 40, 4);
    add(u, 50, 4);
    add(u, 60, u == 7 ? 2 : 4);  // a 2: dropped by the threshold
  }
  for (int item : {60, 50, 40, 30, 20, 10, 60}) add(5, item, 5);  // duplicate (5, 60) kept as two rows
  for (int item : {10, 20, 30}) add(10, item, 5);
  for (int item : {99, 10, 20, 30, 40, 50, 60, 10}) add(4, item, 5);
  add(6, 50, 5);
  add(6, 20, 3);  // dropped by the threshold
  write_text(dir.file("ratings.csv"), csv);
  // Users 10 and 6 have fewer than 5 rows: min_uc 0 keeps them.
  auto r = aelab::test::run_aelab({"split", "--format", "movielens-csv", "--input", dir.file("ratings.csv"), "--threshold",
                                   "3.5", "--min-uc", "0", "--heldout", "2", "--out", dir.file("split")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("first permuted users: 9 8 2 3 1\n") != std::string::npos);
  const std::string s = dir.file("split") + "/";
  CHECK(aelab::test::read_text(s + "unique_sid.txt") == "30\n10\n20\n40\n50\n60\n");
  std::string train = "uid,sid\n";
  // File order: user 9 (uid 0), 8 (1), 2 (2), 3 (3), 1 (4), 7 (5); user 9's first row is item 30.
  const std::map<int, int> uid = {{9, 0}, {8, 1}, {2, 2}, {3, 3}, {1, 4}, {7, 5}};
  for (int u : {9, 8, 2, 3, 1, 7}) {
    const std::string p = std::to_string(uid.at(u)) + ",";
    train += p + (u == 9 ? "0" : "1") + "\n" + p + "1\n" + p + "2\n" + p + "3\n" + p + "4\n";
    if (u != 7) train += p + "5\n";
  }
  CHECK(aelab::test::read_text(s + "train.csv") == train);
  // user 5 = uid 7: rows (sids) 5 4 3 0 2 1 5, row 2 (sid 3) held out; user 10 = uid 6: 1 2 0.
  CHECK(aelab::test::read_text(s + "validation_tr.csv") == "uid,sid\n7,5\n7,4\n7,0\n7,2\n7,1\n7,5\n6,1\n6,2\n6,0\n");
  CHECK(aelab::test::read_text(s + "validation_te.csv") == "uid,sid\n7,3\n");
  // user 4 = uid 8: rows (sids) 1 2 0 3 4 5 1 after dropping item 99, row 2 (sid 0) held out; user 6 = uid 9.
  CHECK(aelab::test::read_text(s + "test_tr.csv") == "uid,sid\n8,1\n8,2\n8,3\n8,4\n8,5\n8,1\n9,4\n");
  CHECK(aelab::test::read_text(s + "test_te.csv") == "uid,sid\n8,0\n");
}

SHARED_DATA_TEST_CASE("ml-latest-small (movielens-csv, rating > 3.5, min_uc 5, H 50) matches the reference byte for byte") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  TempDir dir;
  const auto r = aelab::test::run_aelab({"split", "--format", "movielens-csv", "--input", ratings, "--threshold", "3.5",
                                         "--min-uc", "5", "--heldout", "50", "--out", dir.file("split")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  // Reference: "After filtering, there are 48562 watching events from 603 users and 6298 movies",
  // first permuted users [444, 510, 169, 154, 113], 503/50/50 users, 5697 items, rows 39618 / 4141 /
  // 1008 / 2546 / 609.
  CHECK(r.out.find("kept: 48562 rows, 603 users, 6298 items") != std::string::npos);
  CHECK(r.out.find("first permuted users: 444 510 169 154 113\n") != std::string::npos);
  CHECK(r.out.find("users: 503 train, 50 validation, 50 test") != std::string::npos);
  CHECK(r.out.find("items: 5697 (training vocabulary)") != std::string::npos);
  CHECK(r.out.find("train.csv: 39618 rows") != std::string::npos);
  CHECK(r.out.find("validation_tr.csv: 4141 rows, validation_te.csv: 1008 rows") != std::string::npos);
  CHECK(r.out.find("test_tr.csv: 2546 rows, test_te.csv: 609 rows") != std::string::npos);
  check_sums(dir.file("split"), {{"train.csv", "725d12ea8a176d1c4f44848dacb0375276af04dd5828f969a2fb46e47dc265a7"},
                                 {"validation_tr.csv", "53569e49c46dd1e27694595e2bebd2e13cd0f3a70c6c530852583b15a5b23532"},
                                 {"validation_te.csv", "a3ab7e72003fc57403de8593cab81c2096801a4c65b6d6693985547c0b6e0386"},
                                 {"test_tr.csv", "db8682794e2d1d1a6cb6872f823ef20ba229df10da3cb32d1c14531abb01b0e2"},
                                 {"test_te.csv", "fc199c7c2e09f1a9012d0fd28e058ba17bdac97a50e481391f30794eaac8bf6b"},
                                 {"unique_sid.txt", "0eca1946538d3f2e2878b241d31f4c3a6a27923c4bae93bb438be1b4b1124561"}});

  // The library call gives the same summary (what configs use instead of the CLI).
  SplitOptions options;
  options.threshold = 3.5;
  options.min_uc = 5;
  options.heldout_users = 50;
  SplitSummary summary;
  const VaeCfSplit split = make_split(load_interactions({"movielens-csv", ratings}), options, &summary);
  CHECK(summary.rows_loaded == 100836);
  CHECK(summary.rows_kept == 48562);
  CHECK(summary.users == 603);
  CHECK(summary.items == 6298);
  CHECK(summary.train_users == 503);
  CHECK(summary.train_items == 5697);
  REQUIRE(summary.user_ids.size() == 603);
  CHECK(summary.user_ids[0] == "444");
  CHECK(summary.user_ids[4] == "113");
  CHECK(split.train.size() == 39618);
}

SHARED_DATA_TEST_CASE("citeulike-a (all rows, min_uc 5, H 500) matches the reference byte for byte") {
  SHARED_DATA_OR_SKIP(users, "citeulike-a/users.dat");
  TempDir dir;
  const auto r = aelab::test::run_aelab({"split", "--format", "citeulike", "--input", users, "--min-uc", "5", "--heldout",
                                         "500", "--out", dir.file("split")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  // Reference: 204986 events, 5551 users, 16980 items; first permuted users [3390, 4325, 2503, 2001,
  // 4920]; 4551/500/500 users; 16940 items; rows 167373 / 15861 / 3744 / 14549 / 3401.
  CHECK(r.out.find("kept: 204986 rows, 5551 users, 16980 items") != std::string::npos);
  CHECK(r.out.find("first permuted users: 3390 4325 2503 2001 4920\n") != std::string::npos);
  CHECK(r.out.find("users: 4551 train, 500 validation, 500 test") != std::string::npos);
  CHECK(r.out.find("items: 16940 (training vocabulary)") != std::string::npos);
  CHECK(r.out.find("train.csv: 167373 rows") != std::string::npos);
  CHECK(r.out.find("validation_tr.csv: 15861 rows, validation_te.csv: 3744 rows") != std::string::npos);
  CHECK(r.out.find("test_tr.csv: 14549 rows, test_te.csv: 3401 rows") != std::string::npos);
  check_sums(dir.file("split"), {{"train.csv", "2380a534cb26b66f586aafedbeb80bf74e46db1625734dfc10a0d110a6d479df"},
                                 {"validation_tr.csv", "36b7187460a8ef2e9a68e61924d9ccec798155ec3c375cc07197f5a2f31cd0f3"},
                                 {"validation_te.csv", "cc3f88b438fd40e43fd8845fa2d146a0298b9721c486597181eb3a159b240d91"},
                                 {"test_tr.csv", "3e6498051a62517f9bf182167759e1373a885f5912f6f8f2e9dfd44c07bfe8b0"},
                                 {"test_te.csv", "9f5a02ea14108437759826fc59ee3f50740772a3c54b8c6b56102f0e7b784262"},
                                 {"unique_sid.txt", "e4d7c612198823a15f3aef9bfc11254419a88ce80ba5ac27f5ff3cacfd60fd28"}});
}

TEST_CASE("MSD-like string ids with min_sc > 0 match the reference byte for byte") {
  TempDir dir;
  const std::string triplets = msd_like_triplets();
  write_text(dir.file("msd_like.tsv"), triplets);
  // To reproduce the reference, export the fixture (AELAB_EXPORT_FIXTURES=DIR) and run
  //   vae_cf_reference.py --format msd-triplets --input DIR/msd_like.tsv --min-sc 3 --min-uc M --heldout 20
  if (const char* out = std::getenv("AELAB_EXPORT_FIXTURES")) write_text(std::string(out) + "/msd_like.tsv", triplets);
  // 2249 rows, 148 users, 291 songs, 333 duplicate (user, song) rows.
  REQUIRE(sha256_hex(triplets) == "167617821ff6bb9aa181f7b6dca721694077c527fa3fdb66a364f1ad90d607dc");

  SUBCASE("min_uc 5: three items with rows only among held-out users leave the vocabulary") {
    const auto r = aelab::test::run_aelab({"split", "--format", "msd-triplets", "--input", dir.file("msd_like.tsv"),
                                           "--min-sc", "3", "--min-uc", "5", "--heldout", "20", "--out", dir.file("a")});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    // Reference: 2101 events, 133 users, 221 songs; first permuted users ['u78', 'u113', '59b4234ex',
    // '54f2f44ax', 'a26d832bx']; 93/20/20 users; 218 items; rows 1434 / 258 / 55 / 281 / 60.
    CHECK(r.out.find("kept: 2101 rows, 133 users, 221 items") != std::string::npos);
    CHECK(r.out.find("first permuted users: u78 u113 59b4234ex 54f2f44ax a26d832bx\n") != std::string::npos);
    CHECK(r.out.find("items: 218 (training vocabulary)") != std::string::npos);
    check_sums(dir.file("a"), {{"train.csv", "15eb4c8752f716595d5e3e42767370a09fcc7251fc3ca02354785ae2e9e860cc"},
                               {"validation_tr.csv", "00be260a549bc8905cd0eb292f4831054de73cc716226c452c11f6672fd3889d"},
                               {"validation_te.csv", "99c8bc00a3be7d208ecaf03e7b1109efc338c6352ab7292debcbefbd116ba390"},
                               {"test_tr.csv", "32bfcedc3b9e6e672a20f8e575e48b041c822559ee279553d3782df373b226e1"},
                               {"test_te.csv", "711926eab5be92390bdc6dfdfca9f05cdd84320d4293b4d4104c190bb3978d4c"},
                               {"unique_sid.txt", "6589b5558e74ed26acbe1b422586a159555beea9f325ef3c44b758a23b1e7f5d"}});
  }
  SUBCASE("min_uc 3: a validation user with fewer than 5 rows goes entirely to fold-in") {
    const auto r = aelab::test::run_aelab({"split", "--format", "msd-triplets", "--input", dir.file("msd_like.tsv"),
                                           "--min-sc", "3", "--min-uc", "3", "--heldout", "20", "--out", dir.file("b")});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    // Reference: 2123 events, 139 users, 221 songs; first permuted users ['87ecx', '4ebx', 'a1e0ex',
    // 'u128', '45c2771x']; 99/20/20 users; 221 items; rows 1449 / 274 / 60 / 280 / 60.
    CHECK(r.out.find("kept: 2123 rows, 139 users, 221 items") != std::string::npos);
    CHECK(r.out.find("first permuted users: 87ecx 4ebx a1e0ex u128 45c2771x\n") != std::string::npos);
    CHECK(r.out.find("validation_tr.csv: 274 rows, validation_te.csv: 60 rows") != std::string::npos);
    check_sums(dir.file("b"), {{"train.csv", "e23a5120acfc998b6b1991efd30591b4831ec64469990e530cbbc98f122137bc"},
                               {"validation_tr.csv", "aaab29d2bb5884b5c214e3e8fbe10d7bf1e180cd644d30437c92be432a08fb90"},
                               {"validation_te.csv", "978de053ffc4f5fa3fd490016bf87600a0c96c44023a5ae31286bb4a05012d59"},
                               {"test_tr.csv", "27138b2cce831e311088140a8c650f1124925c062b0c85733d985e8ba9651eb1"},
                               {"test_te.csv", "30198d7f91af3ad3247be4b0dc7f6997cd7981be0c544b64cd49cdc2c1a47e87"},
                               {"unique_sid.txt", "89064baf4e698e287ba1789ce590a7302bbef25e8c31afd01778fe8d6c48b085"}});
  }
}
