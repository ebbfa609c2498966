#include "core/data/ngcf_text.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/data/text_reader.hpp"
#include "core/util/error.hpp"
#include "core/util/memory.hpp"

namespace aelab {

namespace {

constexpr std::uint64_t kIdLimit = std::uint64_t{1} << 32;  // ids are 32-bit row / column indices

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The next whitespace-separated token of `line` from `pos`, or an empty view at the end.
std::string_view next_token(std::string_view line, std::size_t& pos) {
  while (pos < line.size() && is_blank(line[pos])) ++pos;
  const std::size_t start = pos;
  while (pos < line.size() && !is_blank(line[pos])) ++pos;
  return line.substr(start, pos - start);
}

// One line's tokens as ids, checked against an optional bound.
class IdParser {
 public:
  IdParser(const LineReader& reader, const char* role, const std::optional<NgcfTextBound>& bound)
      : reader_(reader), role_(role), bound_(bound) {}

  std::uint32_t parse(std::string_view token) const {
    const bool digits = !token.empty() &&
                        std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::uint64_t value = 0;
    if (digits)  // saturates above the limit: any number of digits is safe
      for (char c : token) value = value > kIdLimit ? value : value * 10 + static_cast<unsigned>(c - '0');
    if (!digits)
      throw reader_.error(std::string("expected ") + article() + role_ + " id (a non-negative integer), got " + quote_text(token));
    if (value >= kIdLimit)
      throw reader_.error(std::string("expected ") + article() + role_ + " id below " + std::to_string(kIdLimit) + ", got " +
                          quote_text(token));
    if (bound_ && value >= bound_->count)
      throw reader_.error(std::string("expected ") + article() + role_ + " id below " + std::to_string(bound_->count) + " (" +
                          bound_->source + "), got " + std::to_string(value));
    return static_cast<std::uint32_t>(value);
  }

 private:
  const char* article() const { return role_[0] == 'i' ? "an " : "a "; }
  const LineReader& reader_;
  const char* role_;
  const std::optional<NgcfTextBound>& bound_;
};

// Rows of the lines read so far, in file order.
struct Lines {
  std::vector<std::uint32_t> user;
  std::vector<std::uint64_t> begin{0};  // items of line k: items[begin[k], begin[k + 1])
  std::vector<std::uint32_t> items;     // sorted within each line
};

// line_of_user[u] = line number, grown on demand; a huge id is refused before it costs its memory.
void remember_line(std::vector<std::size_t>& line_of_user, std::uint32_t user, const LineReader& reader) {
  if (user >= line_of_user.size()) {
    const std::size_t size = std::max<std::size_t>(std::size_t{user} + 1, 2 * line_of_user.size());
    if (size > (std::size_t{1} << 24))
      ensure_memory(size * 2 * sizeof(std::uint64_t),
                    "the " + std::to_string(std::size_t{user} + 1) + " rows that user id " + std::to_string(user) +
                        " implies (" + reader.path() + ":" + std::to_string(reader.line_number()) + "; ids are row indices)",
                    false);
    line_of_user.resize(size, 0);
  }
  if (line_of_user[user] != 0)
    throw reader.error("expected one line per user, got user " + std::to_string(user) + " again (first on line " +
                       std::to_string(line_of_user[user]) + ")");
  line_of_user[user] = reader.line_number();
}

}  // namespace

NgcfText read_ngcf_text(const std::string& path, const NgcfTextBounds& bounds) {
  LineReader reader(path);
  const IdParser user_ids(reader, "user", bounds.users), item_ids(reader, "item", bounds.items);
  Lines lines;
  NgcfText result;
  std::size_t first_blank = 0;  // line number of the first blank line, 0 while there is none
  std::uint64_t n_users = 0, n_items = 0;
  std::vector<std::uint32_t> scratch;
  std::string_view line;
  while (reader.next(line)) {
    std::size_t pos = 0;
    const std::string_view user_token = next_token(line, pos);
    if (user_token.empty()) {
      if (first_blank == 0) first_blank = reader.line_number();
      continue;
    }
    if (first_blank != 0)
      throw file_error(path, first_blank,
                       "expected a line \"user item item ...\", got a blank line (blank lines are allowed only at the end of the file)");
    const std::uint32_t user = user_ids.parse(user_token);
    remember_line(result.line_of_user, user, reader);
    scratch.clear();
    for (std::string_view token = next_token(line, pos); !token.empty(); token = next_token(line, pos))
      scratch.push_back(item_ids.parse(token));
    std::sort(scratch.begin(), scratch.end());
    const auto repeated = std::adjacent_find(scratch.begin(), scratch.end());
    if (repeated != scratch.end())
      throw reader.error("expected distinct items on a line, got item " + std::to_string(*repeated) + " more than once for user " +
                         std::to_string(user));
    lines.user.push_back(user);
    lines.items.insert(lines.items.end(), scratch.begin(), scratch.end());
    lines.begin.push_back(lines.items.size());
    n_users = std::max<std::uint64_t>(n_users, std::uint64_t{user} + 1);
    if (!scratch.empty()) n_items = std::max<std::uint64_t>(n_items, std::uint64_t{scratch.back()} + 1);
  }
  if (lines.user.empty())
    throw file_error(path, 1, reader.line_number() == 0 ? "expected a line \"user item item ...\", got an empty file"
                                                        : "expected a line \"user item item ...\", got only blank lines");
  if (bounds.users) n_users = bounds.users->count;
  if (bounds.items) n_items = bounds.items->count;

  std::vector<std::uint64_t> row_ptr(n_users + 1, 0);
  for (std::size_t k = 0; k < lines.user.size(); ++k) row_ptr[lines.user[k] + 1] = lines.begin[k + 1] - lines.begin[k];
  for (std::size_t u = 0; u < n_users; ++u) row_ptr[u + 1] += row_ptr[u];
  std::vector<std::uint32_t> col_idx(lines.items.size());
  for (std::size_t k = 0; k < lines.user.size(); ++k)
    std::copy(lines.items.begin() + static_cast<std::ptrdiff_t>(lines.begin[k]),
              lines.items.begin() + static_cast<std::ptrdiff_t>(lines.begin[k + 1]),
              col_idx.begin() + static_cast<std::ptrdiff_t>(row_ptr[lines.user[k]]));
  result.matrix = BinaryCsr(n_users, n_items, std::move(row_ptr), std::move(col_idx));
  result.line_of_user.resize(n_users, 0);
  result.lines = lines.user.size();
  return result;
}

BinaryCsr widen_columns(const BinaryCsr& m, std::size_t n_cols) {
  if (n_cols < m.n_cols())
    throw Error("widen_columns: " + std::to_string(n_cols) + " columns cannot hold a matrix of " + std::to_string(m.n_cols()));
  return BinaryCsr(m.n_rows(), n_cols, m.row_ptr(), m.col_idx());
}

}  // namespace aelab
