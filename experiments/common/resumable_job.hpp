#pragma once
// The skeleton every resumable run shares (the sweep, the approximation gap, the Proposition):
//  - one writer per output folder (RunLock), held for the job's lifetime;
//  - partial files that an interrupted run left anywhere in the folder removed at the start;
//  - progress on the terminal and in <output>/run.log;
//  - the BLAS threads of the run;
//  - a budget of new fits (`--max-fits`): fits ask may_fit() before starting and report fitted() after;
//    nothing is thrown to stop a run, the callers check the budget;
//  - failures as one line each (aelab::Error's message, "out of memory", "internal error: ..."),
//    recorded with what failed, and the stop-on-error policy.
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/common/progress.hpp"
#include "experiments/common/run_lock.hpp"

namespace aelab {

struct JobOptions {
  bool quiet = false;                // no progress output (run.log still gets every line)
  std::optional<bool> progress_bar;  // default: when the log stream is a terminal (stderr)
  std::ostream* log = nullptr;       // progress and log lines (default std::cerr)
  int threads = 0;                   // BLAS threads (0: all cores)
  std::size_t max_new_fits = 0;      // stop starting fits after this many (0: no limit)
  bool stop_on_error = false;        // stop starting fits after the first failure
};

// What failed (its identifying fields, as written to a failures file) and why.
struct JobFailure {
  nlohmann::json what;
  std::string error;
  std::string at;  // UTC, ISO 8601
};

// "" when `call` returns, else one line saying why it threw.
std::string failure_message(const std::function<void()>& call);

class ResumableJob {
 public:
  ResumableJob(const std::string& output_dir, const JobOptions& options);
  ResumableJob(const ResumableJob&) = delete;
  ResumableJob& operator=(const ResumableJob&) = delete;

  const std::string& dir() const { return dir_; }
  Progress& progress() { return *progress_; }
  const JobOptions& options() const { return options_; }

  // True while new fits may start: the budget is not spent and no failure stopped the job.
  bool may_fit() const;
  void fitted() { ++fits_; }
  std::size_t fits() const { return fits_; }
  bool budget_spent() const { return options_.max_new_fits > 0 && fits_ >= options_.max_new_fits; }

  void fail(nlohmann::json what, const std::string& error);
  const std::vector<JobFailure>& failures() const { return failures_; }
  bool stopped_by_failure() const { return options_.stop_on_error && !failures_.empty(); }
  // The failures as a JSON array (failures.json, the gap's "failures").
  nlohmann::json failures_json() const;

 private:
  std::string dir_;
  JobOptions options_;
  RunLock lock_;
  std::unique_ptr<Progress> progress_;
  std::size_t fits_ = 0;
  std::vector<JobFailure> failures_;
};

}  // namespace aelab
