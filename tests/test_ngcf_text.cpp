// The NGCF / LightGCN train.txt / test.txt reader: what it accepts, and the one-line error of every
// malformed line.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/data/ngcf_text.hpp"
#include "core/util/error.hpp"
#include "tests/test_support.hpp"

using namespace aelab;
using aelab::test::TempDir;
using aelab::test::write_text;

namespace {

std::vector<std::uint32_t> row_of(const BinaryCsr& m, std::size_t r) { return {m.row(r).begin(), m.row(r).end()}; }

// The error of reading `text` as <dir>/train.txt, with the path replaced by "train.txt".
std::string error_of(const std::string& text, const NgcfTextBounds& bounds = {}) {
  TempDir dir;
  const std::string path = dir.file("train.txt");
  write_text(path, text);
  try {
    read_ngcf_text(path, bounds);
  } catch (const Error& e) {
    std::string message = e.what();
    if (message.rfind(path, 0) == 0) message = "train.txt" + message.substr(path.size());
    return message;
  }
  return "(no error)";
}

NgcfText read_text(const std::string& text, const NgcfTextBounds& bounds = {}) {
  TempDir dir;
  write_text(dir.file("train.txt"), text);
  return read_ngcf_text(dir.file("train.txt"), bounds);
}

}  // namespace

TEST_CASE("NGCF text: users in any order, unsorted items, user-only lines, gaps, tabs, CRLF and trailing blank lines") {
  const NgcfText t = read_text("2 7 3\r\n0 4 1 9\n\t5  \n3\t8   2\n\n  \n");
  CHECK(t.matrix.n_rows() == 6);  // the largest user id + 1
  CHECK(t.matrix.n_cols() == 10);  // the largest item id + 1
  CHECK(t.lines == 4);
  CHECK(row_of(t.matrix, 0) == std::vector<std::uint32_t>{1, 4, 9});
  CHECK(row_of(t.matrix, 1).empty());  // not listed
  CHECK(row_of(t.matrix, 2) == std::vector<std::uint32_t>{3, 7});
  CHECK(row_of(t.matrix, 3) == std::vector<std::uint32_t>{2, 8});
  CHECK(row_of(t.matrix, 5).empty());  // listed without items
  CHECK(t.line_of_user == std::vector<std::size_t>{2, 0, 1, 4, 0, 3});
  CHECK(t.matrix.nnz() == 7);

  // Bounds fix the shape.
  NgcfTextBounds bounds;
  bounds.users = NgcfTextBound{8, "the users of x"};
  bounds.items = NgcfTextBound{12, "the items of x"};
  const NgcfText bounded = read_text("0 1 2\n", bounds);
  CHECK(bounded.matrix.n_rows() == 8);
  CHECK(bounded.matrix.n_cols() == 12);
  CHECK(bounded.line_of_user.size() == 8);
  // No trailing newline; leading zeros are decimal.
  CHECK(row_of(read_text("0 010 3").matrix, 0) == std::vector<std::uint32_t>{3, 10});
}

TEST_CASE("NGCF text: every malformed line gives its one-line error") {
  CHECK(error_of("") == "train.txt:1: expected a line \"user item item ...\", got an empty file");
  CHECK(error_of("\n \n") == "train.txt:1: expected a line \"user item item ...\", got only blank lines");
  CHECK(error_of("0 1\n-1 2\n") == "train.txt:2: expected a user id (a non-negative integer), got \"-1\"");
  CHECK(error_of("0 1 -2\n") == "train.txt:1: expected an item id (a non-negative integer), got \"-2\"");
  CHECK(error_of("0 1 2.5\n") == "train.txt:1: expected an item id (a non-negative integer), got \"2.5\"");
  CHECK(error_of("0 1 2\n1 3 4x\n") == "train.txt:2: expected an item id (a non-negative integer), got \"4x\"");
  CHECK(error_of("0 1 2 # note\n") == "train.txt:1: expected an item id (a non-negative integer), got \"#\"");
  CHECK(error_of("0 1,2\n") == "train.txt:1: expected an item id (a non-negative integer), got \"1,2\"");
  CHECK(error_of("u1 1 2\n") == "train.txt:1: expected a user id (a non-negative integer), got \"u1\"");
  CHECK(error_of("0 1 +2\n") == "train.txt:1: expected an item id (a non-negative integer), got \"+2\"");
  CHECK(error_of("0 4294967296\n") == "train.txt:1: expected an item id below 4294967296, got \"4294967296\"");
  CHECK(error_of("0 123456789012345678901234567890\n") ==
        "train.txt:1: expected an item id below 4294967296, got \"123456789012345678901234567890\"");
  CHECK(error_of("0 1\n1 2\n0 3\n") == "train.txt:3: expected one line per user, got user 0 again (first on line 1)");
  CHECK(error_of("0 1\n1 5 2 5\n") == "train.txt:2: expected distinct items on a line, got item 5 more than once for user 1");
  CHECK(error_of("0 1\n\n1 2\n") ==
        "train.txt:2: expected a line \"user item item ...\", got a blank line (blank lines are allowed only at the end of the file)");
  CHECK(error_of("0 1\n  \t\n\n1 2\n") ==
        "train.txt:2: expected a line \"user item item ...\", got a blank line (blank lines are allowed only at the end of the file)");
  CHECK(error_of("0 1\r2\n") == "train.txt:1: expected an item id (a non-negative integer), got \"1\\r2\"");

  NgcfTextBounds bounds;
  bounds.users = NgcfTextBound{3, "the users of train.npz"};
  bounds.items = NgcfTextBound{10, "the items of train.npz"};
  CHECK(error_of("0 1\n3 2\n", bounds) == "train.txt:2: expected a user id below 3 (the users of train.npz), got 3");
  CHECK(error_of("0 1\n2 10\n", bounds) == "train.txt:2: expected an item id below 10 (the items of train.npz), got 10");

  CHECK_THROWS_WITH_AS(read_ngcf_text("/nonexistent/train.txt"), "/nonexistent/train.txt: cannot open: No such file or directory",
                       Error);
}

TEST_CASE("widen_columns keeps the entries and refuses to narrow") {
  const BinaryCsr m = BinaryCsr::from_pairs(2, 3, {{0, 2}, {1, 0}});
  const BinaryCsr wide = widen_columns(m, 5);
  CHECK(wide.n_cols() == 5);
  CHECK(wide.col_idx() == m.col_idx());
  CHECK(wide.row_ptr() == m.row_ptr());
  CHECK_THROWS_AS(widen_columns(m, 2), Error);
}
