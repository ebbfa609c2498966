#pragma once
// Files that are either absent, or old, or complete — never half-written — whatever kills the
// process (kill -9, power loss): write a temporary file in the same folder, fsync it, rename it over
// the target, fsync the folder. Temporary names start with "." and contain ".tmp-", so readers skip
// them and remove_stale_temp_files can clean up after a killed run.
#include <cstddef>
#include <string>

namespace aelab {

// Creates the parent folders if needed. Throws aelab::Error naming the path on any failure (and
// removes its temporary file).
void write_file_atomically(const std::string& path, const std::string& bytes);

// True for names write_file_atomically uses for its temporary files.
bool is_temporary_file_name(const std::string& file_name);

// Deletes temporary files left in `dir` and its subfolders by killed writers; returns how many.
// Only call it while holding the folder's RunLock (no live writer).
std::size_t remove_stale_temp_files(const std::string& dir);

// An exclusive advisory lock (flock) on "<dir>/.lock", held for the lifetime of the object and
// released by the kernel if the process dies. Throws aelab::Error when another process holds it.
class RunLock {
 public:
  explicit RunLock(const std::string& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace aelab
