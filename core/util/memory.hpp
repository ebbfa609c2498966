#pragma once
// Memory accounting: what the machine can still give, what the process has used at its peak, and the
// guard every solver calls before a large allocation (refuse with a clear message rather than be
// killed by the kernel half-way through a sweep).
#include <cstddef>
#include <string>

namespace aelab {

// Bytes a new allocation can use: MemAvailable from /proc/meminfo, capped by a cgroup v2/v1 limit
// minus the cgroup's current usage when one is set.
std::size_t available_memory_bytes();
// Peak resident set size of this process (VmHWM), and the current one (VmRSS).
std::size_t peak_rss_bytes();
std::size_t current_rss_bytes();
// Resets VmHWM to the current RSS (Linux clear_refs "5"); returns false where that is not allowed,
// in which case peak_rss_bytes keeps reporting the process-wide peak.
bool reset_peak_rss();

// Throws aelab::Error("not enough memory for <what>: needs about X GiB, Y GiB available ...") when
// `bytes` exceeds what is available, unless `force`.
void ensure_memory(std::size_t bytes, const std::string& what, bool force);

// "1.50 GiB", "320.0 MiB", "12.0 KiB"
std::string format_bytes(std::size_t bytes);

}  // namespace aelab
