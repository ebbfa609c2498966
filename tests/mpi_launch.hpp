#pragma once
// Starting `mpirun --oversubscribe -np P aelab ARGS` from an ordinary test binary (the distributed CLI
// tests): to completion with its output captured, or in the background (to kill one of its ranks).
// AELAB_MPIEXEC is defined by tests/CMakeLists.txt.
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/test_support.hpp"

namespace aelab::test {

// Forks mpirun with stdout and stderr redirected to the given files; returns its pid.
inline pid_t spawn_mpi(int processes, const std::vector<std::string>& args, const std::string& out_path,
                       const std::string& err_path) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    std::vector<std::string> storage{AELAB_MPIEXEC, "--oversubscribe", "-np", std::to_string(processes), AELAB_BINARY_PATH};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    if (!std::freopen(out_path.c_str(), "w", stdout) || !std::freopen(err_path.c_str(), "w", stderr)) ::_exit(127);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// mpirun -np P aelab ARGS, its output captured as run_aelab does.
inline CliResult run_mpi(int processes, const std::vector<std::string>& args) {
  TempDir capture;
  const std::string out_path = capture.file("stdout"), err_path = capture.file("stderr");
  CliResult result;
  result.exit_code = wait_exit_code(spawn_mpi(processes, args, out_path, err_path));
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  return result;
}

// The pid of the process of MPI rank `rank` among the children of `launcher` (Open MPI's mpirun
// starts the processes of its own host itself and gives each OMPI_COMM_WORLD_RANK); -1 when none.
inline pid_t mpi_rank_pid(pid_t launcher, int rank) {
  const std::string wanted = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state;
    pid_t parent = -1;
    if (!(stat >> pid >> comm >> state >> parent) || parent != launcher) continue;
    std::ifstream environ(entry.path() / "environ", std::ios::binary);
    std::string variable;
    while (std::getline(environ, variable, '\0'))
      if (variable == wanted) return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

// The lines of `err` that start with "aelab: error:".
inline std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < err.size()) {
    const std::size_t end = err.find('\n', start);
    const std::string line = err.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.rfind("aelab: error:", 0) == 0) lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace aelab::test
