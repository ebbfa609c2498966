#include "experiments/proposition_store.hpp"

#include <cmath>
#include <filesystem>

#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/sha256.hpp"

namespace aelab {

std::string PropositionFitStore::path(const std::string& architecture, std::size_t k) const {
  return (std::filesystem::path(dir_) / "fits" / architecture / ("k=" + std::to_string(k) + ".json")).string();
}

std::string PropositionFitStore::key(const ParamSet& params) const {
  const nlohmann::json identity = {
      {"format", kPropositionFitFormat}, {"matrix", matrix_digest_}, {"solver", "mlp"}, {"params", params.values()}};
  return sha256_hex(identity.dump());
}

std::optional<StoredPropositionFit> PropositionFitStore::load(const std::string& architecture, std::size_t k,
                                                              const ParamSet& params, std::string& why) const {
  why.clear();
  const std::string file = path(architecture, k);
  if (!std::filesystem::exists(file)) return std::nullopt;
  const std::optional<std::string> text = read_file_bytes(file);
  if (!text) {
    why = "unreadable";
    return std::nullopt;
  }
  const nlohmann::json stored = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!stored.is_object() || stored.value("format", "") != kPropositionFitFormat || !stored.contains("se") ||
      !stored["se"].is_number() || !stored.contains("details") || !stored["details"].is_object()) {
    why = "not a Proposition fit file";
    return std::nullopt;
  }
  if (stored.value("key", "") != key(params)) {
    why = "from other data or architecture parameters (its key differs)";
    return std::nullopt;
  }
  StoredPropositionFit fit;
  fit.se = stored["se"].get<double>();
  fit.details = stored["details"];
  if (!std::isfinite(fit.se) || fit.se < 0) {
    why = "its SE is not a finite non-negative number";
    return std::nullopt;
  }
  return fit;
}

void PropositionFitStore::save(const std::string& architecture, std::size_t k, const ParamSet& params,
                               const StoredPropositionFit& fit) const {
  const nlohmann::json stored = {{"format", kPropositionFitFormat}, {"key", key(params)}, {"architecture", architecture},
                                 {"k", k}, {"se", fit.se}, {"details", fit.details}};
  write_file_atomically(path(architecture, k), stored.dump(2) + "\n");
}

}  // namespace aelab
