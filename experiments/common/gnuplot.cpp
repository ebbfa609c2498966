#include "experiments/common/gnuplot.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "core/util/file_writer.hpp"

namespace aelab {

namespace fs = std::filesystem;

std::string find_gnuplot() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string d; std::getline(dirs, d, ':');) {
    if (d.empty()) continue;
    const fs::path candidate = fs::path(d) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

std::string gnuplot_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string gnuplot_output_defaults(const std::string& stem) {
  return "if (!exists(\"svg_out\")) svg_out = " + gnuplot_quote(stem + ".svg") + "\n" +
         "if (!exists(\"png_out\")) png_out = " + gnuplot_quote(stem + ".png") + "\n";
}

std::string render_gnuplot_script(const std::string& gnuplot, const std::string& dir, const std::string& script) {
  const std::string stem = fs::path(script).stem().string();
  const std::string suffix = ".tmp-" + temporary_suffix();
  const std::string svg_tmp = "." + stem + ".svg" + suffix, png_tmp = "." + stem + ".png" + suffix;
  const std::string assignments = "svg_out=" + gnuplot_quote(svg_tmp) + "; png_out=" + gnuplot_quote(png_tmp);
  std::fflush(nullptr);  // the child must not inherit (and flush again) buffered output
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return "cannot fork to run gnuplot";
  if (pid == 0) {
    // A gnuplot outliving a killed run would keep writing into the results folder the rerun cleans.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(125);  // the parent died before prctl took effect
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    const int log = ::open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::execl(gnuplot.c_str(), "gnuplot", "-e", assignments.c_str(), script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return "waitpid failed while running gnuplot";
  const fs::path folder(dir);
  std::error_code ec;
  const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::exists(folder / svg_tmp) &&
                  fs::exists(folder / png_tmp);
  if (ok) {
    fs::rename(folder / svg_tmp, folder / (stem + ".svg"), ec);
    if (!ec) fs::rename(folder / png_tmp, folder / (stem + ".png"), ec);
  }
  fs::remove(folder / svg_tmp, ec);
  fs::remove(folder / png_tmp, ec);
  if (ok && fs::exists(folder / (stem + ".svg")) && fs::exists(folder / (stem + ".png"))) return "";
  return "gnuplot failed on " + (folder / script).string() + " (see " + (folder / "gnuplot.log").string() + ")";
}

}  // namespace aelab
