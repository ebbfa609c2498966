#include "core/data/zip_archive.hpp"

#include <sys/stat.h>
#include <zip.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/util/error.hpp"

namespace aelab {

namespace {

// libzip's message for an error code ("Not a zip archive"), lower-cased for the middle of a sentence.
std::string zip_message(zip_error_t* error) {
  std::string text = zip_error_strerror(error);
  if (!text.empty() && !(text.size() > 1 && std::isupper(static_cast<unsigned char>(text[1]))))
    text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string zip_message(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_message(&error);
  zip_error_fini(&error);
  return text;
}

}  // namespace

ZipArchive::Member::Member(zip_file* file, std::string where, std::string name, std::uint64_t size)
    : file_(file, zip_fclose), where_(std::move(where)), name_(std::move(name)), size_(size) {}

ZipArchive::Member::~Member() = default;

void ZipArchive::Member::read(void* out, std::size_t bytes) {
  auto* cursor = static_cast<unsigned char*>(out);
  std::size_t left = bytes;
  while (left > 0) {
    const zip_int64_t got = zip_fread(file_.get(), cursor, left);
    if (got < 0) throw Error(where_ + ": cannot read the zip member: " + zip_message(zip_file_get_error(file_.get())));
    if (got == 0)
      throw Error(where_ + ": expected " + std::to_string(consumed_ + bytes) + " bytes, got " +
                  std::to_string(consumed_ + (bytes - left)) + " (the member ends early)");
    cursor += got;
    left -= static_cast<std::size_t>(got);
  }
  consumed_ += bytes;
}

void ZipArchive::Member::expect_end() {
  unsigned char extra;
  const zip_int64_t got = zip_fread(file_.get(), &extra, 1);
  if (got < 0) throw Error(where_ + ": cannot read the zip member: " + zip_message(zip_file_get_error(file_.get())));
  if (got > 0)
    throw Error(where_ + ": expected " + std::to_string(consumed_) + " bytes, got more (data after the array)");
}

ZipArchive::ZipArchive(std::string path) : path_(std::move(path)), archive_(nullptr, zip_discard) {
  struct stat info {};
  if (::stat(path_.c_str(), &info) != 0) throw Error(path_ + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) throw Error(path_ + ": cannot open: not a regular file");
  const std::string expected = path_ + ": expected a zip archive (a .npz file as numpy.savez and scipy.sparse.save_npz write), got ";
  // libzip opens an empty file as an empty archive.
  if (info.st_size == 0) throw Error(expected + "an empty file");
  int code = 0;
  zip_t* archive = zip_open(path_.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!archive) {
    if (code == ZIP_ER_OPEN || code == ZIP_ER_READ) throw Error(path_ + ": cannot open: " + zip_message(code));
    if (code == ZIP_ER_NOZIP) throw Error(expected + "a file that is not one, or a truncated one");
    throw Error(expected + "a damaged one (" + zip_message(code) + ")");
  }
  archive_.reset(archive);
}

ZipArchive::~ZipArchive() = default;

std::vector<std::string> ZipArchive::member_names() const {
  std::vector<std::string> names;
  const zip_int64_t n = zip_get_num_entries(archive_.get(), 0);
  for (zip_int64_t i = 0; i < n; ++i)
    if (const char* name = zip_get_name(archive_.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW)) names.emplace_back(name);
  return names;
}

bool ZipArchive::contains(const std::string& name) const {
  return zip_name_locate(archive_.get(), name.c_str(), ZIP_FL_ENC_RAW) >= 0;
}

ZipArchive::Member ZipArchive::open(const std::string& name) const {
  const zip_int64_t index = zip_name_locate(archive_.get(), name.c_str(), ZIP_FL_ENC_RAW);
  if (index < 0) {
    std::string names;
    for (const auto& n : member_names()) names += (names.empty() ? "" : ", ") + n;
    throw Error(path_ + ": expected a member " + name + ", got " + (names.empty() ? "no members" : "only " + names));
  }
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
    throw Error(path_ + ": " + name + ": cannot read the zip member's size: " + zip_message(zip_get_error(archive_.get())));
  zip_file_t* file = zip_fopen_index(archive_.get(), static_cast<zip_uint64_t>(index), 0);
  if (!file) throw Error(path_ + ": " + name + ": cannot open the zip member: " + zip_message(zip_get_error(archive_.get())));
  return Member(file, path_ + ": " + name, name, stat.size);
}

}  // namespace aelab
