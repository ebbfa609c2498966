#pragma once
// Progress of a sweep: on a terminal, a bar with counts, elapsed time and ETA redrawn in place, with
// log lines printed above it; elsewhere (a pipe, a file, CI), plain log lines only; nothing when quiet.
// Every line also goes to an optional log file (the run's run.log), whether quiet or not. On a
// terminal a background thread redraws the bar every second, so a fit of many minutes shows time passing.
#include <condition_variable>
#include <cstddef>
#include <fstream>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

#include "core/util/timer.hpp"

namespace aelab {

class Progress {
 public:
  Progress(std::ostream& out, bool terminal, bool quiet);
  ~Progress();
  void set_log_file(const std::string& path);  // appends
  void start(std::size_t total);               // total units of work (fits to do)
  void log(const std::string& line);           // a line of text
  // What is running now: `what` for log lines, `short_what` (default: what) for the bar.
  void current(const std::string& what, const std::string& short_what = "");
  // A solver's own progress line (an epoch, a stage): always in the log file; on a terminal shown in
  // the bar until the next one; elsewhere not printed (hundreds of fits would bury the results).
  void detail(const std::string& line);
  void advance(const std::string& result);     // one unit done, with a one-line result
  void finish();
  static std::string format_duration(double seconds);  // "42s", "3m05s", "2h07m"

 private:
  void draw();  // callers hold mutex_
  void clear_bar();
  void stop_ticker();
  std::ostream& out_;
  bool terminal_, quiet_;
  std::ofstream file_;
  std::size_t total_ = 0, done_ = 0;
  std::string current_, detail_;  // current_: the bar's text
  bool bar_visible_ = false;
  Timer timer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace aelab
