#pragma once
// What every libFuzzer harness of tests/fuzz shares. The readers take file paths, so the input is
// written to a file of this process first. An aelab::Error is the expected answer to bad input; any
// other exception (an nlohmann or standard-library exception would reach the user as "internal: ...")
// is a finding, as are the crashes and undefined behaviour the sanitizers catch.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/util/error.hpp"

namespace aelab::fuzz {

// A folder of this process under $TMPDIR (libFuzzer's -fork/-jobs run several processes).
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string path = std::string(tmp ? tmp : "/tmp") + "/aelab-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

inline std::string write_input(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// The input cut at each occurrence of `separator` (the files of a folder from one fuzz input).
inline std::vector<std::string> split_input(const std::uint8_t* data, std::size_t size, const std::string& separator,
                                            std::size_t parts) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (out.size() + 1 < parts) {
    const std::size_t at = text.find(separator, start);
    if (at == std::string::npos) break;
    out.push_back(text.substr(start, at - start));
    start = at + separator.size();
  }
  out.push_back(text.substr(start));
  out.resize(parts);
  return out;
}

template <typename F>
void expect_only_aelab_errors(F&& read) {
  try {
    read();
  } catch (const aelab::Error&) {
  } catch (const std::exception& e) {
#ifdef AELAB_FUZZING
    std::fprintf(stderr, "non-aelab exception: %s\n", e.what());
    std::abort();  // libFuzzer saves the input as a crash
#else
    throw;  // tests/test_fuzz_regressions.cpp reports it
#endif
  }
}

}  // namespace aelab::fuzz
