#pragma once
// Raw interaction rows as loaded, in file order, before binarization, filtering and splitting.
// Original ids are interned: rows store small indices, IdTable maps them back to the original ids.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace aelab {

// Interned original ids of one kind (users or items). Ids are either all integers (MovieLens,
// Netflix, CiteULike, HetRec: sorted numerically by the protocol) or all strings (MSD: sorted
// lexicographically). Index order is first-appearance order.
class IdTable {
 public:
  enum class Kind { integer, string };
  explicit IdTable(Kind kind = Kind::integer) : kind_(kind) {}
  // The string index holds views into strings_, so a copy rebuilds it; moves keep it valid.
  IdTable(const IdTable& other);
  IdTable& operator=(const IdTable& other);
  IdTable(IdTable&&) = default;
  IdTable& operator=(IdTable&&) = default;
  Kind kind() const { return kind_; }
  std::uint32_t intern(std::int64_t id);           // Kind::integer only
  std::uint32_t intern(std::string_view id);       // Kind::string only
  std::size_t size() const { return kind_ == Kind::integer ? numbers_.size() : strings_.size(); }
  std::int64_t number(std::uint32_t index) const { return numbers_[index]; }
  const std::string& string(std::uint32_t index) const { return strings_[index]; }
  std::string text(std::uint32_t index) const;  // the id as the reference writes it ("%s")
  // Indices sorted by original id (numeric or lexicographic), as pandas groupby orders them.
  std::vector<std::uint32_t> sorted_indices() const;
  // Index of an id already interned, or npos when it is unknown.
  static constexpr std::uint32_t npos = 0xffffffffu;
  std::uint32_t find(std::int64_t id) const;
  std::uint32_t find(std::string_view id) const;

 private:
  std::uint32_t add_number(std::int64_t id);
  void rebuild_string_index();

  Kind kind_;
  std::vector<std::int64_t> numbers_;
  // A deque never moves its elements, so string_index_ can key on views of them (C++17 has no
  // heterogeneous lookup in unordered_map, and a std::string key would allocate per looked-up row).
  std::deque<std::string> strings_;
  // Small non-negative ids (all MovieLens, Netflix, CiteULike, HetRec ids) index a flat table;
  // others go through the hash map.
  std::vector<std::uint32_t> dense_index_;
  std::unordered_map<std::int64_t, std::uint32_t> number_index_;
  std::unordered_map<std::string_view, std::uint32_t> string_index_;
};

struct RawInteractions {
  IdTable users;
  IdTable items;
  std::vector<std::uint32_t> user;  // per row, index into users
  std::vector<std::uint32_t> item;  // per row, index into items
  std::vector<double> value;        // rating, play count or weight; 1 for implicit formats
  std::string source;               // the file or folder read, for messages
  std::size_t n_rows() const { return user.size(); }
};

}  // namespace aelab
