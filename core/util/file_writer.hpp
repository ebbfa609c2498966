#pragma once
// A buffered output file that never leaves a half-written result behind. With `atomic`, bytes go to
// a temporary file next to `path` (".<name>.tmp-<pid>-<n>") and commit() syncs it and renames it into
// place; a writer destroyed without commit() (an exception, an error) removes its temporary file, so
// `path` holds either its previous content or the complete new one, whatever kills the process
// (kill -9, power loss: the file and then its folder are fsynced). Without `atomic` the file is
// written in place (for files inside a temporary folder that is itself renamed into place).
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace aelab {

class FileWriter {
 public:
  FileWriter(std::string path, bool atomic);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  void write(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= kBuffer) flush();
  }
  void put(char c) {
    buffer_.push_back(c);
    if (buffer_.size() >= kBuffer) flush();
  }
  void write_integer(std::int64_t value);
  // Flushes, fsyncs and closes; renames the temporary file into place when atomic. Throws aelab::Error.
  void commit();
  const std::string& path() const { return path_; }

 private:
  static constexpr std::size_t kBuffer = std::size_t{1} << 20;
  void flush();
  std::string path_, temporary_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::string buffer_;
  bool committed_ = false;
};

// Tests that kill a writer between its complete temporary file and the rename (tests/
// test_input_hardening.cpp) install a hook called at that moment with (temporary, target); empty by
// default. Not thread-safe to change while writers run.
void set_commit_hook_for_tests(std::function<void(const std::string&, const std::string&)> hook);

// A unique suffix for temporary names: "<pid>-<counter>-<random>".
std::string temporary_suffix();

// The whole of `bytes` as the new content of `path`, atomically (a FileWriter with `atomic`), creating
// the parent folders if needed. Throws aelab::Error naming the path on any failure.
void write_file_atomically(const std::string& path, std::string_view bytes);

// True for the names atomic writers use for their temporary files (".<name>.tmp-..."), which readers
// of a results folder skip.
bool is_temporary_file_name(const std::string& file_name);

// Deletes temporary files left in `dir` and its subfolders by killed writers, and the folders of
// write_vae_cf (".<name>.tmp-..." being written, ".<name>.old-..." moved aside) with their content;
// returns how many files and folders. Only call it while no live writer can be using the folder
// (e.g. holding its RunLock).
std::size_t remove_stale_temp_files(const std::string& dir);

// For folders no lock protects (`aelab plot`, `aelab split --out`): deletes the temporaries and moved-
// aside folders directly in `dir` whose names start with "." + `stem` and whose writer, the process
// named by the pid in the suffix, has exited; a live writer's files are left alone. Returns how many.
std::size_t remove_orphaned_temp_files(const std::string& dir, const std::string& stem = "");

}  // namespace aelab
