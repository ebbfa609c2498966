#pragma once
// The .npy array format of numpy (numpy/lib/format.py), read side, limited to what
// scipy.sparse.save_npz stores: 0-d and 1-d arrays of booleans, integers, floats and fixed-width
// strings, in either byte order. A file is the magic "\x93NUMPY", a version byte pair (1.0, 2.0 or
// 3.0), the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), the header text (a
// Python dict literal {'descr': '<i4', 'fortran_order': False, 'shape': (5,), }) and the raw elements.
// docs/GIVEN_SPLIT.md (section 2) lists what is accepted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aelab {

struct NpyDtype {
  // `other` covers every dtype aelab does not decode (float16, complex, object, datetime, structured).
  enum class Kind { boolean, signed_integer, unsigned_integer, floating, bytes, unicode, other };
  Kind kind = Kind::other;
  std::size_t item_size = 0;  // bytes per element
  bool big_endian = false;    // '>'; '<' and '|' (single bytes) read as little-endian
  std::string descr;          // as written in the header ("<i4"), for messages
};

struct NpyHeader {
  int major_version = 1, minor_version = 0;
  NpyDtype dtype;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
  std::size_t data_offset = 0;  // bytes from the start of the file to the first element

  // Product of the shape (1 for a 0-d array); throws aelab::Error when it overflows 64 bits.
  std::uint64_t element_count(const std::string& where) const;
  // "(5,)", "(2, 3)", "()" as numpy prints shapes.
  std::string shape_text() const;
};

// Bytes needed to know the header's full size: magic, version and the longest length field.
constexpr std::size_t kNpyPrefixBytes = 12;

// The total header size (data_offset) from the first bytes of a file (at least 8; 12 for versions
// 2.0 and 3.0). `where` names the array in messages ("data/x.npz: indices.npy").
std::size_t npy_header_size(std::string_view prefix, const std::string& where);
// Parses a complete header (`bytes` holds at least npy_header_size bytes). Throws aelab::Error
// "<where>: expected ..., got ..." for a bad magic, an unsupported version, a malformed dict, a
// missing or unknown key, or a shape that is not a tuple of non-negative integers.
NpyHeader parse_npy_header(std::string_view bytes, const std::string& where);

// One element of an integer or boolean array as raw bits in host order: unsigned values
// zero-extended, signed ones sign-extended to 64 bits.
std::uint64_t npy_integer_bits(const unsigned char* element, const NpyDtype& dtype);
// A floating element (float32 or float64) as a double.
double npy_floating_value(const unsigned char* element, const NpyDtype& dtype);

}  // namespace aelab
