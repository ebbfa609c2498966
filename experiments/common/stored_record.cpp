#include "experiments/common/stored_record.hpp"

#include <filesystem>

#include "core/util/error.hpp"
#include "core/util/file_reader.hpp"
#include "core/util/file_writer.hpp"
#include "core/util/json_text.hpp"

namespace aelab {

std::optional<nlohmann::json> read_stored_record(const std::string& path, const StoredRecordKind& kind,
                                                 const std::string& key,
                                                 const std::function<bool(const nlohmann::json&)>& well_formed,
                                                 std::string& why) {
  why.clear();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  const std::optional<std::string> text = read_file_bytes(path);
  if (!text) {
    why = "unreadable";
    return std::nullopt;
  }
  nlohmann::json stored;
  try {
    stored = parse_json_checked(*text, path);
  } catch (const Error& e) {
    why = std::string("not a ") + kind.name + " file (" + e.what() + ")";
    return std::nullopt;
  }
  if (!stored.is_object() || stored.value("format", "") != kind.format || !well_formed(stored)) {
    why = std::string("not a ") + kind.name + " file";
    return std::nullopt;
  }
  if (stored.value("key", "") != key) {
    why = std::string("from other data or ") + kind.key_meaning + " (its key differs)";
    return std::nullopt;
  }
  return stored;
}

void write_stored_record(const std::string& path, const StoredRecordKind& kind, const std::string& key,
                         nlohmann::json fields) {
  fields["format"] = kind.format;
  fields["key"] = key;
  write_file_atomically(path, fields.dump(1) + "\n");
}

}  // namespace aelab
