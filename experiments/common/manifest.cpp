#include "experiments/common/manifest.hpp"

#include <unistd.h>

#include <armadillo>
#include <cstdio>
#include <fstream>
#include <thread>

#include "core/linalg/blas.hpp"

#ifndef AELAB_VERSION
#define AELAB_VERSION "unknown"
#endif
#ifndef AELAB_SOURCE_DIR
#define AELAB_SOURCE_DIR ""
#endif

namespace aelab {

namespace {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Output of a git command in the source tree, trimmed; "" when git or the repository is unavailable.
std::string git_output(const std::string& arguments) {
  const std::string source = AELAB_SOURCE_DIR;
  if (source.empty()) return "";
  const std::string command = "git -C " + shell_quote(source) + " " + arguments + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "";
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  if (::pclose(pipe) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string compiler_description() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return "unknown";
#endif
}

std::string cpu_model() {
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

}  // namespace

nlohmann::json software_environment() {
  const std::string revision = git_output("rev-parse HEAD");
  nlohmann::json env;
  env["aelab_version"] = AELAB_VERSION;
  env["git_revision"] = revision.empty() ? "unknown" : revision;
  if (!revision.empty()) env["git_dirty"] = !git_output("status --porcelain --untracked-files=no").empty();
  env["compiler"] = compiler_description();
  env["armadillo"] = arma::arma_version::as_string();
  env["blas"] = blas_config();
  env["blas_threads"] = blas_threads();
  char host[256] = {};
  env["hostname"] = ::gethostname(host, sizeof host - 1) == 0 ? std::string(host) : std::string("unknown");
  env["cpu"] = cpu_model();
  env["hardware_threads"] = std::thread::hardware_concurrency();
  return env;
}

}  // namespace aelab
