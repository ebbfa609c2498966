#pragma once
// The body of each libFuzzer harness (tests/fuzz/fuzz_<target>.cpp), also run over the committed
// regression inputs by tests/test_fuzz_regressions.cpp.
#include <cctype>

#include "core/data/loaders.hpp"
#include "core/data/ngcf_text.hpp"
#include "core/data/npz.hpp"
#include "core/data/vae_cf.hpp"
#include "core/util/json_text.hpp"
#include "experiments/sweep/config.hpp"
#include "experiments/sweep/point_store.hpp"
#include "solvers/builtin.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace aelab::fuzz {

// An experiment config: the checked JSON reader, then the sweep config's validation.
inline void config(const std::uint8_t* data, std::size_t size) {
  static const aelab::Registry registry = aelab::builtin_registry();
  expect_only_aelab_errors([&] {
    const nlohmann::json root = aelab::parse_json_checked(std::string(reinterpret_cast<const char*>(data), size), "c.json");
    const aelab::ConfigLocation where{"c.json", scratch_dir(), scratch_dir()};
    aelab::parse_experiment_config(root, where, registry);
  });
}

// A stored point: its JSON file and its per-user sidecar (the input cut at the first "\n\0\n").
inline void point(const std::uint8_t* data, std::size_t size) {
  const auto parts = split_input(data, size, std::string("\n\0\n", 3), 2);
  expect_only_aelab_errors([&] {
    const nlohmann::json j = aelab::parse_json_checked(parts[0], "p.json");
    if (j.is_object() && j.contains("params") && j["params"].is_object()) {
      aelab::PointRecord::from_json(j, aelab::ParamSet());
    }
  });
  expect_only_aelab_errors([&] {
    std::vector<std::uint64_t> uids;
    std::map<std::string, std::vector<double>> values;
    aelab::decode_per_user(parts[1], "p.users.bin", uids, values);
  });
}

// A vae_cf split folder: the input cut at "=====\n" into unique_sid.txt, train.csv,
// validation_tr.csv, validation_te.csv, test_tr.csv and test_te.csv; read, then made a SplitData.
inline void vae_cf(const std::uint8_t* data, std::size_t size) {
  static const char* const files[] = {"unique_sid.txt", "train.csv", "validation_tr.csv",
                                      "validation_te.csv", "test_tr.csv", "test_te.csv"};
  const auto parts = split_input(data, size, "=====\n", 6);
  const std::string dir = scratch_dir() + "/split";
  std::filesystem::create_directories(dir);
  for (std::size_t i = 0; i < 6; ++i) {
    std::ofstream out(dir + "/" + files[i], std::ios::binary | std::ios::trunc);
    out << parts[i];
  }
  expect_only_aelab_errors([&] { aelab::to_split_data(aelab::read_vae_cf(dir)); });
}

// The citeulike loader on one file.
inline void citeulike(const std::uint8_t* data, std::size_t size) {
  aelab::LoadOptions options;
  options.format = "citeulike";
  options.path = write_input("users.dat", data, size);
  expect_only_aelab_errors([&] { aelab::load_interactions(options); });
}

// The movielens-csv loader on one file.
inline void movielens(const std::uint8_t* data, std::size_t size) {
  aelab::LoadOptions options;
  options.format = "movielens-csv";
  options.path = write_input("ratings.csv", data, size);
  expect_only_aelab_errors([&] { aelab::load_interactions(options); });
}

// The hetrec-lastfm loader on one file.
inline void lastfm(const std::uint8_t* data, std::size_t size) {
  aelab::LoadOptions options;
  options.format = "hetrec-lastfm";
  options.path = write_input("user_artists.dat", data, size);
  expect_only_aelab_errors([&] { aelab::load_interactions(options); });
}

// A SciPy .npz file, read as a user-item matrix with the layout detected.
inline void npz(const std::uint8_t* data, std::size_t size) {
  const std::string path = write_input("m.npz", data, size);
  expect_only_aelab_errors([&] { aelab::read_npz_interactions(path); });
  expect_only_aelab_errors([&] {
    aelab::NpzReadOptions options;
    options.values = aelab::NpzValues::nonzero;
    aelab::read_npz_interactions(path, options);
  });
}

// An NGCF / LightGCN train.txt, and the same text as a test.txt bounded by a small training file.
inline void ngcf_text(const std::uint8_t* data, std::size_t size) {
  const std::string path = write_input("train.txt", data, size);
  // Ids are row and column indices: an 8-digit id is a legitimate ~10^8-row matrix, allocated once
  // the memory guard finds the memory free, which trips libFuzzer's 2 GB limit without being a defect.
  // Such inputs go through the bounded read only, where the id is refused against the bound.
  const std::string text(reinterpret_cast<const char*>(data), size);
  bool long_number = false;
  for (std::size_t i = 0, run = 0; i < text.size() && !long_number; ++i) long_number = (run = std::isdigit(static_cast<unsigned char>(text[i])) ? run + 1 : 0) >= 8;
  if (!long_number) expect_only_aelab_errors([&] { aelab::read_ngcf_text(path); });
  expect_only_aelab_errors([&] {
    aelab::NgcfTextBounds bounds;
    bounds.users = aelab::NgcfTextBound{64, "train.txt"};
    bounds.items = aelab::NgcfTextBound{64, "train.txt"};
    aelab::read_ngcf_text(path, bounds);
  });
}

}  // namespace aelab::fuzz
