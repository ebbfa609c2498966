#include "core/util/memory.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "core/util/error.hpp"

namespace aelab {

namespace {

// Reads "<key>: <value> kB" from a /proc status-like file; 0 if absent.
std::size_t read_kib_field(const char* path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, key.size(), key) == 0 && line.size() > key.size() && line[key.size()] == ':') {
      std::istringstream fields(line.substr(key.size() + 1));
      std::size_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

// First token of a one-line file as a byte count; 0 if absent or "max".
std::size_t read_byte_count(const char* path) {
  std::ifstream in(path);
  std::string token;
  if (!(in >> token) || token == "max") return 0;
  try {
    return static_cast<std::size_t>(std::stoull(token));
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::size_t available_memory_bytes() {
  std::size_t available = read_kib_field("/proc/meminfo", "MemAvailable");
  std::size_t limit = read_byte_count("/sys/fs/cgroup/memory.max");
  std::size_t usage = read_byte_count("/sys/fs/cgroup/memory.current");
  if (limit == 0) {
    limit = read_byte_count("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    usage = read_byte_count("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  }
  // cgroup v1 reports "no limit" as a huge number.
  if (limit > 0 && limit < (std::size_t(1) << 60)) {
    const std::size_t cgroup_free = limit > usage ? limit - usage : 0;
    if (available == 0 || cgroup_free < available) available = cgroup_free;
  }
  return available;
}

std::size_t peak_rss_bytes() { return read_kib_field("/proc/self/status", "VmHWM"); }
std::size_t current_rss_bytes() { return read_kib_field("/proc/self/status", "VmRSS"); }

bool reset_peak_rss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

std::string format_bytes(std::size_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.2f %s", value, units[unit]);
  return text;
}

void ensure_memory(std::size_t bytes, const std::string& what, bool force) {
  if (force) return;
  const std::size_t available = available_memory_bytes();
  if (available > 0 && bytes > available)
    throw Error("not enough memory for " + what + ": needs about " + format_bytes(bytes) + ", " +
                format_bytes(available) + " available (use float32, a smaller problem, or force to try anyway)");
}

}  // namespace aelab
