#include "core/data/text_reader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

namespace aelab {

namespace {
constexpr std::size_t kChunk = std::size_t{4} << 20;
}

LineReader::LineReader(std::string path) : path_(std::move(path)), file_(nullptr, std::fclose) {
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) throw Error(path_ + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) throw Error(path_ + ": cannot open: not a regular file");
  file_size_ = static_cast<std::uint64_t>(info.st_size);
  file_.reset(std::fopen(path_.c_str(), "rb"));
  if (!file_) throw Error(path_ + ": cannot open: " + std::strerror(errno));
  // Small files (configs' split folders, test fixtures) need no 4 MiB buffer; longer lines grow it.
  buffer_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, std::max<std::uint64_t>(file_size_ + 1, 4096))));
}

// Moves the unread tail to the front and appends the next chunk; false when nothing more was read.
bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a line longer than the buffer
  const std::size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_.get());
  if (got == 0) {
    if (std::ferror(file_.get())) throw Error(path_ + ": read error: " + std::strerror(errno));
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool LineReader::next(std::string_view& line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* newline = std::memchr(start, '\n', end_ - begin_);
    if (newline) {
      std::size_t length = static_cast<const char*>(newline) - start;
      line = std::string_view(start, length > 0 && start[length - 1] == '\r' ? length - 1 : length);
      begin_ += length + 1;
      ++line_number_;
      if (line_number_ == 1) {
        // A UTF-8 byte-order mark is not part of the first field (pandas drops it too).
        if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.remove_prefix(3);
        // Line density of the first chunk, extrapolated to the whole file.
        std::size_t lines_in_chunk = 0;
        for (std::size_t i = 0; i < end_; ++i) lines_in_chunk += buffer_[i] == '\n';
        estimated_lines_ = static_cast<std::size_t>(static_cast<double>(file_size_) * lines_in_chunk /
                                                    static_cast<double>(std::max<std::size_t>(end_, 1))) + 1;
      }
      return true;
    }
    if (!fill()) {
      if (begin_ == end_) return false;
      std::size_t length = end_ - begin_;
      start = buffer_.data() + begin_;
      line = std::string_view(start, length > 0 && start[length - 1] == '\r' ? length - 1 : length);
      begin_ = end_;
      ++line_number_;
      if (line_number_ == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.remove_prefix(3);
      if (estimated_lines_ == 0) estimated_lines_ = 1;
      return true;
    }
  }
}

void split_fields(std::string_view line, std::string_view delimiter, std::vector<std::string_view>& fields) {
  fields.clear();
  if (delimiter.size() == 1) {
    const char d = delimiter[0];
    std::size_t start = 0;
    for (;;) {
      const void* hit = std::memchr(line.data() + start, d, line.size() - start);
      if (!hit) break;
      const std::size_t at = static_cast<const char*>(hit) - line.data();
      fields.push_back(line.substr(start, at - start));
      start = at + 1;
    }
    fields.push_back(line.substr(start));
    return;
  }
  std::size_t start = 0;
  for (std::size_t at; (at = line.find(delimiter, start)) != std::string_view::npos; start = at + delimiter.size())
    fields.push_back(line.substr(start, at - start));
  fields.push_back(line.substr(start));
}

bool parse_int64(std::string_view text, std::int64_t& value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_finite_double(std::string_view text, double& value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

std::string quote_text(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c == '"') out += "\\\"";
    else if (c < 0x20 || c == 0x7f) {
      static const char* digits = "0123456789abcdef";
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
    } else out += static_cast<char>(c);
  }
  if (text.size() > kMax) out += "...";
  return out + "\"";
}

std::string delimiter_description(std::string_view delimiter) {
  if (delimiter == ",") return "comma-separated";
  if (delimiter == "\t") return "tab-separated";
  if (delimiter == " ") return "space-separated";
  if (delimiter == ";") return "semicolon-separated";
  return "'" + std::string(delimiter) + "'-separated";
}

}  // namespace aelab
