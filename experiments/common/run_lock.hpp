#pragma once
// One writer per results folder: two `aelab run`s on the same output dir would interleave points and
// summaries. Atomic writes of single files are core/util/file_writer.hpp.
#include <string>

namespace aelab {

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
