#pragma once
// What `aelab run` was asked to do, for every experiment type.
#include <cstddef>
#include <iosfwd>
#include <optional>

namespace aelab {

class SweepBackend;

struct RunOptions {
  bool check_only = false;    // validate the config, print what it would run, load nothing
  bool dry_run = false;       // print the plan (grid, fits, memory) and stop
  bool force = false;         // refit points that are already stored
  bool quiet = false;         // no progress output (errors still go to the caller)
  std::size_t max_fits = 0;   // stop after this many new fits (0: no limit); the run is "incomplete"
  bool plots = true;          // draw the configured plots at the end when gnuplot is available
  std::optional<bool> progress_bar;  // default: when the log stream is a terminal (stderr)
  std::ostream* out = nullptr;       // plan and final report (default std::cout)
  std::ostream* log = nullptr;       // progress and log lines (default std::cerr)
  // Sweeps: where the units are fitted (experiments/sweep/sweep_backend.hpp); null: this process.
  SweepBackend* backend = nullptr;
};

}  // namespace aelab
