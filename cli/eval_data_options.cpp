#include "cli/eval_data_options.hpp"

#include <vector>

#include "core/data/loaders.hpp"
#include "core/util/error.hpp"

namespace aelab::cli {

namespace {

const std::vector<std::string> kRawOnly = {"--input", "--heldout", "--threshold", "--min-uc", "--min-sc", "--seed"};
const std::vector<std::string> kGivenOnly = {"--train", "--test", "--layout", "--users", "--validation-share",
                                             "--validation-seed"};

std::vector<std::string> eval_formats() {
  std::vector<std::string> formats = loader_formats();
  formats.push_back(kGivenSplitFormat);
  return formats;
}

}  // namespace

EvalDataArguments::EvalDataArguments(CommandLine& cl) : cl_(cl) {
  cl.option("--data", split_dir_, "SPLIT_DIR", "vae_cf split folder (train.csv, validation_tr.csv, ..., unique_sid.txt)")
      ->check(existing_folder());
  cl.option("--format", format_, "F",
            "instead of --data: a raw file's format (aelab data formats; with --input and --heldout, split by\n"
            "the strong-generalization protocol), or lightgcn (with --train and --test: a given split)")
      ->check(one_of(eval_formats()));
  cl.option("--input", input_, "PATH", "raw data file (a folder for netflix-prize and lightgcn-union)")->check(existing_path());
  cl.option("--heldout", heldout_, "H", "raw file: validation users and test users, H each")->check(integer_at_least(1));
  cl.option("--threshold", threshold_, "T", "raw file: keep rows with value > T (default: every row)");
  cl.option("--min-uc", min_uc_, "N", "raw file: keep users with >= N rows (default 5)");
  cl.option("--min-sc", min_sc_, "N", "raw file: keep items with >= N rows (default 0)");
  cl.option("--seed", seed_, "S", "raw file: numpy RandomState seed of the split (default 98765)")
      ->check(integer_in(0, 4294967295LL));
  cl.option("--train", train_, "PATH", "lightgcn: training interactions, train.txt or a scipy .npz")->check(existing_file());
  cl.option("--test", test_, "PATH", "lightgcn: test interactions, test.txt or a scipy .npz")->check(existing_file());
  cl.option("--layout", layout_, "L", "lightgcn: the .npz's layout: detect (default), user-item or bipartite-adjacency")
      ->check(one_of({"detect", "user-item", "bipartite-adjacency"}));
  cl.option("--users", users_, "N", "lightgcn: number of users of a bipartite adjacency (default: inferred)")
      ->check(integer_in(1, 4294967295LL));
  cl.option("--validation-share", validation_share_, "S",
            "lightgcn: share of each user's training items carved out for --on validation (default 0.2)")
      ->check(number_in_open(0, 1));
  cl.option("--validation-seed", validation_seed_, "S", "lightgcn: seed of the carve-out (default 98765)")
      ->check(integer_in(0, 4294967295LL));
}

nlohmann::json EvalDataArguments::data_section() const {
  const std::string& command = cl_.command();
  auto refuse_given = [&](const std::vector<std::string>& names, const std::string& why) {
    for (const std::string& name : names)
      if (cl_.given(name)) throw Error(command + ": " + name + " " + why);
  };
  if (split_dir_.has_value() == format_.has_value())
    throw Error(command + ": expected exactly one data source: --data SPLIT_DIR, --format F --input PATH, or --format " +
                kGivenSplitFormat + " --train PATH --test PATH");
  if (split_dir_) {
    refuse_given(kRawOnly, "needs --format (with --data the split is given)");
    refuse_given(kGivenOnly, "needs --format lightgcn");
    return {{"split_dir", *split_dir_}};
  }
  if (given_split()) {
    refuse_given(kRawOnly, "is for a raw file, not --format lightgcn");
    if (!train_ || !test_) throw Error(command + ": --format lightgcn needs --train PATH and --test PATH");
    nlohmann::json section = {{"protocol", "given_split"}, {"train", *train_}, {"test", *test_}};
    if (layout_) section["layout"] = *layout_;
    if (users_) section["users"] = *users_;
    if (validation_share_) section["validation_share"] = *validation_share_;
    if (validation_seed_) section["validation_seed"] = *validation_seed_;
    return section;
  }
  refuse_given(kGivenOnly, "is for --format lightgcn, not a raw file");
  if (!input_) throw Error(command + ": --format " + *format_ + " needs --input PATH");
  if (!heldout_) throw Error(command + ": --format " + *format_ + " needs --heldout H (validation and test users, H each)");
  nlohmann::json section = {{"format", *format_}, {"path", *input_}, {"heldout_users", *heldout_}};
  if (threshold_) section["threshold"] = *threshold_;
  if (min_uc_) section["min_uc"] = *min_uc_;
  if (min_sc_) section["min_sc"] = *min_sc_;
  if (seed_) section["split_seed"] = *seed_;
  return section;
}

std::string EvalDataArguments::description() const {
  if (split_dir_) return *split_dir_;
  if (given_split()) return "given split " + *train_ + " + " + *test_;
  return *input_ + " (" + *format_ + ", strong generalization)";
}

}  // namespace aelab::cli
