#pragma once
// Read-only access to the members of a zip archive (the container of numpy's .npz files) through
// libzip, which inflates deflated members, reads stored ones, handles zip64 and checks each member's
// CRC-32. Every failure is one aelab::Error line naming the archive (and the member).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct zip;
struct zip_file;

namespace aelab {

class ZipArchive {
 public:
  // One member opened for sequential reading.
  class Member {
   public:
    Member(Member&&) noexcept = default;
    Member& operator=(Member&&) noexcept = default;
    ~Member();
    const std::string& name() const { return name_; }
    // Uncompressed size in bytes, from the archive's directory.
    std::uint64_t size() const { return size_; }
    // Reads exactly `bytes` bytes; throws "<archive>: <member>: ..." on a short read or a libzip error.
    void read(void* out, std::size_t bytes);
    // Checks that the member ends here; reading to the end is what makes libzip verify the CRC-32.
    void expect_end();

   private:
    friend class ZipArchive;
    Member(zip_file* file, std::string where, std::string name, std::uint64_t size);
    std::unique_ptr<zip_file, int (*)(zip_file*)> file_;
    std::string where_;  // "<archive>: <member>" for messages
    std::string name_;
    std::uint64_t size_ = 0;
    std::uint64_t consumed_ = 0;
  };

  // Throws "<path>: cannot open: ..." for a missing or unreadable file and "<path>: expected a zip
  // archive ..., got ..." when libzip does not recognise one.
  explicit ZipArchive(std::string path);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::string& path() const { return path_; }
  std::vector<std::string> member_names() const;
  bool contains(const std::string& name) const;
  // Throws "<path>: expected a member <name> ..., got members a, b" when it is absent.
  Member open(const std::string& name) const;

 private:
  std::string path_;
  std::unique_ptr<zip, void (*)(zip*)> archive_;
};

}  // namespace aelab
