#include "core/data/vae_cf.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unordered_map>

#include "core/data/text_reader.hpp"
#include "core/util/error.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/memory.hpp"

namespace aelab {

namespace fs = std::filesystem;

namespace {

const char* const kPartFiles[] = {"train.csv", "validation_tr.csv", "validation_te.csv", "test_tr.csv", "test_te.csv"};

VaeCfSplit::Rows read_part(const std::string& path, std::size_t n_items) {
  LineReader reader(path);
  std::string_view line;
  if (!reader.next(line)) throw file_error(path, 1, "expected the header \"uid,sid\", got an empty file");
  if (line != "uid,sid") throw reader.error("expected the header \"uid,sid\", got " + quote_text(line));
  VaeCfSplit::Rows rows;
  rows.reserve(reader.estimated_lines());
  std::vector<std::string_view> fields;
  while (reader.next(line)) {
    if (line.empty()) continue;
    split_fields(line, ",", fields);
    if (fields.size() != 2) throw reader.error("expected 2 comma-separated fields (uid,sid), got " + std::to_string(fields.size()));
    std::int64_t uid, sid;
    if (!parse_int64(fields[0], uid) || uid < 0)
      throw reader.error("expected a non-negative integer uid, got " + quote_text(fields[0]));
    if (!parse_int64(fields[1], sid) || sid < 0)
      throw reader.error("expected a non-negative integer sid, got " + quote_text(fields[1]));
    if (static_cast<std::uint64_t>(sid) >= n_items)
      throw reader.error("expected a sid below " + std::to_string(n_items) + " (the items of unique_sid.txt), got " +
                         std::to_string(sid));
    rows.emplace_back(static_cast<std::uint64_t>(uid), static_cast<std::uint32_t>(sid));
  }
  return rows;
}

// The reference's pandas to_csv(index=False): header "uid,sid", integers as "%d", lines ending "\n".
void write_part(const std::string& path, const VaeCfSplit::Rows& rows) {
  FileWriter out(path, false);
  out.write("uid,sid\n");
  for (const auto& [uid, sid] : rows) {
    out.write_integer(static_cast<std::int64_t>(uid));
    out.put(',');
    out.write_integer(sid);
    out.put('\n');
  }
  out.commit();
}

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Removes a temporary folder on every exit path but success.
class TemporaryFolder {
 public:
  explicit TemporaryFolder(std::string path) : path_(std::move(path)) {}
  ~TemporaryFolder() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  void release() { path_.clear(); }

 private:
  std::string path_;
};

BinaryCsr rows_to_csr(std::size_t n_rows, std::size_t n_cols, const VaeCfSplit::Rows& rows,
                      const std::vector<std::uint64_t>& uids) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  pairs.reserve(rows.size());
  for (const auto& [uid, sid] : rows) {
    const auto r = static_cast<std::uint32_t>(std::lower_bound(uids.begin(), uids.end(), uid) - uids.begin());
    pairs.emplace_back(r, sid);
  }
  return BinaryCsr::from_pairs(n_rows, n_cols, std::move(pairs));
}

HeldOutSet held_out_set(const VaeCfSplit::Rows& fold_in, const VaeCfSplit::Rows& held_out, std::size_t n_items) {
  HeldOutSet set;
  for (const auto* rows : {&fold_in, &held_out})
    for (const auto& row : *rows) set.uids.push_back(row.first);
  std::sort(set.uids.begin(), set.uids.end());
  set.uids.erase(std::unique(set.uids.begin(), set.uids.end()), set.uids.end());
  set.fold_in = rows_to_csr(set.uids.size(), n_items, fold_in, set.uids);
  set.held_out = rows_to_csr(set.uids.size(), n_items, held_out, set.uids);
  return set;
}

std::vector<std::uint64_t> sorted_users(std::initializer_list<const VaeCfSplit::Rows*> parts) {
  std::vector<std::uint64_t> users;
  for (const auto* rows : parts)
    for (const auto& row : *rows) users.push_back(row.first);
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  return users;
}

bool contains(const std::vector<std::uint64_t>& sorted, std::uint64_t uid) {
  return std::binary_search(sorted.begin(), sorted.end(), uid);
}

// A held-out user that is also trained on (or in the other held-out part) would make its metrics
// measure memorisation: the strong-generalization protocol keeps the three user sets disjoint.
void check_disjoint(const std::string& dir, const char* file, const VaeCfSplit::Rows& rows,
                    const std::vector<std::uint64_t>& other, const std::string& other_is) {
  for (const auto& row : rows)
    if (contains(other, row.first))
      throw Error(dir + "/" + file + ": user " + std::to_string(row.first) + " is also " + other_is);
}

// Held-out rows of a user without fold-in rows cannot be predicted from anything (the reference's
// 80/20 fold-in split always leaves a user some fold-in rows).
void check_folded_in(const std::string& dir, const char* file, const VaeCfSplit::Rows& held_out,
                     const VaeCfSplit::Rows& fold_in, const char* fold_in_file) {
  const std::vector<std::uint64_t> folded = sorted_users({&fold_in});
  for (const auto& row : held_out)
    if (!contains(folded, row.first))
      throw Error(dir + "/" + file + ": user " + std::to_string(row.first) + " has no fold-in rows in " + fold_in_file +
                  " (every held-out user needs some)");
}

void check_user_sets(const std::string& dir, const VaeCfSplit& split) {
  const std::vector<std::uint64_t> train = sorted_users({&split.train});
  const std::string trained = "a training user (train.csv); held-out users must not be trained on";
  check_disjoint(dir, kPartFiles[1], split.validation_tr, train, trained);
  check_disjoint(dir, kPartFiles[2], split.validation_te, train, trained);
  check_disjoint(dir, kPartFiles[3], split.test_tr, train, trained);
  check_disjoint(dir, kPartFiles[4], split.test_te, train, trained);
  const std::vector<std::uint64_t> validation = sorted_users({&split.validation_tr, &split.validation_te});
  const std::string validating = "a validation user (validation_tr.csv, validation_te.csv)";
  check_disjoint(dir, kPartFiles[3], split.test_tr, validation, validating);
  check_disjoint(dir, kPartFiles[4], split.test_te, validation, validating);
  check_folded_in(dir, kPartFiles[2], split.validation_te, split.validation_tr, kPartFiles[1]);
  check_folded_in(dir, kPartFiles[4], split.test_te, split.test_tr, kPartFiles[3]);
}

}  // namespace

VaeCfSplit read_vae_cf(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": expected a vae_cf split folder, " +
                                              (fs::exists(dir, ec) ? "got a file" : "it does not exist"));
  VaeCfSplit split;
  {
    LineReader reader(dir + "/unique_sid.txt");
    std::string_view line;
    // sid = line - 1: an item listed twice would be two columns of one item.
    std::unordered_map<std::string, std::size_t> line_of_item;
    while (reader.next(line)) {
      if (line.empty()) throw reader.error("expected an item id, got an empty line");
      const auto [first, inserted] = line_of_item.emplace(std::string(line), reader.line_number());
      if (!inserted)
        throw reader.error("item " + quote_text(line) + " is listed again (first on line " + std::to_string(first->second) + ")");
      split.unique_sid.emplace_back(line);
    }
    if (split.unique_sid.empty()) throw file_error(reader.path(), 1, "expected one item id per line, got an empty file");
  }
  const std::size_t n = split.unique_sid.size();
  split.train = read_part(dir + "/train.csv", n);
  split.validation_tr = read_part(dir + "/validation_tr.csv", n);
  split.validation_te = read_part(dir + "/validation_te.csv", n);
  split.test_tr = read_part(dir + "/test_tr.csv", n);
  split.test_te = read_part(dir + "/test_te.csv", n);
  check_user_sets(dir, split);
  return split;
}

namespace {

fs::path target_folder(const std::string& dir) {
  fs::path target = fs::path(dir);
  if (!target.has_filename()) target = target.parent_path();  // "out/" -> "out"
  return target;
}

fs::path parent_folder(const fs::path& target) { return target.has_parent_path() ? target.parent_path() : fs::path("."); }

}  // namespace

void recover_interrupted_vae_cf_write(const std::string& dir) {
  const fs::path target = target_folder(dir), parent = parent_folder(target);
  std::error_code ec;
  if (!fs::exists(target, ec)) {
    // Killed between moving the old split aside and moving the new one in (the fallback without
    // RENAME_EXCHANGE): the old one is complete.
    const std::string aside = "." + target.filename().string() + ".old-";
    for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
      if (it->path().filename().string().rfind(aside, 0) == 0 && it->is_directory(ec)) {
        fs::rename(it->path(), target, ec);
        break;
      }
  }
  remove_orphaned_temp_files(parent.string(), target.filename().string() + ".");
}

void write_vae_cf(const std::string& dir, const VaeCfSplit& split) {
  if (dir.empty()) throw Error("write_vae_cf: empty output folder name");
  const fs::path target = target_folder(dir), parent = parent_folder(target);
  std::error_code ec;
  if (fs::exists(target, ec) && !fs::is_directory(target, ec))
    throw Error(target.string() + ": exists and is not a folder");
  fs::create_directories(parent, ec);
  if (ec) throw Error(parent.string() + ": cannot create folder: " + ec.message());
  recover_interrupted_vae_cf_write(dir);
  const fs::path temporary = parent / ("." + target.filename().string() + ".tmp-" + temporary_suffix());
  if (!fs::create_directory(temporary, ec) || ec)
    throw Error(temporary.string() + ": cannot create folder: " + (ec ? ec.message() : "it exists"));
  TemporaryFolder cleanup(temporary.string());

  write_part((temporary / kPartFiles[0]).string(), split.train);
  write_part((temporary / kPartFiles[1]).string(), split.validation_tr);
  write_part((temporary / kPartFiles[2]).string(), split.validation_te);
  write_part((temporary / kPartFiles[3]).string(), split.test_tr);
  write_part((temporary / kPartFiles[4]).string(), split.test_te);
  {
    FileWriter out((temporary / "unique_sid.txt").string(), false);  // '%s\n' per item
    for (const auto& sid : split.unique_sid) {
      out.write(sid);
      out.put('\n');
    }
    out.commit();
  }
  sync_directory(temporary.string());

  // Put the new folder in place. An existing one is swapped with the new one in one atomic
  // renameat2(RENAME_EXCHANGE) and only then removed, so that at every moment the target is either the
  // old or the new complete split. File systems without the exchange get two renames; a kill between
  // them leaves the old split aside, which the next write moves back (recover_interrupted_vae_cf_write).
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) throw Error(target.string() + ": exists and is not a folder");
    if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
      fs::remove_all(temporary, ec);  // now the old split
    } else {
      const fs::path aside = parent / ("." + target.filename().string() + ".old-" + temporary_suffix());
      fs::rename(target, aside, ec);
      if (ec) throw Error(target.string() + ": cannot replace the existing folder: " + ec.message());
      fs::rename(temporary, target, ec);
      if (ec) {
        std::error_code restore;
        fs::rename(aside, target, restore);
        throw Error(target.string() + ": cannot move the new split into place: " + ec.message());
      }
      fs::remove_all(aside, ec);
    }
  } else {
    fs::rename(temporary, target, ec);
    if (ec) throw Error(target.string() + ": cannot move the new split into place: " + ec.message());
  }
  cleanup.release();
  sync_directory(parent.string());
}

SplitData to_split_data(const VaeCfSplit& split) {
  const std::size_t n_items = split.unique_sid.size();
  for (const auto* rows : {&split.train, &split.validation_tr, &split.validation_te, &split.test_tr, &split.test_te})
    for (const auto& row : *rows)
      if (row.second >= n_items)
        throw Error("split: sid " + std::to_string(row.second) + " is not below the " + std::to_string(n_items) +
                    " items of unique_sid");
  SplitData data;
  // As the reference's load_train_data: n_users = max(uid) + 1, row r = uid r.
  std::uint64_t max_uid = 0;
  for (const auto& row : split.train) max_uid = std::max(max_uid, row.first);
  const std::size_t n_train = split.train.empty() ? 0 : static_cast<std::size_t>(max_uid) + 1;
  if (n_train > std::numeric_limits<std::uint32_t>::max()) throw Error("split: training uids exceed 2^32");
  // One stray large uid would otherwise allocate a row pointer for every uid below it.
  if (n_train > (std::size_t{1} << 24))
    ensure_memory(n_train * 2 * sizeof(std::uint64_t),
                  "the " + std::to_string(n_train) + " rows that training uid " + std::to_string(max_uid) +
                      " implies (train.csv; uids are row indices)",
                  false);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  pairs.reserve(split.train.size());
  for (const auto& [uid, sid] : split.train) pairs.emplace_back(static_cast<std::uint32_t>(uid), sid);
  data.train = BinaryCsr::from_pairs(n_train, n_items, std::move(pairs));
  data.validation = held_out_set(split.validation_tr, split.validation_te, n_items);
  data.test = held_out_set(split.test_tr, split.test_te, n_items);
  data.item_ids = split.unique_sid;
  return data;
}

}  // namespace aelab
