#include "core/data/npy.hpp"

#include <cstring>
#include <optional>

#include "core/data/text_reader.hpp"
#include "core/util/error.hpp"

// Elements are assembled in host order with memcpy below.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .npy reader assumes a little-endian host");

namespace aelab {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicBytes = 6;

// Binary bytes for a message: printable ASCII as is, everything else as \xNN.
std::string escaped_bytes(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += ch;
    } else {
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out + "\"";
}

std::uint64_t little_endian(const unsigned char* p, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = bytes; i-- > 0;) value = (value << 8) | p[i];
  return value;
}

// The descr string of a simple dtype: byte order, kind letter, size ("<i4", "|b1", ">f8", "|S3", "<U3").
NpyDtype parse_descr(const std::string& descr) {
  NpyDtype dtype;
  dtype.descr = descr;
  if (descr.size() < 2) return dtype;
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') return dtype;
  const std::string digits = descr.substr(2);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return dtype;
  const std::size_t count = std::stoul(digits);
  const char kind = descr[1];
  NpyDtype::Kind parsed = NpyDtype::Kind::other;
  std::size_t size = count;
  switch (kind) {
    case 'b': parsed = count == 1 ? NpyDtype::Kind::boolean : NpyDtype::Kind::other; break;
    case 'i': parsed = (count == 1 || count == 2 || count == 4 || count == 8) ? NpyDtype::Kind::signed_integer : NpyDtype::Kind::other; break;
    case 'u': parsed = (count == 1 || count == 2 || count == 4 || count == 8) ? NpyDtype::Kind::unsigned_integer : NpyDtype::Kind::other; break;
    case 'f': parsed = (count == 4 || count == 8) ? NpyDtype::Kind::floating : NpyDtype::Kind::other; break;
    case 'S': parsed = NpyDtype::Kind::bytes; break;
    case 'U': parsed = NpyDtype::Kind::unicode; size = 4 * count; break;
    default: break;
  }
  if (parsed == NpyDtype::Kind::other || size == 0) return dtype;
  // A multi-byte number needs a byte order; byte strings ('|S3') have none.
  if (size > 1 && order == '|' && parsed != NpyDtype::Kind::bytes) return dtype;
  dtype.kind = parsed;
  dtype.item_size = size;
  // '=' (native) never comes from numpy, which writes '<', '>' or '|'; aelab's hosts are little-endian.
  dtype.big_endian = parsed != NpyDtype::Kind::bytes && size > 1 && order == '>';
  return dtype;
}

// A recursive-descent reader of the header's Python literal: a dict of string keys whose values are
// strings, True/False, tuples of integers, or (structured dtypes) lists kept as text.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& where) : text_(text), where_(where) {}

  NpyHeader parse() {
    NpyHeader header;
    bool have_descr = false, have_order = false, have_shape = false;
    skip_space();
    expect('{', "a header dict starting with '{'");
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal("a quoted key");
      skip_space();
      expect(':', "':' after the key '" + key + "'");
      skip_space();
      if (key == "descr") {
        header.dtype = descr_value();
        have_descr = true;
      } else if (key == "fortran_order") {
        header.fortran_order = boolean_value();
        have_order = true;
      } else if (key == "shape") {
        header.shape = shape_value();
        have_shape = true;
      } else {
        fail("the keys 'descr', 'fortran_order' and 'shape'", "the key '" + key + "'");
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      skip_space();
      if (peek() != '}') fail("',' or '}' in the header dict", quote_text(text_.substr(pos_, 20)));
    }
    ++pos_;
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\0')) ++pos_;
    if (pos_ != text_.size()) fail("only padding after the header dict", quote_text(text_.substr(pos_, 20)));
    if (!have_descr) fail("a 'descr' key", "none");
    if (!have_order) fail("a 'fortran_order' key", "none");
    if (!have_shape) fail("a 'shape' key", "none");
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& expected, const std::string& got) const {
    throw Error(where_ + ": expected " + expected + " in the .npy header, got " + got);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
  }
  void expect(char c, const std::string& what) {
    if (peek() != c) fail(what, pos_ < text_.size() ? quote_text(text_.substr(pos_, 20)) : "the end of the header");
    ++pos_;
  }
  std::string string_literal(const std::string& what) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail(what, quote_text(text_.substr(pos_, 20)));
    const std::size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("a closing quote", "the end of the header");
    std::string value(text_.substr(pos_ + 1, end - pos_ - 1));
    if (value.find('\\') != std::string::npos) fail("a string without escapes", quote_text(value));
    pos_ = end + 1;
    return value;
  }
  NpyDtype descr_value() {
    if (peek() == '[') {  // a structured dtype: keep its text for the message
      const std::size_t start = pos_;
      int depth = 0;
      do {
        if (pos_ >= text_.size()) fail("a closing ']'", "the end of the header");
        if (text_[pos_] == '[') ++depth;
        if (text_[pos_] == ']') --depth;
        ++pos_;
      } while (depth > 0);
      NpyDtype dtype;
      dtype.descr = std::string(text_.substr(start, pos_ - start));
      return dtype;
    }
    return parse_descr(string_literal("a dtype string for 'descr'"));
  }
  bool boolean_value() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("True or False for 'fortran_order'", quote_text(text_.substr(pos_, 20)));
  }
  std::vector<std::uint64_t> shape_value() {
    expect('(', "a tuple for 'shape'");
    std::vector<std::uint64_t> shape;
    bool trailing_comma = false;
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      std::int64_t value;
      if (!parse_int64(text_.substr(start, pos_ - start), value))
        fail("non-negative integers in 'shape'", quote_text(text_.substr(start, 20)));
      if (peek() == 'L') ++pos_;  // Python 2 long literals, as old numpy wrote them
      shape.push_back(static_cast<std::uint64_t>(value));
      skip_space();
      trailing_comma = peek() == ',';
      if (trailing_comma) ++pos_;
      else if (peek() != ')') fail("',' or ')' in 'shape'", quote_text(text_.substr(pos_, 20)));
    }
    ++pos_;
    // "(5)" is the integer 5 in Python, not a tuple; numpy rejects it too.
    if (shape.size() == 1 && !trailing_comma) fail("a tuple for 'shape' (a 1-tuple needs its comma)", "\"(" + std::to_string(shape[0]) + ")\"");
    return shape;
  }

  std::string_view text_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

}  // namespace

std::uint64_t NpyHeader::element_count(const std::string& where) const {
  std::uint64_t count = 1;
  for (std::uint64_t extent : shape) {
    if (extent != 0 && count > UINT64_MAX / extent) throw Error(where + ": the shape " + shape_text() + " is too large");
    count *= extent;
  }
  return count;
}

std::string NpyHeader::shape_text() const {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

std::size_t npy_header_size(std::string_view prefix, const std::string& where) {
  if (prefix.size() < kMagicBytes + 2 || std::memcmp(prefix.data(), kMagic, kMagicBytes) != 0)
    throw Error(where + ": expected a .npy array (starting with \"\\x93NUMPY\"), got " +
                escaped_bytes(prefix.substr(0, kMagicBytes)));
  const auto* bytes = reinterpret_cast<const unsigned char*>(prefix.data());
  const int major = bytes[6], minor = bytes[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    throw Error(where + ": expected .npy format version 1.0, 2.0 or 3.0, got " + std::to_string(major) + "." +
                std::to_string(minor));
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  if (prefix.size() < kMagicBytes + 2 + length_bytes) throw Error(where + ": truncated .npy header");
  return kMagicBytes + 2 + length_bytes + little_endian(bytes + 8, length_bytes);
}

NpyHeader parse_npy_header(std::string_view bytes, const std::string& where) {
  const std::size_t total = npy_header_size(bytes, where);
  if (bytes.size() < total) throw Error(where + ": truncated .npy header");
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t text_start = raw[6] == 1 ? 10 : 12;
  NpyHeader header = HeaderParser(bytes.substr(text_start, total - text_start), where).parse();
  header.major_version = raw[6];
  header.minor_version = raw[7];
  header.data_offset = total;
  return header;
}

std::uint64_t npy_integer_bits(const unsigned char* element, const NpyDtype& dtype) {
  const std::size_t size = dtype.item_size;
  std::uint64_t bits = 0;
  if (dtype.big_endian)
    for (std::size_t i = 0; i < size; ++i) bits = (bits << 8) | element[i];
  else
    bits = little_endian(element, size);
  if (dtype.kind == NpyDtype::Kind::signed_integer && size < 8 && (bits >> (8 * size - 1)) & 1)
    bits |= ~std::uint64_t{0} << (8 * size);  // sign extension
  return bits;
}

double npy_floating_value(const unsigned char* element, const NpyDtype& dtype) {
  unsigned char host[8];
  for (std::size_t i = 0; i < dtype.item_size; ++i)
    host[i] = dtype.big_endian ? element[dtype.item_size - 1 - i] : element[i];
  if (dtype.item_size == 4) {
    float value;
    std::memcpy(&value, host, 4);
    return value;
  }
  double value;
  std::memcpy(&value, host, 8);
  return value;
}

}  // namespace aelab
