// Loaders of every raw format on small fixtures written here, and on the real files of ../shared/data
// (whose sha256 is checked first, so the counts below refer to the unmodified published files).
#include <doctest/doctest.h>

#include <numeric>
#include <string>
#include <vector>

#include "core/data/loaders.hpp"
#include "core/data/raw_interactions.hpp"
#include "core/util/error.hpp"
#include "core/util/sha256.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using aelab::test::TempDir;
using aelab::test::write_text;

namespace {

// Rows as "user item value" text with original ids, for compact comparisons.
std::vector<std::string> rows_of(const RawInteractions& raw) {
  std::vector<std::string> rows;
  for (std::size_t r = 0; r < raw.n_rows(); ++r) {
    char value[32];
    std::snprintf(value, sizeof value, "%g", raw.value[r]);
    rows.push_back(raw.users.text(raw.user[r]) + " " + raw.items.text(raw.item[r]) + " " + value);
  }
  return rows;
}

RawInteractions load(const std::string& format, const std::string& path) {
  LoadOptions o;
  o.format = format;
  o.path = path;
  return load_interactions(o);
}

using Rows = std::vector<std::string>;

}  // namespace

TEST_CASE("IdTable: interning, first-appearance indices, sorted order, copies") {
  IdTable numbers;
  CHECK(numbers.intern(std::int64_t{10}) == 0);
  CHECK(numbers.intern(std::int64_t{9}) == 1);
  CHECK(numbers.intern(std::int64_t{1} << 40) == 2);  // beyond the flat table: the hash map
  CHECK(numbers.intern(std::int64_t{-3}) == 3);
  CHECK(numbers.intern(std::int64_t{100}) == 4);
  CHECK(numbers.intern(std::int64_t{9}) == 1);
  CHECK(numbers.intern(std::int64_t{1} << 40) == 2);
  CHECK(numbers.size() == 5);
  CHECK(numbers.find(std::int64_t{100}) == 4);
  CHECK(numbers.find(std::int64_t{7}) == IdTable::npos);
  CHECK(numbers.find(std::int64_t{-4}) == IdTable::npos);
  CHECK(numbers.text(2) == "1099511627776");
  CHECK(numbers.sorted_indices() == std::vector<std::uint32_t>{3, 1, 0, 4, 2});  // -3 9 10 100 2^40: numeric
  CHECK_THROWS_AS(numbers.intern(std::string_view("x")), Error);

  IdTable strings(IdTable::Kind::string);
  for (const char* id : {"u9", "u10", "b", "A", "\xc3\xa9", "z"}) strings.intern(std::string_view(id));
  CHECK(strings.intern(std::string_view("u10")) == 1);
  // Byte (code point) order: "A" < "b" < "u10" < "u9" < "z" < "é".
  CHECK(strings.sorted_indices() == std::vector<std::uint32_t>{3, 2, 1, 0, 5, 4});
  IdTable copy = strings;  // the copy's index must not point into the original's storage
  strings = IdTable(IdTable::Kind::string);
  CHECK(copy.find(std::string_view("z")) == 5);
  CHECK(copy.intern(std::string_view("u9")) == 0);
  CHECK(copy.intern(std::string_view("new")) == 6);
  CHECK(copy.string(6) == "new");
}

TEST_CASE("movielens-csv: columns by header name, CRLF, blank lines, no final newline, BOM") {
  TempDir dir;
  write_text(dir.file("ratings.csv"), "userId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\r\n1,1029,3.0,1\r\n\r\n7,31,5.0,2");
  CHECK(rows_of(load("movielens-csv", dir.file("ratings.csv"))) == Rows{"1 31 2.5", "1 1029 3", "7 31 5"});
  // Column order follows the header, as pandas reads by name.
  write_text(dir.file("reordered.csv"), "rating,timestamp,movieId,userId\n4.5,0,10,3\n");
  const RawInteractions raw = load("movielens-csv", dir.file("reordered.csv"));
  CHECK(rows_of(raw) == Rows{"3 10 4.5"});
  CHECK(raw.users.kind() == IdTable::Kind::integer);
  CHECK(raw.source == dir.file("reordered.csv"));
  // A UTF-8 byte-order mark before the header is not part of "userId".
  write_text(dir.file("bom.csv"), "\xEF\xBB\xBFuserId,movieId,rating,timestamp\n2,3,4.0,0\n");
  CHECK(rows_of(load("movielens-csv", dir.file("bom.csv"))) == Rows{"2 3 4"});
}

TEST_CASE("movielens-dat, movielens-100k, msd-triplets, hetrec-lastfm") {
  TempDir dir;
  write_text(dir.file("ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
  CHECK(rows_of(load("movielens-dat", dir.file("ratings.dat"))) == Rows{"1 1193 5", "1 661 3", "2 1193 4"});

  write_text(dir.file("u.data"), "196\t242\t3\t881250949\n186\t302\t3\t891717742\n");
  CHECK(rows_of(load("movielens-100k", dir.file("u.data"))) == Rows{"196 242 3", "186 302 3"});

  write_text(dir.file("triplets.txt"),
             "b80344d063b5ccb3212f76538f3d9e43d87dca9e\tSOAKIMP12A8C130995\t1\n"
             "b80344d063b5ccb3212f76538f3d9e43d87dca9e\tSOAPDEY12A81C210A9\t12\n"
             "85c1f87fea955d09b4bec2e36aee110927aedf9a\tSOAKIMP12A8C130995\t2\n");
  const RawInteractions msd = load("msd-triplets", dir.file("triplets.txt"));
  CHECK(msd.users.kind() == IdTable::Kind::string);
  CHECK(msd.users.size() == 2);
  CHECK(msd.items.size() == 2);
  CHECK(rows_of(msd) == Rows{"b80344d063b5ccb3212f76538f3d9e43d87dca9e SOAKIMP12A8C130995 1",
                             "b80344d063b5ccb3212f76538f3d9e43d87dca9e SOAPDEY12A81C210A9 12",
                             "85c1f87fea955d09b4bec2e36aee110927aedf9a SOAKIMP12A8C130995 2"});

  write_text(dir.file("user_artists.dat"), "userID\tartistID\tweight\r\n2\t51\t13883\r\n2\t52\t11690\r\n3\t51\t1\r\n");
  CHECK(rows_of(load("hetrec-lastfm", dir.file("user_artists.dat"))) == Rows{"2 51 13883", "2 52 11690", "3 51 1"});
}

TEST_CASE("netflix-prize: a training_set folder in file-name order, or one file of MOVIEID blocks") {
  TempDir dir;
  write_text(dir.file("training_set/mv_0000002.txt"), "2:\n2059652,4,2005-09-05\n1666394,3,2005-04-19\n");
  write_text(dir.file("training_set/mv_0000001.txt"), "1:\r\n1488844,3,2005-09-06\r\n822109,5,2005-05-13\r\n");
  write_text(dir.file("training_set/notes.txt"), "not a movie file");
  CHECK(rows_of(load("netflix-prize", dir.file("training_set"))) ==
        Rows{"1488844 1 3", "822109 1 5", "2059652 2 4", "1666394 2 3"});

  write_text(dir.file("combined_data_1.txt"), "1:\n1488844,3,2005-09-06\n8:\n1488844,4,2005-09-06\n30878,2,2005-12-26\n");
  CHECK(rows_of(load("netflix-prize", dir.file("combined_data_1.txt"))) ==
        Rows{"1488844 1 3", "1488844 8 4", "30878 8 2"});
}

TEST_CASE("citeulike: line i is user i; counts verified; empty users have no rows") {
  TempDir dir;
  write_text(dir.file("users.dat"), "3 10 2 7\n0\n2 7 5\n1 0");
  const RawInteractions raw = load("citeulike", dir.file("users.dat"));
  CHECK(rows_of(raw) == Rows{"0 10 1", "0 2 1", "0 7 1", "2 7 1", "2 5 1", "3 0 1"});
  CHECK(raw.users.size() == 3);  // user 1 has no items
}

TEST_CASE("csv: delimiter, header or not, columns by index or name, string ids, optional value") {
  TempDir dir;
  write_text(dir.file("a.csv"), "item;score;user\nx1;0.5;u2\nx2;2;u1\n");
  LoadOptions o;
  o.format = "csv";
  o.path = dir.file("a.csv");
  o.delimiter = ';';
  o.user_column = "user";
  o.item_column = "0";
  o.value_column = "score";
  o.string_ids = true;
  CHECK(rows_of(load_interactions(o)) == Rows{"u2 x1 0.5", "u1 x2 2"});

  write_text(dir.file("b.tsv"), "5\t9\n5\t8\n6\t9\n");
  LoadOptions b;
  b.format = "csv";
  b.path = dir.file("b.tsv");
  b.delimiter = '\t';
  b.header = false;
  CHECK(rows_of(load_interactions(b)) == Rows{"5 9 1", "5 8 1", "6 9 1"});  // no value column: 1

  b.user_column = "user";  // a name without a header
  CHECK_THROWS_WITH_AS(load_interactions(b), doctest::Contains("is given by name but the file has no header"), Error);
}

TEST_CASE("loader errors are one line naming file and line") {
  TempDir dir;
  write_text(dir.file("ratings.csv"), "userId,movieId,rating,timestamp\n1,2,3.0,4\n1,2,3.0\n");
  CHECK_THROWS_WITH_AS(load("movielens-csv", dir.file("ratings.csv")),
                       (dir.file("ratings.csv") + ":3: expected 4 comma-separated fields, got 3").c_str(), Error);
  CHECK_THROWS_WITH_AS(load("movielens-cvs", dir.file("ratings.csv")), doctest::Contains("unknown data format \"movielens-cvs\""),
                       Error);
  LoadOptions o;
  o.format = "movielens-csv";
  o.path = dir.file("ratings.csv");
  o.delimiter = ';';
  CHECK_THROWS_WITH_AS(load_interactions(o), doctest::Contains("apply to the \"csv\" format only"), Error);
}

SHARED_DATA_TEST_CASE("real data: the published files load with their published counts") {
  SUBCASE("ml-latest-small/ratings.csv") {
    SHARED_DATA_OR_SKIP(path, "ml-latest-small/ratings.csv");
    REQUIRE(sha256_file(path) == "aa289ca83157595d0df6aea1be6a4ded676ddc4385472e8313a8ed9805352646");
    const RawInteractions raw = load("movielens-csv", path);
    CHECK(raw.n_rows() == 100836);
    CHECK(raw.users.size() == 610);
    CHECK(raw.items.size() == 9724);
    CHECK(std::count_if(raw.value.begin(), raw.value.end(), [](double v) { return v > 3.5; }) == 48580);
    CHECK(std::count(raw.value.begin(), raw.value.end(), 0.5) == 1370);
  }
  SUBCASE("ml-100k/u.data") {
    SHARED_DATA_OR_SKIP(path, "ml-100k/u.data");
    REQUIRE(sha256_file(path) == "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490");
    const RawInteractions raw = load("movielens-100k", path);
    CHECK(raw.n_rows() == 100000);
    CHECK(raw.users.size() == 943);
    CHECK(raw.items.size() == 1682);
    CHECK(std::count_if(raw.value.begin(), raw.value.end(), [](double v) { return v >= 4; }) == 55375);
  }
  SUBCASE("hetrec2011-lastfm-2k/user_artists.dat") {
    SHARED_DATA_OR_SKIP(path, "hetrec2011-lastfm-2k/user_artists.dat");
    REQUIRE(sha256_file(path) == "001400dc3c7d2667fca6e4ea6dc6acc31a9dd28ad5cd0f74cea988c019934d3b");
    const RawInteractions raw = load("hetrec-lastfm", path);
    CHECK(raw.n_rows() == 92834);
    CHECK(raw.users.size() == 1892);
    CHECK(raw.items.size() == 17632);
    CHECK(std::accumulate(raw.value.begin(), raw.value.end(), 0.0) == 69183975.0);
  }
  SUBCASE("citeulike-a/users.dat") {
    SHARED_DATA_OR_SKIP(path, "citeulike-a/users.dat");
    REQUIRE(sha256_file(path) == "53211d82c14ff261e595634d285ed9fbf8049cf81dcb751d924d695b9612a02c");
    const RawInteractions raw = load("citeulike", path);
    CHECK(raw.n_rows() == 204986);
    CHECK(raw.users.size() == 5551);
    CHECK(raw.items.size() == 16980);
  }
  SUBCASE("citeulike-t/users.dat") {
    SHARED_DATA_OR_SKIP(path, "citeulike-t/users.dat");
    REQUIRE(sha256_file(path) == "02d5d429b2c0362e0ed79f6ef204666b4092563d21493abf4dfb521e8a7078bf");
    const RawInteractions raw = load("citeulike", path);
    CHECK(raw.n_rows() == 134860);
    CHECK(raw.users.size() == 7947);
    CHECK(raw.items.size() == 25584);
  }
}
