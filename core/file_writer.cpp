#include "core/file_writer.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/error.hpp"

namespace aelab {

namespace fs = std::filesystem;

std::string temporary_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device device;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(device() % 1000000);
}

FileWriter::FileWriter(std::string path, bool atomic) : path_(std::move(path)), file_(nullptr, std::fclose) {
  if (atomic) {
    const fs::path target(path_);
    temporary_ = (target.parent_path() / ("." + target.filename().string() + ".tmp-" + temporary_suffix())).string();
  }
  const std::string& open_path = atomic ? temporary_ : path_;
  file_.reset(std::fopen(open_path.c_str(), "wb"));
  if (!file_) throw Error(path_ + ": cannot create: " + std::strerror(errno));
  buffer_.reserve(kBuffer + 64);
}

FileWriter::~FileWriter() {
  if (committed_) return;
  file_.reset();
  std::error_code ec;
  fs::remove(temporary_.empty() ? path_ : temporary_, ec);
}

void FileWriter::write_integer(std::int64_t value) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  write(std::string_view(text, static_cast<std::size_t>(end - text)));
}

void FileWriter::flush() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size())
    throw Error(path_ + ": write failed: " + std::strerror(errno));
  buffer_.clear();
}

void FileWriter::commit() {
  flush();
  if (std::fflush(file_.get()) != 0 || ::fsync(::fileno(file_.get())) != 0)
    throw Error(path_ + ": write failed: " + std::strerror(errno));
  if (std::fclose(file_.release()) != 0) throw Error(path_ + ": write failed: " + std::strerror(errno));
  if (!temporary_.empty()) {
    std::error_code ec;
    fs::rename(temporary_, path_, ec);
    if (ec) throw Error(path_ + ": cannot move the new file into place: " + ec.message());
  }
  committed_ = true;
}

}  // namespace aelab
