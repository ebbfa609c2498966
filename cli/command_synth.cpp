// `aelab synth`: writes seeded synthetic interactions as a MovieLens ratings.csv (streamed, so an
// ML-20M-shaped file of 20 M rows needs little memory), to be split or inspected like real data.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "core/data/synthetic.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::cli {

int command_synth(const Arguments& args) {
  const std::string command = "aelab synth";
  CommandLine cl(command,
                 "Writes seeded synthetic interactions (latent-factor preferences, power-law item popularity and user\n"
                 "activity, ratings 1-5) as a MovieLens ratings.csv: read it with --format movielens-csv.\n"
                 "Parameters: a --preset, then a --spec JSON file, then the individual options, each overriding the last.",
                 {{"out", "FILE", "output ratings.csv (written atomically)"},
                  {"preset", "NAME", "default (3000 users x 800 items) or ml20m (138,493 x 26,744, 20 M rows)"},
                  {"spec", "FILE", "JSON object of generator parameters (keys as printed by this command)"},
                  {"users", "N", "number of users"},
                  {"items", "N", "number of items"},
                  {"latent-dim", "K", "number of latent topics (rank of the preference structure)"},
                  {"mean-items", "X", "mean rows per user"},
                  {"min-items", "N", "minimum rows per user"},
                  {"item-exponent", "A", "Zipf exponent of item popularity"},
                  {"user-exponent", "B", "power-law exponent of user activity"},
                  {"seed", "S", "random seed"},
                  {"force", "", "replace FILE when it already exists"}});
  if (!cl.parse(args)) return 0;
  if (!cl.positional().empty()) throw Error(command + ": unexpected argument \"" + cl.positional()[0] + "\"");
  const std::string out = cl.required("out");
  SyntheticSpec spec;
  if (auto preset = cl.value("preset")) {
    if (*preset == "ml20m") spec = SyntheticSpec::ml20m_shaped();
    else if (*preset != "default") throw Error(command + ": --preset expects default or ml20m, got \"" + *preset + "\"");
  }
  if (auto file = cl.value("spec")) {
    std::ifstream in(*file);
    if (!in) throw Error(*file + ": cannot open");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(*file + ": not valid JSON (" + e.what() + ")");
    }
    nlohmann::json merged = spec.to_json();
    if (!j.is_object()) throw Error(*file + ": expected a JSON object of generator parameters");
    for (const auto& [key, value] : j.items()) merged[key] = value;
    spec = SyntheticSpec::from_json(merged, *file);
  }
  spec.users = count_option(cl, command, "users", spec.users);
  spec.items = count_option(cl, command, "items", spec.items);
  spec.latent_dim = count_option(cl, command, "latent-dim", spec.latent_dim);
  spec.min_items_per_user = count_option(cl, command, "min-items", spec.min_items_per_user);
  spec.seed = count_option(cl, command, "seed", spec.seed);
  if (auto x = cl.number("mean-items")) spec.mean_items_per_user = *x;
  if (auto x = cl.number("item-exponent")) spec.item_popularity_exponent = *x;
  if (auto x = cl.number("user-exponent")) spec.user_activity_exponent = *x;
  spec.validate(command);
  std::error_code ec;
  if (std::filesystem::exists(out, ec) && !cl.flag("force"))
    throw Error(command + ": " + out + " already exists (use --force to replace it)");

  Timer timer;
  const std::size_t rows = write_synthetic_movielens_csv(spec, out);
  std::cout << "spec: " << spec.to_json().dump() << "\n";
  std::cout << "wrote: " << out << ": " << rows << " rows, " << spec.users << " users, " << spec.items << " item ids in "
            << seconds_text(timer.seconds()) << "\n";
  return 0;
}

}  // namespace aelab::cli
