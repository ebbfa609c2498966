#include "experiments/sweep/point_store.hpp"

#include "core/util/json_text.hpp"

#include <cstring>
#include <ctime>
#include <filesystem>

#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/sha256.hpp"

namespace aelab {

namespace fs = std::filesystem;

nlohmann::json PartResult::to_json() const {
  nlohmann::json m = nlohmann::json::object();
  for (const auto& [name, s] : metrics) m[name] = {{"mean", s.mean}, {"se", s.se}, {"n_users", s.n_users}};
  return {{"metrics", m},
          {"n_users", n_users},
          {"n_excluded", n_excluded},
          {"n_nonfinite_scores", n_nonfinite_scores},
          {"seconds", seconds}};
}

PartResult PartResult::from_json(const nlohmann::json& j) {
  PartResult r;
  for (const auto& [name, s] : j.at("metrics").items())
    r.metrics[name] = MetricSummary{s.at("mean").get<double>(), s.at("se").get<double>(), s.at("n_users").get<std::size_t>()};
  r.n_users = j.at("n_users").get<std::size_t>();
  r.n_excluded = j.at("n_excluded").get<std::size_t>();
  r.n_nonfinite_scores = j.at("n_nonfinite_scores").get<std::size_t>();
  r.seconds = j.at("seconds").get<double>();
  return r;
}

nlohmann::json PointTimings::to_json() const {
  return {{"fit_seconds", fit_seconds},       {"cumulative_fit_seconds", cumulative_fit_seconds},
          {"sweep_position", sweep_position}, {"sweep_size", sweep_size},
          {"validation_seconds", validation_seconds}, {"test_seconds", test_seconds}};
}

PointTimings PointTimings::from_json(const nlohmann::json& j) {
  PointTimings t;
  t.fit_seconds = j.at("fit_seconds").get<double>();
  t.cumulative_fit_seconds = j.at("cumulative_fit_seconds").get<double>();
  t.sweep_position = j.at("sweep_position").get<std::size_t>();
  t.sweep_size = j.at("sweep_size").get<std::size_t>();
  t.validation_seconds = j.at("validation_seconds").get<double>();
  t.test_seconds = j.at("test_seconds").get<double>();
  return t;
}

nlohmann::json PointRecord::to_json() const {
  return {{"format", kPointFormat},
          {"key", key},
          {"solver_id", solver_id},
          {"solver", solver},
          {"params", params.to_json()},
          {"dtype", dtype_name(dtype)},
          {"fit_mode", fit_mode},
          {"validation", validation.to_json()},
          {"test", test.to_json()},
          {"objective", objective ? nlohmann::json(*objective) : nlohmann::json(nullptr)},
          {"report", report ? report->to_json() : nlohmann::json(nullptr)},
          {"timings", timings.to_json()},
          {"peak_rss_bytes", peak_rss_bytes},
          {"finished_at", finished_at},
          {"test_per_user", {{"sha256", users_sha256}}}};
}

PointRecord PointRecord::from_json(const nlohmann::json& j, ParamSet params) {
  try {
    if (j.at("format").get<std::string>() != kPointFormat)
      throw Error("unsupported format \"" + j.at("format").get<std::string>() + "\" (expected " + kPointFormat + ")");
    PointRecord r;
    r.key = j.at("key").get<std::string>();
    r.solver_id = j.at("solver_id").get<std::string>();
    r.solver = j.at("solver").get<std::string>();
    r.params = std::move(params);
    r.dtype = parse_dtype(j.at("dtype").get<std::string>());
    r.fit_mode = j.at("fit_mode").get<std::string>();
    r.validation = PartResult::from_json(j.at("validation"));
    r.test = PartResult::from_json(j.at("test"));
    if (j.at("objective").is_number()) r.objective = j.at("objective").get<double>();
    r.timings = PointTimings::from_json(j.at("timings"));
    r.peak_rss_bytes = j.at("peak_rss_bytes").get<std::size_t>();
    r.finished_at = j.at("finished_at").get<std::string>();
    r.users_sha256 = j.at("test_per_user").at("sha256").get<std::string>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed point record: ") + e.what());
  }
}

std::string point_key(const std::string& split_digest, const std::string& solver, const ParamSet& params, Dtype dtype,
                      const std::string& fit_mode, const std::vector<std::string>& metric_names) {
  const nlohmann::json identity = {{"format", kPointFormat}, {"split", split_digest},     {"solver", solver},
                                   {"params", params.to_json()}, {"dtype", dtype_name(dtype)}, {"fit_mode", fit_mode},
                                   {"metrics", metric_names}};
  return sha256_hex(identity.dump());
}

std::string point_file_stem(const ParamSet& params) {
  const std::string exact = params.str();
  if (exact.empty()) return "default";
  std::string safe;
  bool lossy = false;
  for (char c : exact) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '=' || c == ',' || c == '+' || c == '-';
    safe += ok ? c : '-';
    lossy = lossy || !ok;
  }
  if (!lossy && safe.size() <= 180) return safe;
  if (safe.size() > 180) safe.resize(180);
  return safe + "~" + sha256_hex(params.to_json().dump()).substr(0, 12);
}

std::string PointStore::json_path(const std::string& solver_id, const ParamSet& params) const {
  return (fs::path(dir_) / "points" / solver_id / (point_file_stem(params) + ".json")).string();
}

std::string PointStore::users_path(const std::string& solver_id, const ParamSet& params) const {
  return (fs::path(dir_) / "points" / solver_id / (point_file_stem(params) + ".users.bin")).string();
}

namespace {

void put_u64(std::string& out, std::uint64_t x) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((x >> (8 * i)) & 0xff);
}

std::uint64_t get_u64(const std::string& bytes, std::size_t& pos, const std::string& source) {
  if (pos + 8 > bytes.size()) throw Error(source + ": truncated per-user file");
  std::uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x |= std::uint64_t(static_cast<unsigned char>(bytes[pos + i])) << (8 * i);
  pos += 8;
  return x;
}

}  // namespace

std::string encode_per_user(const std::vector<std::uint64_t>& uids, const std::map<std::string, std::vector<double>>& values) {
  std::string out = "AELABPU1";
  put_u64(out, uids.size());
  put_u64(out, values.size());
  for (const auto& [name, v] : values) {
    if (v.size() != uids.size()) throw Error("internal: per-user vector '" + name + "' has the wrong length");
    put_u64(out, name.size());
    out += name;
  }
  for (std::uint64_t u : uids) put_u64(out, u);
  for (const auto& [name, v] : values)
    for (double x : v) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &x, sizeof bits);
      put_u64(out, bits);
    }
  return out;
}

void decode_per_user(const std::string& bytes, const std::string& source, std::vector<std::uint64_t>& uids,
                     std::map<std::string, std::vector<double>>& values) {
  if (bytes.compare(0, 8, "AELABPU1") != 0) throw Error(source + ": not an aelab per-user file");
  std::size_t pos = 8;
  const std::uint64_t n_users = get_u64(bytes, pos, source), n_metrics = get_u64(bytes, pos, source);
  if (n_metrics > 1000 || n_users > bytes.size()) throw Error(source + ": corrupt per-user file header");
  std::vector<std::string> names;
  for (std::uint64_t m = 0; m < n_metrics; ++m) {
    const std::uint64_t length = get_u64(bytes, pos, source);
    if (length > 256 || pos + length > bytes.size()) throw Error(source + ": corrupt per-user file header");
    names.push_back(bytes.substr(pos, length));
    pos += length;
  }
  if (bytes.size() - pos != 8 * n_users * (1 + n_metrics)) throw Error(source + ": per-user file has the wrong size");
  uids.resize(n_users);
  for (auto& u : uids) u = get_u64(bytes, pos, source);
  values.clear();
  for (const auto& name : names) {
    auto& v = values[name];
    v.resize(n_users);
    for (auto& x : v) {
      const std::uint64_t bits = get_u64(bytes, pos, source);
      std::memcpy(&x, &bits, sizeof x);
    }
  }
}

std::optional<PointRecord> PointStore::load(const std::string& solver_id, const ParamSet& params, const std::string& key,
                                            std::string& why, bool with_per_user) const {
  why.clear();
  const std::string path = json_path(solver_id, params);
  if (!fs::exists(path)) return std::nullopt;
  const std::optional<std::string> text = read_file_bytes(path);
  if (!text) return std::nullopt;
  try {
    const nlohmann::json parsed = parse_json_checked(*text, path);
    if (!parsed.is_object() || !parsed.contains("params") || parsed.at("params") != params.to_json() ||
        parsed.value("solver_id", "") != solver_id) {
      why = "stored for different parameters";
      return std::nullopt;
    }
    PointRecord record = PointRecord::from_json(parsed, params);
    if (record.key != key) {
      why = "stored for a different data split, dtype, metric list or fit mode";
      return std::nullopt;
    }
    const std::string users = users_path(solver_id, params);
    const std::optional<std::string> bytes = read_file_bytes(users);
    if (!bytes) {
      why = "its per-user file is missing";
      return std::nullopt;
    }
    if (sha256_hex(*bytes) != record.users_sha256) {
      why = "its per-user file does not match the recorded digest";
      return std::nullopt;
    }
    decode_per_user(*bytes, users, record.test_uids, record.test_per_user);
    if (!with_per_user) {
      record.test_uids.clear();
      record.test_per_user.clear();
    }
    return record;
  } catch (const Error& e) {
    why = std::string("unreadable (") + e.what() + ")";
    return std::nullopt;
  }
}

void PointStore::load_per_user(PointRecord& record) const {
  const std::string path = users_path(record.solver_id, record.params);
  const std::optional<std::string> bytes = read_file_bytes(path);
  if (!bytes) throw Error(path + ": missing (per-user metrics of a stored point)");
  if (sha256_hex(*bytes) != record.users_sha256) throw Error(path + ": does not match the digest recorded in its point file");
  decode_per_user(*bytes, path, record.test_uids, record.test_per_user);
}

void PointStore::save(PointRecord& record) const {
  const std::string bytes = encode_per_user(record.test_uids, record.test_per_user);
  record.users_sha256 = sha256_hex(bytes);
  write_file_atomically(users_path(record.solver_id, record.params), bytes);
  write_file_atomically(json_path(record.solver_id, record.params), record.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}


}  // namespace aelab
