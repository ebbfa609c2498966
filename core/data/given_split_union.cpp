#include "core/data/given_split_union.hpp"

#include <filesystem>

#include "core/util/error.hpp"

namespace aelab {

namespace fs = std::filesystem;

GivenSplitFolderFiles given_split_folder_files(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw Error(folder + ": expected a LightGCN / NGCF data folder (train.txt or s_adj_mat.npz, and test.txt), got " +
                (fs::exists(folder, ec) ? "a file" : "no such folder"));
  auto file_in = [&](const char* name) {
    const fs::path path = fs::path(folder) / name;
    return fs::is_regular_file(path, ec) ? path.string() : std::string();
  };
  GivenSplitFolderFiles files;
  files.train = file_in("train.txt");
  if (files.train.empty()) files.train = file_in("s_adj_mat.npz");
  files.test = file_in("test.txt");
  if (files.train.empty()) throw Error(folder + ": expected a training file train.txt or s_adj_mat.npz, found neither");
  if (files.test.empty()) throw Error(folder + ": expected a test file test.txt, found none");
  return files;
}

RawInteractions given_split_union(const GivenSplit& split, const std::string& source) {
  RawInteractions raw{IdTable(IdTable::Kind::integer), IdTable(IdTable::Kind::integer), {}, {}, {}, source};
  const std::size_t rows = split.train.nnz() + split.test.nnz();
  raw.user.reserve(rows);
  raw.item.reserve(rows);
  raw.value.assign(rows, 1.0);
  for (const BinaryCsr* part : {&split.train, &split.test})
    for (std::size_t u = 0; u < part->n_rows(); ++u)
      for (const std::uint32_t i : part->row(u)) {
        raw.user.push_back(raw.users.intern(static_cast<std::int64_t>(u)));
        raw.item.push_back(raw.items.intern(static_cast<std::int64_t>(i)));
      }
  if (raw.n_rows() == 0) throw Error(source + ": expected at least one interaction, both files are empty");
  return raw;
}

RawInteractions load_given_split_union(const std::string& folder) {
  const GivenSplitFolderFiles files = given_split_folder_files(folder);
  return given_split_union(load_given_split(files.train, files.test), folder);
}

}  // namespace aelab
