#include "core/util/file_writer.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <vector>
#include <random>

#include "core/util/error.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

std::function<void(const std::string&, const std::string&)>& commit_hook() {
  static std::function<void(const std::string&, const std::string&)> hook;
  return hook;
}

}  // namespace

void set_commit_hook_for_tests(std::function<void(const std::string&, const std::string&)> hook) {
  commit_hook() = std::move(hook);
}

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
    if (commit_hook()) commit_hook()(temporary_, path_);
    std::error_code ec;
    fs::rename(temporary_, path_, ec);
    if (ec) throw Error(path_ + ": cannot move the new file into place: " + ec.message());
    // The rename is durable only once the folder entry is on disk. Some file systems refuse to open a
    // folder for fsync; the rename itself has happened either way.
    const fs::path dir = fs::path(path_).parent_path();
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty()) fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create folder " + dir.string() + ": " + ec.message());
  FileWriter out(path, true);
  out.write(bytes);
  out.commit();
}

bool is_temporary_file_name(const std::string& file_name) {
  return !file_name.empty() && file_name[0] == '.' && file_name.find(".tmp-") != std::string::npos;
}

namespace {

bool is_replaced_folder_name(const std::string& name) {
  return !name.empty() && name[0] == '.' && name.find(".old-") != std::string::npos;
}

// The pid in a temporary_suffix() after ".tmp-" or ".old-"; 0 when the name has none.
pid_t writer_pid(const std::string& name) {
  for (const char* marker : {".tmp-", ".old-"}) {
    const std::size_t at = name.rfind(marker);
    if (at == std::string::npos) continue;
    const char* first = name.data() + at + 5;
    long pid = 0;
    const auto [end, error] = std::from_chars(first, name.data() + name.size(), pid);
    if (error == std::errc() && end != first && *end == '-' && pid > 0) return static_cast<pid_t>(pid);
  }
  return 0;
}

bool process_running(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

std::size_t remove_orphaned_temp_files(const std::string& dir, const std::string& stem) {
  std::error_code ec;
  std::vector<fs::path> orphaned;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("." + stem, 0) != 0 || !(is_temporary_file_name(name) || is_replaced_folder_name(name))) continue;
    const pid_t pid = writer_pid(name);
    if (pid != 0 && pid != ::getpid() && !process_running(pid)) orphaned.push_back(it->path());
  }
  std::size_t removed = 0;
  for (const auto& path : orphaned) {
    std::error_code remove_error;
    if (fs::remove_all(path, remove_error) > 0 && !remove_error) ++removed;
  }
  return removed;
}

std::size_t remove_stale_temp_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  // Collected first: removing a folder under a live recursive_directory_iterator invalidates it.
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool folder = it->is_directory(ec) && !it->is_symlink(ec);
    if ((it->is_regular_file(ec) || folder) && is_temporary_file_name(name)) stale.push_back(it->path());
    else if (folder && is_replaced_folder_name(name)) stale.push_back(it->path());
    if (folder && !stale.empty() && stale.back() == it->path()) it.disable_recursion_pending();
  }
  std::size_t removed = 0;
  for (const auto& path : stale) {
    std::error_code remove_error;
    if (fs::remove_all(path, remove_error) > 0 && !remove_error) ++removed;
  }
  return removed;
}

}  // namespace aelab
