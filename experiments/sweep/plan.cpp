#include "experiments/sweep/plan.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <set>
#include <tuple>

#include "core/solver/standard_params.hpp"
#include "core/util/memory.hpp"

namespace aelab {

namespace {

bool rank_sweeps(const SolverEntry& entry, const ExecutionConfig& execution) {
  return entry.solver->has_param(kRankParam) && execution.rank_fits == ExecutionConfig::RankFits::shared;
}

std::size_t csr_bytes(const BinaryCsr& m) { return (m.n_rows() + 1) * 8 + m.nnz() * 4; }

std::size_t data_bytes(const SplitData& split) {
  std::size_t bytes = csr_bytes(split.train);
  for (const HeldOutSet* set : {&split.validation, &split.test})
    bytes += csr_bytes(set->fold_in) + csr_bytes(set->held_out) + set->uids.size() * 8;
  return bytes;
}

}  // namespace

std::string fit_mode(const SolverEntry& entry, const ExecutionConfig& execution) {
  if (!entry.solver->has_param(kRankParam)) return "single";
  return execution.rank_fits == ExecutionConfig::RankFits::shared ? "shared_sweep" : "independent";
}

// Units in the order they run: grouped by precision, then by the shared inverse, so that every fit
// needing the inverse of G + Lambda for one regulariser runs back to back and shares it; solvers
// without one first. Within a key, config order then grid order (stable sort).
std::vector<FitUnit> plan_units(const ExperimentConfig& config, const std::vector<std::vector<bool>>& todo) {
  std::vector<FitUnit> units;
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    const bool sweep = rank_sweeps(entry, config.execution);
    std::map<std::string, std::size_t> unit_of_group;  // params without rank -> unit index
    for (std::size_t i = 0; i < entry.points.size(); ++i) {
      if (!todo[s][i]) continue;
      const ParamSet& params = entry.points[i];
      std::size_t u = units.size();
      if (sweep) {
        const std::string group = params.without(kRankParam).to_json().dump();
        auto it = unit_of_group.find(group);
        if (it != unit_of_group.end()) u = it->second;
        else unit_of_group[group] = u;
      }
      if (u == units.size()) {
        FitUnit unit;
        unit.solver = s;
        unit.sweep = sweep;
        unit.dtype = entry.dtype;
        unit.inverse = entry.solver->shared_inverse(params);
        units.push_back(unit);
      }
      units[u].points.push_back(i);
    }
  }
  for (auto& unit : units)
    if (unit.sweep)
      std::stable_sort(unit.points.begin(), unit.points.end(), [&](std::size_t a, std::size_t b) {
        const auto& points = config.solvers[unit.solver].points;
        return points[a].rank(kRankParam) < points[b].rank(kRankParam);
      });
  std::stable_sort(units.begin(), units.end(), [](const FitUnit& a, const FitUnit& b) {
    if (a.dtype != b.dtype) return a.dtype < b.dtype;
    if (a.inverse.has_value() != b.inverse.has_value()) return !a.inverse;
    return a.inverse && *a.inverse < *b.inverse;
  });
  return units;
}

std::string describe(const ParamSet& params) {
  const std::string text = params.str();
  return text.empty() ? "(no parameters)" : text;
}

std::string unit_description(const SolverEntry& entry, const FitUnit& unit) {
  if (!unit.sweep) return entry.id + " " + describe(entry.points[unit.points.front()]);
  std::string ranks;
  for (std::size_t i : unit.points) ranks += (ranks.empty() ? "" : ",") + entry.points[i].rank(kRankParam).str();
  const std::string params = entry.points[unit.points.front()].without(kRankParam).str();
  return entry.id + " " + params + (params.empty() ? "" : " ") + "ranks " + ranks;
}

std::string bar_description(const SolverEntry& entry, const FitUnit& unit) {
  const ParamSet& first = entry.points[unit.points.front()];
  std::string text = entry.id;
  if (unit.inverse) text += " " + unit.inverse->str();
  if (first.has(kRankParam)) {
    text += unit.points.size() > 1 ? " ranks " : " rank ";
    for (std::size_t j = 0; j < unit.points.size(); ++j)
      text += (j ? "," : "") + entry.points[unit.points[j]].rank(kRankParam).str();
  }
  return text;
}

nlohmann::json MemoryPlan::to_json() const {
  nlohmann::json out = {{"data_bytes", data_bytes},     {"gram_copy_bytes", gram_copy_bytes}, {"largest_fit_bytes", largest_fit_bytes},
          {"largest_fit", largest_fit},   {"scoring_bytes", scoring_bytes},     {"total_bytes", total_bytes},
          {"available_bytes", available_bytes}};
  if (layout) {
    out["per_process"] = true;
    out["processes_on_node"] = layout->processes_on_node;
    out["leader_extra_bytes"] = leader_extra_bytes;
    out["node_bytes"] = node_bytes();
  }
  return out;
}

namespace {

// The largest per-process share any unit needs on `backend`: a sweep's finite ranks come from one
// decomposition at its largest rank, its rank full from the dense model.
void largest_backend_fit(const ExperimentConfig& config, std::size_t n, const std::vector<FitUnit>& units,
                         const SweepBackend& backend, FitBytes& largest, std::string& largest_what) {
  for (const auto& unit : units) {
    const auto& entry = config.solvers[unit.solver];
    std::size_t k_max = 0;
    for (std::size_t i : unit.points)
      if (const Rank r = entry.points[i].rank(kRankParam); !r.full) k_max = std::max<std::size_t>(k_max, r.k);
    for (std::size_t i : unit.points) {
      const Rank r = entry.points[i].rank(kRankParam);
      if (!r.full && r.k != k_max) continue;  // its share is the decomposition's at k_max
      const FitBytes bytes = backend.fit_bytes(n, r.full ? 0 : k_max, unit.dtype, entry.points[i]);
      if (bytes.leader() > largest.leader()) {
        largest = bytes;
        largest_what = entry.id + " " + entry.points[i].str();
      }
    }
  }
}

}  // namespace

MemoryPlan estimate_peak_memory(const ExperimentConfig& config, const SplitData& split, const std::vector<FitUnit>& units,
                                const SweepBackend* backend) {
  const std::size_t n = split.n_items();
  const std::size_t available = available_memory_bytes();
  const std::size_t split_bytes = data_bytes(split);
  // LinalgCache keeps a pristine Gram copy when three n x n matrices fit in 80 % of what is available.
  std::size_t gram_bytes = 0;
  std::size_t largest = 0;
  std::string largest_what = "none";
  std::set<Dtype> dtypes;
  for (const auto& unit : units) {
    const auto& entry = config.solvers[unit.solver];
    dtypes.insert(unit.dtype);
    // A sweep holds what its largest rank needs, but a solver's peak need not grow with the rank
    // (a full-rank model skips the eigendecomposition): take the largest estimate of its points.
    for (std::size_t i : unit.points) {
      const ParamSet& params = entry.points[i];
      const std::size_t bytes = entry.solver->memory_estimate({n, unit.dtype, config.registry}, params);
      if (bytes > largest) {
        largest = bytes;
        largest_what = entry.id + " " + params.str();
      }
    }
  }
  std::size_t leader_extra = 0;
  if (backend) {
    FitBytes fit;
    largest_what = "none";
    largest_backend_fit(config, n, units, *backend, fit, largest_what);
    largest = fit.every_process;
    leader_extra = fit.leader_extra;
    dtypes.clear();  // no LinalgCache, so no Gram copy
  }
  for (Dtype d : dtypes) {
    const double matrix = double(n) * double(n) * double(dtype_bytes(d));
    if (3.0 * matrix < 0.8 * double(available)) gram_bytes = std::max(gram_bytes, static_cast<std::size_t>(matrix));
  }
  const std::size_t users = std::max(split.validation.n_users(), split.test.n_users());
  std::size_t batch = config.evaluation.batch_users;
  if (batch == 0) batch = std::max<std::size_t>(1, (std::size_t(256) << 20) / std::max<std::size_t>(1, n * 8));
  const std::size_t scoring = std::min(batch, std::max<std::size_t>(users, 1)) * n * 8;
  MemoryPlan plan;
  plan.data_bytes = split_bytes;
  plan.gram_copy_bytes = gram_bytes;
  plan.largest_fit_bytes = largest;
  plan.largest_fit = largest_what;
  plan.scoring_bytes = scoring;
  plan.total_bytes = split_bytes + gram_bytes + largest + scoring;
  plan.leader_extra_bytes = leader_extra;
  plan.available_bytes = available;
  if (backend) plan.layout = backend->layout();
  return plan;
}

namespace {

void print_process_memory(std::ostream& out, const MemoryPlan& memory) {
  const ProcessLayout& l = *memory.layout;
  out << "backend " << l.backend << ": " << l.processes << " process(es), grid " << l.grid_rows << " x " << l.grid_cols
      << ", block " << l.block << "; the peak above is per process";
  if (memory.leader_extra_bytes > 0) out << " (rank 0 holds " << format_bytes(memory.leader_extra_bytes) << " more)";
  out << ", " << l.processes_on_node << " process(es) on this node need " << format_bytes(memory.node_bytes()) << "\n";
}

}  // namespace

void print_plan(std::ostream& out, const ExperimentConfig& config, const SplitData& fitted, bool refits_selected,
                const std::vector<std::vector<bool>>& todo, const std::vector<FitUnit>& units, const MemoryPlan& memory) {
  out << "experiment " << config.name << ": " << config.solvers.size() << " solver entries, " << config.n_points()
      << " grid points\n";
  out << "data: " << fitted.train.n_rows() << " training users, " << fitted.n_items() << " items, "
      << fitted.train.nnz() << " interactions; " << fitted.validation.n_users() << " validation and "
      << fitted.test.n_users() << " test users";
  out << (refits_selected ? " (the validation carve-out; the selected points are then refitted on every training row)\n"
                          : "\n");
  std::size_t to_fit = 0;
  for (std::size_t s = 0; s < config.solvers.size(); ++s) {
    const auto& entry = config.solvers[s];
    std::size_t missing = 0;
    for (bool t : todo[s]) missing += t;
    to_fit += missing;
    out << "\n" << entry.id << " (" << entry.solver->name() << ", " << dtype_name(entry.dtype) << "): "
        << entry.points.size() << " points, " << missing << " to fit\n";
    if (!entry.fixed.empty()) {
      std::string fixed;
      for (const auto& [name, value] : entry.fixed) fixed += (fixed.empty() ? "" : ",") + name + "=" + param_value_text(value);
      out << "  fixed: " << fixed << "\n";
    }
    for (const auto& axis : entry.grid) {
      out << "  grid " << axis.name << ":";
      for (const auto& v : axis.values) out << " " << param_value_text(v);
      out << "\n";
    }
    for (std::size_t i = 0; i < entry.points.size(); ++i)
      out << "    " << (todo[s][i] ? "fit   " : "stored") << " " << describe(entry.points[i]) << "\n";
  }
  std::set<std::tuple<int, double, double>> inverses;
  std::size_t sweeps = 0;
  for (const auto& u : units) {
    if (u.inverse) inverses.insert({int(u.dtype), u.inverse->lambda, u.inverse->p});
    sweeps += u.sweep;
  }
  out << "\nfits: " << to_fit << " of " << config.n_points() << " points in " << units.size() << " solver calls ("
      << sweeps << " rank sweeps"
      << (config.execution.rank_fits == ExecutionConfig::RankFits::independent ? ", ranks fitted independently" : "")
      << "); at most " << inverses.size() << " distinct (dtype, lambda, p) inverses\n";
  out << (memory.layout ? "estimated peak memory per process: " : "estimated peak memory: ") << format_bytes(memory.total_bytes) << " (data " << format_bytes(memory.data_bytes)
      << ", Gram copy " << format_bytes(memory.gram_copy_bytes) << ", largest fit " << format_bytes(memory.largest_fit_bytes)
      << " [" << memory.largest_fit << "], scoring " << format_bytes(memory.scoring_bytes) << "); available now "
      << format_bytes(memory.available_bytes) << "\n";
  if (memory.layout) print_process_memory(out, memory);
  if (!memory.fits())
    out << "warning: the estimate exceeds the memory available now; a run refuses to start unless "
           "execution.force_memory is set (consider dtype float32, or fewer or smaller ranks)\n";
  out << "output: " << config.output.dir << "\n";
}

}  // namespace aelab
