#include "core/util/json_text.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <vector>

#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"

namespace aelab {

namespace {

using json = nlohmann::json;

// A char iterator that records how far nlohmann's lexer has read, so that errors raised from SAX
// callbacks (which get no position) can still name the line and column.
class TrackedChar {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackedChar(const char* at, const char** furthest) : at_(at), furthest_(furthest) {}
  reference operator*() const { return *at_; }
  TrackedChar& operator++() {
    *furthest_ = ++at_;
    return *this;
  }
  TrackedChar operator++(int) {
    TrackedChar before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackedChar& o) const { return at_ == o.at_; }
  bool operator!=(const TrackedChar& o) const { return at_ != o.at_; }

 private:
  const char* at_;
  const char** furthest_;
};

std::string line_column(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..." and
// "[json.exception.out_of_range.406] number overflow ..." without the parts the position replaces.
std::string nlohmann_reason(const std::string& what) {
  std::string reason = what;
  if (reason.rfind("[json.exception.", 0) == 0)
    if (auto end = reason.find("] "); end != std::string::npos) reason = reason.substr(end + 2);
  if (reason.rfind("parse error", 0) == 0)
    if (auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
  return reason;
}

// Builds the DOM as nlohmann's own SAX DOM builder does, with the checks of json_text.hpp.
class CheckedBuilder : public nlohmann::json_sax<json> {
 public:
  CheckedBuilder(const std::string& text, const std::string& source, const char* const* furthest)
      : text_(text), source_(source), furthest_(furthest) {}

  json take() { return std::move(root_); }

  bool null() override { return add(nullptr); }
  bool boolean(bool v) override { return add(v); }
  bool number_integer(number_integer_t v) override { return add(v); }
  bool number_unsigned(number_unsigned_t v) override { return add(v); }
  bool number_float(number_float_t v, const string_t&) override { return add(v); }
  bool string(string_t& v) override { return add(std::move(v)); }
  bool binary(binary_t& v) override { return add(json::binary(std::move(v))); }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Level& top = levels_.back();
    if (top.value->contains(k)) fail(pending_path_for(k), "duplicate key (each key may appear once in an object)");
    top.key = k;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    // e.byte-style positions are 1-based and point just past the offending character.
    const std::size_t offset = position == 0 ? 0 : position - 1;
    throw Error(source_ + ":" + line_column(text_, offset) + ": invalid JSON: " + nlohmann_reason(e.what()));
  }

 private:
  struct Level {
    json* value;
    std::string key;  // the key of the value being read, when `value` is an object
  };

  json* place(json&& v) {
    if (levels_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Level& top = levels_.back();
    if (top.value->is_array()) {
      top.value->push_back(std::move(v));
      return &top.value->back();
    }
    json& slot = (*top.value)[top.key];
    slot = std::move(v);
    return &slot;
  }
  bool add(json&& v) {
    place(std::move(v));
    return true;
  }
  bool open(json&& container) {
    if (levels_.size() >= kMaxJsonDepth)
      fail(pending_path(), "nested deeper than " + std::to_string(kMaxJsonDepth) + " arrays/objects (the limit of aelab's JSON reader)");
    levels_.push_back({place(std::move(container)), {}});
    return true;
  }
  bool close() {
    levels_.pop_back();
    return true;
  }

  // The JSON path of the value about to be read ("solvers[2].grid").
  std::string pending_path() const {
    if (levels_.empty()) return {};
    const Level& top = levels_.back();
    return top.value->is_array() ? path_to(levels_.size() - 1) + "[" + std::to_string(top.value->size()) + "]"
                                 : pending_path_for(top.key);
  }
  std::string pending_path_for(const std::string& key) const {
    const std::string parent = path_to(levels_.size() - 1);
    return parent.empty() ? key : parent + "." + key;
  }
  std::string path_to(std::size_t level) const {
    std::string path;
    for (std::size_t i = 0; i < level; ++i) {
      const Level& l = levels_[i];
      if (l.value->is_array())
        path += "[" + std::to_string(l.value->size() - 1) + "]";
      else
        path += (path.empty() ? "" : ".") + l.key;
    }
    return path;
  }

  [[noreturn]] void fail(std::string path, const std::string& message) const {
    if (path.size() > 80) path = path.substr(0, 77) + "...";
    const std::size_t offset = static_cast<std::size_t>(*furthest_ - text_.data());
    throw Error(source_ + ":" + line_column(text_, offset == 0 ? 0 : offset - 1) + ": " +
                (path.empty() ? "" : path + ": ") + message);
  }

  const std::string& text_;
  const std::string& source_;
  const char* const* furthest_;
  json root_;
  std::vector<Level> levels_;
};

}  // namespace

nlohmann::json parse_json_checked(const std::string& text, const std::string& source) {
  const char* furthest = text.data();
  CheckedBuilder builder(text, source, &furthest);
  const TrackedChar begin(text.data(), &furthest), end(text.data() + text.size(), &furthest);
  json::sax_parse(begin, end, &builder);
  return builder.take();
}

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  // An ifstream opens a folder and reads nothing, which would surface as "unexpected end of input".
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a directory, expected a JSON file");
  const std::optional<std::string> text = read_file_bytes(path);
  if (!text) throw Error(path + ": cannot read " + what);
  return parse_json_checked(*text, path);
}

}  // namespace aelab
