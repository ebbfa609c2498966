#include "core/data/raw_interactions.hpp"

#include <algorithm>
#include <numeric>

#include "core/util/error.hpp"

namespace aelab {

namespace {
// Ids below this bound are looked up in a flat table (at most 128 MiB; ML-20M needs 0.5 MiB for its
// movie ids, Netflix 10 MiB for its user ids). Larger or negative ids use the hash map.
constexpr std::int64_t kDenseIdLimit = std::int64_t{1} << 25;
constexpr std::size_t kMaxIds = IdTable::npos;  // indices are 32-bit; npos is reserved
}  // namespace

IdTable::IdTable(const IdTable& other)
    : kind_(other.kind_), numbers_(other.numbers_), strings_(other.strings_), dense_index_(other.dense_index_),
      number_index_(other.number_index_) {
  rebuild_string_index();
}

IdTable& IdTable::operator=(const IdTable& other) {
  if (this != &other) {
    kind_ = other.kind_;
    numbers_ = other.numbers_;
    strings_ = other.strings_;
    dense_index_ = other.dense_index_;
    number_index_ = other.number_index_;
    rebuild_string_index();
  }
  return *this;
}

void IdTable::rebuild_string_index() {
  string_index_.clear();
  string_index_.reserve(strings_.size());
  for (std::size_t i = 0; i < strings_.size(); ++i) string_index_.emplace(strings_[i], static_cast<std::uint32_t>(i));
}

std::uint32_t IdTable::add_number(std::int64_t id) {
  if (numbers_.size() >= kMaxIds) throw Error("IdTable: more than 2^32 - 1 distinct ids");
  numbers_.push_back(id);
  return static_cast<std::uint32_t>(numbers_.size() - 1);
}

std::uint32_t IdTable::intern(std::int64_t id) {
  if (kind_ != Kind::integer) throw Error("IdTable: integer id interned into a table of string ids");
  if (id >= 0 && id < kDenseIdLimit) {
    const auto slot = static_cast<std::size_t>(id);
    if (slot >= dense_index_.size())
      dense_index_.resize(std::min<std::size_t>(std::max(slot + 1, 2 * dense_index_.size()), kDenseIdLimit), npos);
    std::uint32_t& index = dense_index_[slot];
    if (index == npos) index = add_number(id);
    return index;
  }
  auto it = number_index_.find(id);
  if (it != number_index_.end()) return it->second;
  const std::uint32_t index = add_number(id);
  number_index_.emplace(id, index);
  return index;
}

std::uint32_t IdTable::intern(std::string_view id) {
  if (kind_ != Kind::string) throw Error("IdTable: string id interned into a table of integer ids");
  auto it = string_index_.find(id);
  if (it != string_index_.end()) return it->second;
  if (strings_.size() >= kMaxIds) throw Error("IdTable: more than 2^32 - 1 distinct ids");
  strings_.emplace_back(id);
  const auto index = static_cast<std::uint32_t>(strings_.size() - 1);
  string_index_.emplace(strings_.back(), index);
  return index;
}

std::uint32_t IdTable::find(std::int64_t id) const {
  if (kind_ != Kind::integer) return npos;
  if (id >= 0 && id < kDenseIdLimit) {
    const auto slot = static_cast<std::size_t>(id);
    return slot < dense_index_.size() ? dense_index_[slot] : npos;
  }
  auto it = number_index_.find(id);
  return it == number_index_.end() ? npos : it->second;
}

std::uint32_t IdTable::find(std::string_view id) const {
  if (kind_ != Kind::string) return npos;
  auto it = string_index_.find(id);
  return it == string_index_.end() ? npos : it->second;
}

std::string IdTable::text(std::uint32_t index) const {
  return kind_ == Kind::integer ? std::to_string(numbers_[index]) : strings_[index];
}

std::vector<std::uint32_t> IdTable::sorted_indices() const {
  std::vector<std::uint32_t> order(size());
  std::iota(order.begin(), order.end(), 0u);
  // Ids are distinct, so the order is total. std::string compares bytes as unsigned char, which for
  // UTF-8 text is code-point order: Python's (and pandas') order of str.
  if (kind_ == Kind::integer)
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return numbers_[a] < numbers_[b]; });
  else
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return strings_[a] < strings_[b]; });
  return order;
}

}  // namespace aelab
