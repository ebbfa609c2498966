// The port of numpy's legacy RandomState (core/data/numpy_random.hpp) against numpy itself. Every expected
// value below was printed by numpy 1.24.2 (Debian 12 python3-numpy) with the command shown next to
// it; the tests do not need Python.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "core/data/numpy_random.hpp"
#include "core/util/error.hpp"

using aelab::NumpyRandomState;

TEST_CASE("raw MT19937 outputs after seeding 98765") {
  // /usr/bin/python3 -c "import numpy as np; rs = np.random.RandomState(98765);
  //     print(rs.randint(0, 2**32, 5, dtype='uint32'))"
  // randint over the full uint32 range returns raw generator outputs (numpy's bounded_uint32 takes
  // the `rng == 0xFFFFFFFF` shortcut): the init_genrand state and the tempering are what is checked.
  NumpyRandomState rng(98765);
  const std::vector<std::uint32_t> expected = {381816597u, 462228979u, 4069238124u, 3270897581u, 3428218845u};
  for (std::uint32_t e : expected) CHECK(rng.next_uint32() == e);

  // Other seeds, including the extremes of the allowed range:
  //   RandomState(0).randint(0, 2**32, 3, dtype='uint32')          -> [2357136044 2546248239 3071714933]
  //   RandomState(2**32-1).randint(0, 2**32, 3, dtype='uint32')    -> [ 419326371  479346978 3918654476]
  NumpyRandomState zero(0), top(0xffffffffu);
  CHECK(zero.next_uint32() == 2357136044u);
  CHECK(zero.next_uint32() == 2546248239u);
  CHECK(zero.next_uint32() == 3071714933u);
  CHECK(top.next_uint32() == 419326371u);
  CHECK(top.next_uint32() == 479346978u);
  CHECK(top.next_uint32() == 3918654476u);
}

TEST_CASE("bounded integers: 32-bit masked rejection and 64-bit draws") {
  // RandomState(98765).randint(0, 1000, 5, dtype='int64') -> [789 499 364 941 989]
  // (legacy masked rejection on 32-bit outputs: mask 1023, reject > 999 — the same draw as
  // random_interval(999), which permutation uses)
  NumpyRandomState rng(98765);
  for (std::uint64_t e : {789u, 499u, 364u, 941u, 989u}) CHECK(rng.random_interval(999) == e);

  // RandomState(98765).randint(0, 2**40, 3, dtype='int64') -> [ 90656542195 467127365549 953025074096]
  // (max > 0xffffffff: 64-bit outputs (first << 32 | second), masked with 2^40 - 1)
  NumpyRandomState wide(98765);
  for (std::uint64_t e : {90656542195ull, 467127365549ull, 953025074096ull})
    CHECK(wide.random_interval((std::uint64_t{1} << 40) - 1) == e);

  NumpyRandomState same(7);
  CHECK(same.random_interval(0) == 0);  // max 0 consumes nothing
  NumpyRandomState fresh(7);
  CHECK(same.next_uint32() == fresh.next_uint32());
}

TEST_CASE("permutation and choice without replacement, seed 98765") {
  // RandomState(98765).permutation(10) -> [8 7 1 2 0 6 9 4 3 5]
  NumpyRandomState rng(98765);
  CHECK(rng.permutation(10) == std::vector<std::uint64_t>{8, 7, 1, 2, 0, 6, 9, 4, 3, 5});

  // RandomState(98765).choice(7, 2, replace=False) -> [2 0]
  NumpyRandomState c(98765);
  CHECK(c.choice_without_replacement(7, 2) == std::vector<std::uint64_t>{2, 0});

  // rs = RandomState(98765); rs.choice(7, 2, replace=False); rs.choice(5, 0, replace=False);
  // rs.permutation(4) -> [1 0 2 3]: choice consumes a whole permutation, even for size 0.
  CHECK(c.choice_without_replacement(5, 0).empty());
  CHECK(c.permutation(4) == std::vector<std::uint64_t>{1, 0, 2, 3});

  // rs = RandomState(98765); rs.permutation(0); rs.permutation(1); rs.permutation(4) -> [] [0] [2 3 0 1]
  NumpyRandomState small(98765);
  CHECK(small.permutation(0).empty());
  CHECK(small.permutation(1) == std::vector<std::uint64_t>{0});
  CHECK(small.permutation(4) == std::vector<std::uint64_t>{2, 3, 0, 1});

  // rs = RandomState(98765); rs.randint(0, 2**32, 5, dtype='uint32'); rs.permutation(10)
  //   -> [5 9 2 7 8 4 1 3 6 0]: the stream continues across kinds of draws.
  NumpyRandomState mixed(98765);
  for (int i = 0; i < 5; ++i) mixed.next_uint32();
  CHECK(mixed.permutation(10) == std::vector<std::uint64_t>{5, 9, 2, 7, 8, 4, 1, 3, 6, 0});

  CHECK_THROWS_AS(NumpyRandomState(1).choice_without_replacement(3, 4), aelab::Error);
}

TEST_CASE("a large permutation: first values and a checksum") {
  // p = RandomState(98765).permutation(100000); p[:5] -> [26379 32070  3170 97436  8942];
  // int((p.astype(np.int64) * np.arange(100000, dtype=np.int64)).sum()) -> 249988826052918
  NumpyRandomState rng(98765);
  const std::vector<std::uint64_t> p = rng.permutation(100000);
  CHECK(std::vector<std::uint64_t>(p.begin(), p.begin() + 5) == std::vector<std::uint64_t>{26379, 32070, 3170, 97436, 8942});
  std::uint64_t checksum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) checksum += p[i] * i;
  CHECK(checksum == 249988826052918ull);

  // The buffer-reusing overload draws the same numbers.
  NumpyRandomState again(98765);
  std::vector<std::uint32_t> q;
  again.permutation(100000, q);
  REQUIRE(q.size() == p.size());
  bool same = true;
  for (std::size_t i = 0; i < p.size(); ++i) same = same && q[i] == p[i];
  CHECK(same);
}
