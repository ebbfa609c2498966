#pragma once
// A port of numpy's legacy RandomState (numpy/random/mtrand.pyx, legacy distributions), limited to
// what aelab draws: seeding, raw 32/64-bit outputs, bounded integers, permutation and choice without
// replacement (the strong-generalization protocol), and uniform and Gaussian doubles (the solvers'
// random starts, core/linalg/random_start.hpp). Same seed, same calls => the same numbers as numpy,
// which is what makes aelab's splits byte-identical to the Mult-VAE / EDLAE preprocessing.
//
//   seed(s)              s < 2^32: RandomState(s) / np.random.seed(s), MT19937 init_genrand(s)
//                        (std::mt19937 specifies exactly this seeding and generator). s >= 2^32, which
//                        numpy's integer form refuses: numpy's array form over the 32-bit words of s,
//                        least significant first, RandomState([s & 0xffffffff, s >> 32])
//                        (init_by_array). Either resets the cached Gaussian.
//   next_uint32()        one raw MT19937 output (randint(0, 2**32, dtype='uint32') returns these).
//   next_uint64()        (first << 32) | second, as numpy's mt19937_next64.
//   random_interval(m)   legacy bounded draw in [0, m]: mask = smallest all-ones >= m; draw 32-bit
//                        outputs (64-bit when m > 0xffffffff), AND the mask, reject values > m.
//   permutation(n)       arange(n) shuffled by Fisher-Yates from the back:
//                        for i = n-1 down to 1: j = random_interval(i); swap(a[i], a[j]).
//   choice(n, s)         choice(n, s, replace=False) without weights = permutation(n)[:s]; the whole
//                        shuffle is consumed even when s is 0.
//   random_sample()      legacy double in [0, 1): (a >> 5, b >> 6) of two outputs, (a 2^26 + b) / 2^53.
//   uniform(lo, hi)      lo + (hi - lo) random_sample(), as RandomState.uniform.
//   standard_normal()    legacy_gauss: the polar method on 2 random_sample() - 1 pairs, rejecting
//                        r2 >= 1 and r2 = 0; f = sqrt(-2 log(r2) / r2) returns f x2 and keeps f x1 for
//                        the next call. The values depend on libm's log (sqrt is exact), not on the
//                        standard library's <random> distributions, which differ between implementations.
//   normal(loc, scale)   loc + scale standard_normal(), as RandomState.normal.
#include <cstdint>
#include <random>
#include <vector>

namespace aelab {

class NumpyRandomState {
 public:
  explicit NumpyRandomState(std::uint64_t seed) { this->seed(seed); }
  void seed(std::uint64_t seed);

  std::uint32_t next_uint32() { return static_cast<std::uint32_t>(engine_()); }
  std::uint64_t next_uint64();
  std::uint64_t random_interval(std::uint64_t max);

  std::vector<std::uint64_t> permutation(std::size_t n);
  // permutation(n) written into `out` (resized to n): reuses the caller's buffer in hot loops.
  void permutation(std::size_t n, std::vector<std::uint32_t>& out);
  std::vector<std::uint64_t> choice_without_replacement(std::size_t n, std::size_t size);

  double random_sample();
  double uniform(double low, double high) { return low + (high - low) * random_sample(); }
  double standard_normal();
  double normal(double loc, double scale) { return loc + scale * standard_normal(); }

 private:
  std::mt19937 engine_;
  bool has_gauss_ = false;  // the polar method's second value, returned by the next standard_normal()
  double gauss_ = 0;
};

}  // namespace aelab
