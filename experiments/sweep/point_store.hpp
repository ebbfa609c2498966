#pragma once
// One result file per grid point (ann-benchmarks style): points/<solver-id>/<params>.json holds the
// parameters, validation and test metrics (mean, standard error, users), the Eq. 7 objective, the
// model's diagnostics, timings and peak memory; points/<solver-id>/<params>.users.bin holds the
// per-user test metric vectors used by the paired tests. Both are written atomically, the sidecar
// first, so a point JSON on disk always describes a complete point.
//
// A point is reused by a later run only when its key matches: the key is the SHA-256 of everything
// that determines its numbers (the split's content digest, solver name, all parameters with their
// defaults, dtype, how ranks were fitted, the metric list, and kPointFormat). Paths, names, thread
// counts, output and plot options do not enter it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/eval/metrics.hpp"
#include "core/linalg/dtype.hpp"
#include "core/solver/fit_report.hpp"
#include "core/solver/params.hpp"

namespace aelab {

constexpr const char* kPointFormat = "aelab-point-2";

// Evaluation of one held-out part.
struct PartResult {
  std::map<std::string, MetricSummary> metrics;  // name -> mean, se, n_users
  std::size_t n_users = 0;                       // users evaluated
  std::size_t n_excluded = 0;                    // users without held-out items
  std::size_t n_nonfinite_scores = 0;            // NaN/inf scores seen (a diverged model)
  double seconds = 0;
  nlohmann::json to_json() const;
  static PartResult from_json(const nlohmann::json& j);
};

// When and how long a point took. A shared rank sweep reports for each rank the time since the
// previous rank's model (the first rank carries the decomposition every rank shares).
struct PointTimings {
  double fit_seconds = 0;
  double cumulative_fit_seconds = 0;  // since the start of its solver call
  std::size_t sweep_position = 1;     // 1-based position in its solver call
  std::size_t sweep_size = 1;
  double validation_seconds = 0, test_seconds = 0;
  nlohmann::json to_json() const;
  static PointTimings from_json(const nlohmann::json& j);
};

struct PointRecord {
  std::string solver_id;
  std::string solver;
  ParamSet params;
  Dtype dtype = Dtype::float64;
  std::string fit_mode;  // "single", "shared_sweep" or "independent"
  std::string key;
  PartResult validation;
  PartResult test;
  std::optional<double> objective;  // the solver's training objective (Eq. 7 for the linear models)
  // The fit's report as written to the point file (only for points fitted by this run; a stored
  // point's report stays in its file).
  std::optional<FitReport> report;
  PointTimings timings;
  std::size_t peak_rss_bytes = 0;
  std::string finished_at;     // UTC, ISO 8601
  std::string users_sha256;    // of the sidecar file

  // Per-user test metrics (the sidecar), in held-out row order; empty until loaded.
  std::vector<std::uint64_t> test_uids;
  std::map<std::string, std::vector<double>> test_per_user;

  nlohmann::json to_json() const;
  // The record stored for `params` (the caller checked j["params"] against them); throws
  // aelab::Error when malformed.
  static PointRecord from_json(const nlohmann::json& j, ParamSet params);
};

// The key described above.
std::string point_key(const std::string& split_digest, const std::string& solver, const ParamSet& params, Dtype dtype,
                      const std::string& fit_mode, const std::vector<std::string>& metric_names);

// A file name from the sorted parameters ("lambda=500,p=0.33,rank=100"): characters outside
// [A-Za-z0-9._=,+-] become '-', and when that loses information (or the name is longer than 180
// characters) the first 12 hex digits of the parameters' SHA-256 are appended, so distinct points never
// share a file. Empty parameters give "default".
std::string point_file_stem(const ParamSet& params);

class PointStore {
 public:
  explicit PointStore(std::string results_dir) : dir_(std::move(results_dir)) {}
  std::string json_path(const std::string& solver_id, const ParamSet& params) const;
  std::string users_path(const std::string& solver_id, const ParamSet& params) const;

  // The stored point when it exists, parses, matches `key` and the parameters, and its sidecar
  // exists with the recorded digest; otherwise nullopt and `why` says why ("" when simply absent).
  // The per-user vectors are checked but kept only when `with_per_user`.
  std::optional<PointRecord> load(const std::string& solver_id, const ParamSet& params, const std::string& key,
                                  std::string& why, bool with_per_user = true) const;
  // Reads the per-user vectors of a stored record (test_uids, test_per_user); throws aelab::Error
  // when the sidecar is missing or does not match the recorded digest.
  void load_per_user(PointRecord& record) const;
  // Writes the sidecar, then the point JSON (both atomically); fills record.users_sha256.
  void save(PointRecord& record) const;

 private:
  std::string dir_;
};

// The sidecar format ("AELABPU1"): magic, u64 users, u64 metrics, per metric (u64 length, name bytes),
// u64 uids[users], then f64 values[metrics][users]; little-endian.
std::string encode_per_user(const std::vector<std::uint64_t>& uids, const std::map<std::string, std::vector<double>>& values);
void decode_per_user(const std::string& bytes, const std::string& source, std::vector<std::uint64_t>& uids,
                     std::map<std::string, std::vector<double>>& values);


}  // namespace aelab
