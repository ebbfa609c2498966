#pragma once
// Result files that a rerun reuses when nothing that determines them changed (the approximation-gap
// points, the Proposition's MLP fits): one JSON object per file holding "format" (which aelab writer
// made it), "key" (the SHA-256 of everything that determines its numbers) and the payload fields,
// written atomically. (The sweep's points have their own store, experiments/point_store.hpp, with a
// per-user sidecar.)
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace aelab {

struct StoredRecordKind {
  const char* format;       // e.g. "aelab-gap-point-1"
  const char* name;         // in messages: "gap point" -> "not a gap point file"
  const char* key_meaning;  // in messages: "settings" -> "from other data or settings (its key differs)"
};

// The record at `path` when it exists, parses, has kind.format, passes `well_formed` (the payload's
// fields and types) and carries `key`; otherwise nullopt, with `why` saying why ("" when there is no
// file), checked in that order.
std::optional<nlohmann::json> read_stored_record(const std::string& path, const StoredRecordKind& kind,
                                                 const std::string& key,
                                                 const std::function<bool(const nlohmann::json&)>& well_formed,
                                                 std::string& why);

// Writes `fields` plus "format" and "key" to `path` atomically (folders created as needed).
void write_stored_record(const std::string& path, const StoredRecordKind& kind, const std::string& key,
                         nlohmann::json fields);

}  // namespace aelab
