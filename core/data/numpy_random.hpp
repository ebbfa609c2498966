#pragma once
// A port of numpy's legacy RandomState (numpy/random/mtrand.pyx, legacy distributions), limited to
// what the strong-generalization protocol draws: seeding, raw 32/64-bit outputs, bounded integers,
// permutation and choice without replacement. Same seed, same calls => the same numbers as numpy,
// which is what makes aelab's splits byte-identical to the Mult-VAE / EDLAE preprocessing.
//
//   seed(s)              RandomState(s) / np.random.seed(s) for an integer s in [0, 2^32): MT19937
//                        init_genrand(s). std::mt19937 specifies exactly this seeding and generator.
//   next_uint32()        one raw MT19937 output (randint(0, 2**32, dtype='uint32') returns these).
//   next_uint64()        (first << 32) | second, as numpy's mt19937_next64.
//   random_interval(m)   legacy bounded draw in [0, m]: mask = smallest all-ones >= m; draw 32-bit
//                        outputs (64-bit when m > 0xffffffff), AND the mask, reject values > m.
//   permutation(n)       arange(n) shuffled by Fisher-Yates from the back:
//                        for i = n-1 down to 1: j = random_interval(i); swap(a[i], a[j]).
//   choice(n, s)         choice(n, s, replace=False) without weights = permutation(n)[:s]; the whole
//                        shuffle is consumed even when s is 0.
#include <cstdint>
#include <random>
#include <vector>

namespace aelab {

class NumpyRandomState {
 public:
  explicit NumpyRandomState(std::uint32_t seed) : engine_(seed) {}
  void seed(std::uint32_t seed) { engine_.seed(seed); }

  std::uint32_t next_uint32() { return static_cast<std::uint32_t>(engine_()); }
  std::uint64_t next_uint64();
  std::uint64_t random_interval(std::uint64_t max);

  std::vector<std::uint64_t> permutation(std::size_t n);
  // permutation(n) written into `out` (resized to n): reuses the caller's buffer in hot loops.
  void permutation(std::size_t n, std::vector<std::uint32_t>& out);
  std::vector<std::uint64_t> choice_without_replacement(std::size_t n, std::size_t size);

 private:
  std::mt19937 engine_;
};

}  // namespace aelab
