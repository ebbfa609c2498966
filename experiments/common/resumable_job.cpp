#include "experiments/common/resumable_job.hpp"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "core/linalg/blas.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/timestamp.hpp"

namespace aelab {

std::string failure_message(const std::function<void()>& call) {
  try {
    call();
    return "";
  } catch (const Error& e) {
    return e.what();
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::exception& e) {
    return std::string("internal error: ") + e.what();
  }
}

ResumableJob::ResumableJob(const std::string& output_dir, const JobOptions& options)
    : dir_(output_dir), options_(options), lock_(output_dir) {
  std::ostream& log_stream = options_.log ? *options_.log : std::cerr;
  const bool terminal = options_.progress_bar ? *options_.progress_bar : (!options_.log && ::isatty(STDERR_FILENO));
  progress_ = std::make_unique<Progress>(log_stream, terminal, options_.quiet);
  progress_->set_log_file((std::filesystem::path(dir_) / "run.log").string());
  if (const std::size_t removed = remove_stale_temp_files(dir_))
    progress_->log("removed " + std::to_string(removed) + " partial file(s) left by an interrupted run");
  set_blas_threads(options_.threads);
}

bool ResumableJob::may_fit() const { return !budget_spent() && !stopped_by_failure(); }

void ResumableJob::fail(nlohmann::json what, const std::string& error) {
  failures_.push_back({std::move(what), error, utc_timestamp()});
}

nlohmann::json ResumableJob::failures_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const JobFailure& f : failures_) {
    nlohmann::json entry = f.what;
    entry["error"] = f.error;
    entry["at"] = f.at;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace aelab
