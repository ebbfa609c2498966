#pragma once
// The "proposition" experiment type of `aelab run CONFIG` (experiments/experiment_types.cpp): reads
// the shared top-level keys of a schema-v1 config (schema_version, name, description, experiment,
// seed, threads, data, output.dir) by the runner's rules, the "proposition" section by
// parse_proposition_settings, loads the data (its training users are the matrix X), and runs
// experiments/proposition.hpp. --check validates only; --dry-run also loads the data and prints the
// plan (fits, largest rank, peak memory); --no-plots skips gnuplot; --quiet silences progress. Each
// MLP training is kept under <output>/fits as it finishes (experiments/proposition_store.hpp): a rerun
// reuses the matching ones and trains the rest; --force retrains all; --max-fits N stops after N
// trainings without writing the summary.
#include "experiments/experiment_types.hpp"

namespace aelab {

// Exit status 0, or 1 when a violation was found.
int run_proposition_config(const ExperimentRequest& request);

}  // namespace aelab
