#include "bench/suites.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/linalg/blas.hpp"
#include "core/util/memory.hpp"

#ifndef AELAB_SHARED_DATA_DIR
#define AELAB_SHARED_DATA_DIR "../shared/data"
#endif

namespace aelab::bench {

int bench_data(const Arguments& args);
int run_admm_bench(const Arguments& args);         // bench/bench_admm.cpp
int run_closed_form_bench(const Arguments& args);  // bench/bench_closed_form.cpp
int bench_exact(const Arguments& args);            // bench/bench_exact.cpp
int run_sweep_bench(const Arguments& args);        // bench/bench_sweep.cpp
int bench_mlp(const Arguments& args);              // bench/bench_mlp.cpp
int bench_eval(const Arguments& args);             // bench/bench_eval.cpp
int bench_given_split(const Arguments& args);      // bench/bench_given_split.cpp
int bench_given_scale(const Arguments& args);      // bench/bench_given_scale.cpp
int bench_distributed(const Arguments& args);      // bench/bench_distributed.cpp

const std::vector<Suite>& suites() {
  static const std::vector<Suite> table = {
      {"data", bench_data, "parse and split throughput on an ML-20M-shaped synthetic ratings.csv (--rows N)"},
      {"closed-form", run_closed_form_bench, "Algorithm 1 against the SPD inverse: ratio per rank, peak RSS, rank sweep"},
      {"admm", run_admm_bench, "seed Table 1: admm epochs vs closed_form_approx per rank, epoch vs SPD inverse"},
      {"exact", bench_exact, "exact solver: iterations/time to tolerance from Algorithm 1 vs random starts (--items N --ranks K,K)"},
      {"sweep", run_sweep_bench, "a Figure-1 sweep of the closed forms through the runner vs its inverses and eigendecompositions"},
      {"eval", bench_eval, "evaluation throughput (scores, top-100, metrics) of low-rank and dense models, all threads vs one"},
      {"mlp", bench_mlp, "mlp solver training throughput (users/s per epoch), [n-600-200-n] tanh, float32 vs float64"},
      {"distributed", bench_distributed, "ScaLAPACK backend under mpirun -np P: stage times and memory per process (--items N)"},
      {"given-split", bench_given_split, "load time of a given train/test split, Gowalla by default (--train PATH --test PATH)"},
      {"given-scale", bench_given_scale, "EASE end to end and Algorithm 1 at k = 100, 1000 on Gowalla (n = 40,981, float32): stages, peak RSS / n^2 x 4 B"},
  };
  return table;
}

std::string shared_data_file(const std::string& relative) {
  const char* override_dir = std::getenv("AELAB_SHARED_DATA");
  return (std::filesystem::path(override_dir ? override_dir : AELAB_SHARED_DATA_DIR) / relative).string();
}

std::string machine_description() {
  std::string cpu = "unknown CPU";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  std::size_t total_kib = 0;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string key; meminfo >> key;) {
    if (key == "MemTotal:") {
      meminfo >> total_kib;
      break;
    }
    meminfo.ignore(1 << 10, '\n');
  }
  return cpu + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads, " +
         format_bytes(total_kib * 1024) + " RAM, BLAS: " + blas_config() + " (" + std::to_string(blas_threads()) +
         " threads)";
}

}  // namespace aelab::bench
