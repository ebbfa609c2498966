#pragma once
// Precision of the dense linear algebra (Gram, inverse, eigenvectors, factors).
#include <string>

#include "core/util/error.hpp"

namespace aelab {

enum class Dtype { float32, float64 };

inline const char* dtype_name(Dtype d) { return d == Dtype::float32 ? "float32" : "float64"; }

inline Dtype parse_dtype(const std::string& s) {
  if (s == "float32") return Dtype::float32;
  if (s == "float64") return Dtype::float64;
  throw Error("dtype: expected \"float32\" or \"float64\", got \"" + s + "\"");
}

inline std::size_t dtype_bytes(Dtype d) { return d == Dtype::float32 ? 4 : 8; }

template <typename T>
constexpr Dtype dtype_of();
template <>
constexpr Dtype dtype_of<float>() { return Dtype::float32; }
template <>
constexpr Dtype dtype_of<double>() { return Dtype::float64; }

}  // namespace aelab
