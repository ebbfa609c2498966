#include "experiments/proposition/proposition_store.hpp"

#include <cmath>
#include <filesystem>

#include "core/util/sha256.hpp"
#include "experiments/common/stored_record.hpp"

namespace aelab {

namespace {
constexpr StoredRecordKind kPropositionFit{kPropositionFitFormat, "Proposition fit", "architecture parameters"};
}  // namespace

std::string PropositionFitStore::path(const std::string& architecture, std::size_t k) const {
  return (std::filesystem::path(dir_) / "fits" / architecture / ("k=" + std::to_string(k) + ".json")).string();
}

std::string PropositionFitStore::key(const ParamSet& params) const {
  const nlohmann::json identity = {
      {"format", kPropositionFit.format}, {"matrix", matrix_digest_}, {"solver", solver_}, {"params", params.to_json()}};
  return sha256_hex(identity.dump());
}

std::optional<StoredPropositionFit> PropositionFitStore::load(const std::string& architecture, std::size_t k,
                                                              const ParamSet& params, std::string& why) const {
  const auto stored = read_stored_record(path(architecture, k), kPropositionFit, key(params),
                                         [](const nlohmann::json& j) {
                                           if (!j.contains("se") || !j["se"].is_number() || !j.contains("details") ||
                                               !j["details"].is_object())
                                             return false;
                                           const nlohmann::json& d = j["details"];
                                           return d.contains("epochs_run") && d["epochs_run"].is_number_unsigned() &&
                                                  d.contains("stopped") && d["stopped"].is_string() &&
                                                  d.contains("seconds") && d["seconds"].is_number();
                                         },
                                         why);
  if (!stored) return std::nullopt;
  StoredPropositionFit fit;
  fit.se = (*stored)["se"].get<double>();
  const nlohmann::json& details = (*stored)["details"];
  fit.epochs_run = details["epochs_run"].get<std::size_t>();
  fit.stopped = details["stopped"].get<std::string>();
  fit.seconds = details["seconds"].get<double>();
  if (!std::isfinite(fit.se) || fit.se < 0) {
    why = "its SE is not a finite non-negative number";
    return std::nullopt;
  }
  return fit;
}

void PropositionFitStore::save(const std::string& architecture, std::size_t k, const ParamSet& params,
                               const StoredPropositionFit& fit) const {
  write_stored_record(path(architecture, k), kPropositionFit, key(params),
                      {{"architecture", architecture},
                       {"k", k},
                       {"se", fit.se},
                       {"details", {{"params", params.to_json()},
                                    {"epochs_run", fit.epochs_run},
                                    {"stopped", fit.stopped},
                                    {"seconds", fit.seconds}}}});
}

}  // namespace aelab
