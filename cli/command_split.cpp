// `aelab split`: raw file -> vae_cf split folder by the bit-exact strong-generalization protocol
// (docs/MATH.md §3, §3.2; docs/DATA.md), then prints the sizes of every part.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/text_format.hpp"
#include "core/data/vae_cf.hpp"
#include "core/util/error.hpp"
#include "core/util/timer.hpp"

namespace aelab::cli {

namespace {

std::size_t distinct_users(const VaeCfSplit::Rows& a, const VaeCfSplit::Rows& b) {
  std::vector<std::uint64_t> uids;
  for (const auto* rows : {&a, &b})
    for (const auto& row : *rows) uids.push_back(row.first);
  std::sort(uids.begin(), uids.end());
  return static_cast<std::size_t>(std::unique(uids.begin(), uids.end()) - uids.begin());
}

}  // namespace

int command_split(const Arguments& args) {
  CommandLine cl("aelab split",
                 "Splits a raw interaction file into a vae_cf folder (train.csv, validation_tr.csv, validation_te.csv,\n"
                 "test_tr.csv, test_te.csv, unique_sid.txt) by the Mult-VAE strong-generalization protocol, byte for byte\n"
                 "as the reference preprocessing. See docs/DATA.md.");
  LoadArguments load_arguments(cl);
  SplitArguments split_arguments(cl);
  std::string out;
  bool force = false;
  cl.option("--out", out, "DIR", "output folder (written atomically)")->required();
  cl.flag("--force", force, "replace DIR when it already exists");
  if (!cl.parse(args)) return 0;
  const LoadOptions load = load_arguments.options();
  const SplitOptions& options = split_arguments.options();
  std::error_code ec;
  recover_interrupted_vae_cf_write(out);
  if (std::filesystem::exists(out, ec) && !force)
    throw Error(cl.command() + ": " + out + " already exists (use --force to replace it)");

  Timer timer;
  const RawInteractions raw = load_interactions(load);
  const double load_seconds = timer.seconds();
  std::cout << "loaded: " << raw.n_rows() << " rows, " << raw.users.size() << " users, " << raw.items.size()
            << " items from " << load.path << " (" << load.format << ", " << seconds_text(load_seconds) << ")\n";

  timer.restart();
  SplitSummary summary;
  const VaeCfSplit split = make_split(raw, options, &summary);
  const double split_seconds = timer.seconds();
  std::cout << "kept: " << summary.rows_kept << " rows, " << summary.users << " users, " << summary.items
            << " items (" << (options.threshold ? "value > " + number_text(*options.threshold) : std::string("all values"))
            << ", min_sc " << options.min_sc << ", min_uc " << options.min_uc << ")\n";
  std::cout << "users: " << summary.train_users << " train, " << summary.validation_users << " validation, "
            << summary.test_users << " test (H " << options.heldout_users << ", seed " << options.seed << ")\n";
  std::cout << "first permuted users:";
  for (std::size_t i = 0; i < std::min<std::size_t>(5, summary.user_ids.size()); ++i) std::cout << " " << summary.user_ids[i];
  std::cout << "\n";
  std::cout << "items: " << summary.train_items << " (training vocabulary)\n";
  std::cout << "train.csv: " << split.train.size() << " rows\n";
  std::cout << "validation_tr.csv: " << split.validation_tr.size() << " rows, validation_te.csv: "
            << split.validation_te.size() << " rows ("
            << distinct_users(split.validation_tr, split.validation_te) << " users with rows)\n";
  std::cout << "test_tr.csv: " << split.test_tr.size() << " rows, test_te.csv: " << split.test_te.size() << " rows ("
            << distinct_users(split.test_tr, split.test_te) << " users with rows)\n";

  timer.restart();
  write_vae_cf(out, split);
  std::cout << "wrote: " << out << " (split " << seconds_text(split_seconds) << ", write " << seconds_text(timer.seconds())
            << ")\n";
  return 0;
}

}  // namespace aelab::cli
