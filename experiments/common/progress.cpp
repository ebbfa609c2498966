#include "experiments/common/progress.hpp"

#include "core/util/timestamp.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ostream>

#include "experiments/sweep/point_store.hpp"

namespace aelab {

Progress::Progress(std::ostream& out, bool terminal, bool quiet) : out_(out), terminal_(terminal), quiet_(quiet) {}

Progress::~Progress() { finish(); }

void Progress::stop_ticker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  stopping_ = false;
}

void Progress::set_log_file(const std::string& path) { file_.open(path, std::ios::app); }

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  char text[32];
  if (seconds < 10) {
    std::snprintf(text, sizeof text, "%.2fs", seconds);
    return text;
  }
  const long s = std::lround(seconds);
  if (s < 60) std::snprintf(text, sizeof text, "%lds", s);
  else if (s < 3600) std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
  else std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  return text;
}

void Progress::start(std::size_t total) {
  stop_ticker();
  std::lock_guard<std::mutex> lock(mutex_);
  total_ = total;
  done_ = 0;
  timer_.restart();
  draw();
  if (terminal_ && !quiet_ && total_ > 0)
    ticker_ = std::thread([this] {
      std::unique_lock<std::mutex> guard(mutex_);
      while (!stopping_) {
        wake_.wait_for(guard, std::chrono::seconds(1));
        if (!stopping_) draw();
      }
    });
}

void Progress::clear_bar() {
  if (bar_visible_) {
    out_ << "\r\033[K";
    bar_visible_ = false;
  }
}

void Progress::log(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_) file_ << utc_timestamp() << " " << line << "\n" << std::flush;
  if (quiet_) return;
  clear_bar();
  out_ << line << "\n";
  draw();
  out_.flush();
}

void Progress::detail(const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_) file_ << utc_timestamp() << " " << line << "\n" << std::flush;
  detail_ = line;
  draw();
}

void Progress::current(const std::string& what, const std::string& short_what) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = short_what.empty() ? what : short_what;
  detail_.clear();
  if (!terminal_ && !quiet_ && !what.empty()) {
    // Without a terminal, say what starts: a long fit is otherwise silent for minutes.
    out_ << "[" << done_ << "/" << total_ << "] fitting " << what << "\n" << std::flush;
  }
  if (file_ && !what.empty()) file_ << utc_timestamp() << " fitting " << what << "\n" << std::flush;
  draw();
}

void Progress::advance(const std::string& result) {
  double elapsed = 0, eta = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    elapsed = timer_.seconds();
    eta = elapsed / double(done_) * double(total_ - std::min(done_, total_));
  }
  log("[" + std::to_string(done_) + "/" + std::to_string(total_) + "] " + result + "  (elapsed " +
      format_duration(elapsed) + (done_ < total_ ? ", ETA " + format_duration(eta) : "") + ")");
}

void Progress::draw() {
  if (!terminal_ || quiet_ || total_ == 0) return;
  const int bar_width = 30;
  const int filled = static_cast<int>(double(bar_width) * double(done_) / double(total_));
  std::string bar = "[";
  for (int i = 0; i < bar_width; ++i) bar += i < filled ? '=' : (i == filled ? '>' : ' ');
  bar += "]";
  const double elapsed = timer_.seconds();
  // Until the first point is done there is no rate to extrapolate from.
  std::string eta = done_ > 0 ? format_duration(elapsed / double(done_) * double(total_ - std::min(done_, total_))) : "?";
  std::string line = bar + " " + std::to_string(done_) + "/" + std::to_string(total_) + "  " + format_duration(elapsed) +
                     "  ETA " + eta + "  " + current_ + (detail_.empty() ? "" : " | " + detail_);
  // One terminal line exactly: a wrapped bar could not be erased by "\r\033[K".
  winsize size{};
  const std::size_t width = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 10 ? size.ws_col : 100;
  if (line.size() >= width) line = line.substr(0, width - 4) + "...";
  out_ << "\r\033[K" << line << std::flush;
  bar_visible_ = true;
}

void Progress::finish() {
  stop_ticker();
  std::lock_guard<std::mutex> lock(mutex_);
  if (terminal_ && !quiet_) {
    clear_bar();
    out_.flush();
  }
  total_ = 0;
}

}  // namespace aelab
