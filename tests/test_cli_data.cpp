// The data subcommands through the built binary: malformed input gives one line
// "aelab: error: <file>:<line>: expected ..., got ..." and a non-zero exit, and writes nothing;
// well-formed input works, and every subcommand has --help.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/data/loaders.hpp"
#include "tests/test_support.hpp"

using aelab::test::run_aelab;
using aelab::test::TempDir;
using aelab::test::write_text;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `args`; expects exit status 1, exactly one line on stderr equal to "aelab: error: " + message,
// and no new file in `dir` (no partial output).
void expect_error(const TempDir& dir, const std::vector<std::string>& args, const std::string& message) {
  const auto before = entries(dir.path());
  const auto r = run_aelab(args);
  std::string joined;
  for (const auto& a : args) joined += a + " ";
  INFO("aelab " << joined);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "aelab: error: " + message + "\n");
  CHECK(entries(dir.path()) == before);
}

std::vector<std::string> split_args(const std::string& format, const std::string& input, const std::string& out) {
  return {"split", "--format", format, "--input", input, "--out", out, "--heldout", "1", "--min-uc", "0"};
}

}  // namespace

TEST_CASE("malformed input: one-line errors, exit status 1, no output written") {
  TempDir dir;
  const std::string out = dir.file("out");
  auto file = [&](const std::string& name, const std::string& text) {
    write_text(dir.file(name), text);
    return dir.file(name);
  };
  const std::string header = "userId,movieId,rating,timestamp\n";

  SUBCASE("wrong field count") {
    const auto f = file("ratings.csv", header + "1,2,4.0,5\n1,3,4.0\n");
    expect_error(dir, split_args("movielens-csv", f, out), f + ":3: expected 4 comma-separated fields, got 3");
  }
  SUBCASE("non-numeric rating") {
    const auto f = file("ratings.csv", header + "1,2,four,5\n");
    expect_error(dir, split_args("movielens-csv", f, out), f + ":2: expected a numeric rating, got \"four\"");
  }
  SUBCASE("non-finite rating") {
    const auto f = file("ratings.csv", header + "1,2,nan,5\n");
    expect_error(dir, split_args("movielens-csv", f, out), f + ":2: expected a numeric rating, got \"nan\"");
  }
  SUBCASE("missing file") {
    expect_error(dir, split_args("movielens-csv", dir.file("nope.csv"), out),
                 dir.file("nope.csv") + ": cannot open: No such file or directory");
  }
  SUBCASE("a folder where a file is expected") {
    fs::create_directory(dir.file("folder"));
    expect_error(dir, split_args("movielens-csv", dir.file("folder"), out), dir.file("folder") + ": cannot open: not a regular file");
  }
  SUBCASE("empty file") {
    const auto f = file("ratings.csv", "");
    expect_error(dir, split_args("movielens-csv", f, out), f + ":1: expected a header line, got an empty file");
  }
  SUBCASE("header without rows") {
    const auto f = file("ratings.csv", header);
    expect_error(dir, split_args("movielens-csv", f, out), f + ":2: expected at least one data row, got end of file");
  }
  SUBCASE("empty file without header") {
    const auto f = file("u.data", "");
    expect_error(dir, split_args("movielens-100k", f, out), f + ":1: expected at least one data row, got an empty file");
  }
  SUBCASE("bad count in users.dat") {
    const auto f = file("users.dat", "2 1 2\n3 4 5\n");
    expect_error(dir, split_args("citeulike", f, out), f + ":2: expected 3 item ids after the count 3, got 2");
  }
  SUBCASE("non-numeric count in users.dat") {
    const auto f = file("users.dat", "x 1 2\n");
    expect_error(dir, split_args("citeulike", f, out), f + ":1: expected a count of items, got \"x\"");
  }
  SUBCASE("empty line in users.dat (line i is user i-1)") {
    const auto f = file("users.dat", "1 1\n\n1 2\n");
    expect_error(dir, split_args("citeulike", f, out),
                 f + ":2: expected a count of items (line 2 is user 1), got an empty line");
  }
  SUBCASE("unknown format name") {
    const auto f = file("ratings.csv", header + "1,2,4.0,5\n");
    expect_error(dir, split_args("movielens", f, out),
                 "aelab split: --format expects one of movielens-csv, movielens-dat, movielens-100k, netflix-prize, "
                 "msd-triplets, citeulike, hetrec-lastfm, lightgcn-union, csv, got \"movielens\"");
  }
  SUBCASE("H too large for the user count") {
    std::string rows = header;
    for (int u = 1; u <= 4; ++u) rows += std::to_string(u) + ",1,5.0,0\n";
    const auto f = file("ratings.csv", rows);
    expect_error(dir, {"split", "--format", "movielens-csv", "--input", f, "--out", out, "--heldout", "2", "--min-uc", "1"},
                 "split: H = 2 held-out users per part needs more than 2H = 4 users, but 4 remain after binarization "
                 "and filtering");
  }
  SUBCASE("bad MOVIEID header in netflix") {
    file("training_set/mv_0000001.txt", "1488844,3,2005-09-06\n");
    expect_error(dir, split_args("netflix-prize", dir.file("training_set"), out),
                 dir.file("training_set/mv_0000001.txt") + ":1: expected a \"MOVIEID:\" line, got \"1488844,3,2005-09-06\"");
  }
  SUBCASE("netflix movie id different from the file name") {
    file("training_set/mv_0000001.txt", "2:\n1488844,3,2005-09-06\n");
    expect_error(dir, split_args("netflix-prize", dir.file("training_set"), out),
                 dir.file("training_set/mv_0000001.txt") + ":1: expected \"1:\" (the movie of mv_0000001.txt), got \"2:\"");
  }
  SUBCASE("netflix folder without movie files") {
    fs::create_directory(dir.file("training_set"));
    expect_error(dir, split_args("netflix-prize", dir.file("training_set"), out),
                 dir.file("training_set") + ": expected a Netflix Prize training_set folder with mv_*.txt files, found none");
  }
  SUBCASE("non-integer id where integers are expected") {
    const auto f = file("ratings.dat", "1::1193::5::978300760\n1.5::661::3::978302109\n");
    expect_error(dir, split_args("movielens-dat", f, out), f + ":2: expected an integer user id, got \"1.5\"");
  }
  SUBCASE("single-colon separators in ratings.dat") {
    const auto f = file("ratings.dat", "1:1193:5:978300760\n");
    expect_error(dir, split_args("movielens-dat", f, out), f + ":1: expected 4 '::'-separated fields, got 1");
  }
  SUBCASE("empty string id in MSD triplets") {
    const auto f = file("triplets.txt", "u1\tSOA\t1\n\tSOB\t2\n");
    expect_error(dir, split_args("msd-triplets", f, out), f + ":2: expected a non-empty user id, got \"\"");
  }
  SUBCASE("HetRec header with another column name") {
    const auto f = file("user_artists.dat", "user\tartistID\tweight\r\n2\t51\t13883\r\n");
    expect_error(dir, split_args("hetrec-lastfm", f, out),
                 f + ":1: expected a header with a user column \"userID\", got \"user,artistID,weight\"");
  }
  SUBCASE("missing header column in generic csv") {
    const auto f = file("data.csv", "user,item\n1,2\n");
    auto args = split_args("csv", f, out);
    args.insert(args.end(), {"--user-col", "uid", "--item-col", "item"});
    expect_error(dir, args, f + ":1: expected a header with a user column \"uid\", got \"user,item\"");
  }
  SUBCASE("column index beyond the fields in generic csv") {
    const auto f = file("data.tsv", "1\t2\n");
    auto args = split_args("csv", f, out);
    args.insert(args.end(), {"--no-header", "--delimiter", "tab", "--value-col", "4"});
    expect_error(dir, args, f + ":1: expected at least 5 fields for the value column 4, got 2");
  }
  SUBCASE("quoted field in generic csv") {
    const auto f = file("data.csv", "u,i\n\"a\",b\n");
    auto args = split_args("csv", f, out);
    args.push_back("--string-ids");
    expect_error(dir, args, f + ":2: expected an unquoted field (quoted csv fields are not supported), got \"\\\"a\\\"\"");
  }
  SUBCASE("bad threshold value") {
    const auto f = file("ratings.csv", header + "1,2,4.0,5\n");
    auto args = split_args("movielens-csv", f, out);
    args.insert(args.end(), {"--threshold", "high"});
    expect_error(dir, args, "aelab split: --threshold expects a number, got \"high\"");
  }
  SUBCASE("negative min-uc, missing H, seed out of range, csv option with another format, unknown option") {
    const auto f = file("ratings.csv", header + "1,2,4.0,5\n");
    auto args = split_args("movielens-csv", f, out);
    args.insert(args.end(), {"--min-uc", "-2"});
    expect_error(dir, args, "aelab split: --min-uc expects a non-negative integer, got \"-2\"");
    expect_error(dir, {"split", "--format", "movielens-csv", "--input", f, "--out", out},
                 "aelab split: --heldout is required (see aelab split --help)");
    args = split_args("movielens-csv", f, out);
    args.insert(args.end(), {"--seed", "4294967296"});
    expect_error(dir, args, "aelab split: --seed expects an integer in [0, 4294967295], got \"4294967296\"");
    args = split_args("movielens-csv", f, out);
    args.insert(args.end(), {"--delimiter", ";"});
    expect_error(dir, args, "aelab split: --delimiter applies to --format csv only, not movielens-csv");
    args = split_args("movielens-csv", f, out);
    args.insert(args.end(), {"--thresold", "3.5"});
    expect_error(dir, args, "aelab split: unknown option --thresold (see aelab split --help)");
  }
  SUBCASE("an existing output folder is not replaced without --force") {
    std::string rows = header;
    for (int u = 1; u <= 3; ++u) rows += std::to_string(u) + ",1,5.0,0\n";
    const auto f = file("ratings.csv", rows);
    fs::create_directory(out);
    write_text(out + "/keep.txt", "a finished result");
    expect_error(dir, split_args("movielens-csv", f, out), "aelab split: " + out + " already exists (use --force to replace it)");
    CHECK(aelab::test::read_text(out + "/keep.txt") == "a finished result");
    const auto r = run_aelab([&] {
      auto a = split_args("movielens-csv", f, out);
      a.push_back("--force");
      return a;
    }());
    CHECK(r.exit_code == 0);
    CHECK(!fs::exists(out + "/keep.txt"));
    CHECK(fs::exists(out + "/train.csv"));
  }
  SUBCASE("data inspect reports the same errors") {
    const auto f = file("ratings.csv", header + "1,2,4.0,5\nx,3,4.0,5\n");
    expect_error(dir, {"data", "inspect", "--format", "movielens-csv", "--input", f},
                 f + ":3: expected an integer user id, got \"x\"");
  }
  SUBCASE("synth parameters out of range") {
    expect_error(dir, {"synth", "--out", dir.file("s.csv"), "--items", "1"},
                 "aelab synth.items: expected an integer in [2, 1e8], got 1");
    expect_error(dir, {"synth", "--out", dir.file("s.csv"), "--preset", "ml1m"},
                 "aelab synth: --preset expects default or ml20m, got \"ml1m\"");
    write_text(dir.file("spec.json"), "{\"users\": 10, \"colour\": 3}");
    const auto before = entries(dir.path());
    const auto r = run_aelab({"synth", "--out", dir.file("s.csv"), "--spec", dir.file("spec.json")});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(dir.file("spec.json") + ".colour: unknown parameter") != std::string::npos);
    CHECK(entries(dir.path()) == before);
  }
}

TEST_CASE("help, formats, inspect, synth -> split") {
  for (const auto& args : std::vector<std::vector<std::string>>{{"split", "--help"},
                                                                {"data", "--help"},
                                                                {"data", "inspect", "--help"},
                                                                {"data", "formats", "--help"},
                                                                {"synth", "--help"}}) {
    const auto r = run_aelab(args);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage: aelab") != std::string::npos);
    CHECK(r.err.empty());
  }
  const auto formats = run_aelab({"data", "formats"});
  CHECK(formats.exit_code == 0);
  for (const auto& name : aelab::loader_formats()) CHECK(formats.out.find("  " + name + " ") != std::string::npos);

  TempDir dir;
  const auto synth = run_aelab({"synth", "--out", dir.file("ratings.csv"), "--users", "400", "--items", "300",
                                "--mean-items", "30", "--seed", "7"});
  REQUIRE_MESSAGE(synth.exit_code == 0, synth.err);
  CHECK(synth.out.find("users\":400") != std::string::npos);
  const auto inspect = run_aelab({"data", "inspect", "--format", "movielens-csv", "--input", dir.file("ratings.csv"),
                                  "--threshold", "3.5"});
  REQUIRE_MESSAGE(inspect.exit_code == 0, inspect.err);
  CHECK(inspect.out.find("users: 400, items: ") != std::string::npos);
  CHECK(inspect.out.find("(0 duplicate rows)") != std::string::npos);
  CHECK(inspect.out.find("value > 3.5: rows: ") != std::string::npos);
  const auto split = run_aelab({"split", "--format", "movielens-csv", "--input", dir.file("ratings.csv"), "--threshold",
                                "3.5", "--heldout", "40", "--out", dir.file("split")});
  REQUIRE_MESSAGE(split.exit_code == 0, split.err);
  CHECK(split.out.find(" train, 40 validation, 40 test") != std::string::npos);
  CHECK(fs::exists(dir.file("split/unique_sid.txt")));
}

TEST_CASE("option syntax: --name=value, the last of a repeated option, decimal integers, exact numbers") {
  TempDir dir;
  const auto synth = run_aelab({"synth", "--out=" + dir.file("ratings.csv"), "--users", "300", "--users", "200",
                                "--items", "150", "--mean-items", "20", "--seed", "017"});
  REQUIRE_MESSAGE(synth.exit_code == 0, synth.err);
  CHECK(synth.out.find("\"users\":200") != std::string::npos);  // the last --users
  CHECK(synth.out.find("\"seed\":17") != std::string::npos);    // "017" is decimal 17 (CLI11 alone reads octal 15)
  const auto split = run_aelab({"split", "--format=movielens-csv", "--input", dir.file("ratings.csv"), "--threshold=3.5",
                                "--heldout", "10", "--seed", "010", "--out", dir.file("split")});
  REQUIRE_MESSAGE(split.exit_code == 0, split.err);
  CHECK(split.out.find("(H 10, seed 10)") != std::string::npos);
  CHECK(split.out.find("value > 3.5") != std::string::npos);
  expect_error(dir, {"split", "--format", "movielens-csv", "--input", dir.file("ratings.csv"), "--heldout", "0x10",
                     "--out", dir.file("other")},
               "aelab split: --heldout expects a non-negative integer, got \"0x10\"");
  expect_error(dir, {"split", "--format", "movielens-csv", "--input", dir.file("ratings.csv"), "--heldout", "10",
                     "--threshold", "nan", "--out", dir.file("other")},
               "aelab split: --threshold expects a number, got \"nan\"");
  expect_error(dir, {"split", "--format", "movielens-csv", "--input", dir.file("ratings.csv"), "--heldout", "10", "--out"},
               "aelab split: --out expects DIR");
  expect_error(dir, {"split", "--format", "csv", "--input", dir.file("ratings.csv"), "--heldout", "10", "--delimiter",
                     "ab", "--out", dir.file("other")},
               "aelab split: --delimiter expects one character or tab|comma|semicolon|space|pipe, got \"ab\"");
  expect_error(dir, {"data", "inspect", "--format", "csv", "--input", dir.file("ratings.csv"), "--user-col", ""},
               "aelab data inspect: --user-col expects a column, got \"\"");
  expect_error(dir, {"split", "--format", "movielens-csv", "--input", dir.file("ratings.csv"), "--heldout", "10", "extra",
                     "--out", dir.file("other")},
               "aelab split: unexpected argument \"extra\" (see aelab split --help)");
  for (const auto& command : std::vector<std::vector<std::string>>{{"solvers", "--help"}, {"eval", "--help"},
                                                                  {"run", "--help"}, {"plot", "--help"}}) {
    const auto r = run_aelab(command);
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("usage: aelab " + command[0] + " [options]", 0) == 0);
  }
}

SHARED_DATA_TEST_CASE("data inspect on real files") {
  SHARED_DATA_OR_SKIP(ratings, "ml-latest-small/ratings.csv");
  const auto r = run_aelab({"data", "inspect", "--format", "movielens-csv", "--input", ratings, "--threshold", "3.5"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("rows: 100836, users: 610, items: 9724, distinct (user, item) pairs: 100836 (0 duplicate rows)") !=
        std::string::npos);
  CHECK(r.out.find("histogram: 0.5:1370 1:2811 1.5:1791 2:7551 2.5:5550 3:20047 3.5:13136 4:26818 4.5:8551 5:13211") !=
        std::string::npos);
  CHECK(r.out.find("value > 3.5: rows: 48580, users: 609") != std::string::npos);
  CHECK(r.out.find("rows per user: min 20,") != std::string::npos);  // "every user has at least 20 ratings"
}
