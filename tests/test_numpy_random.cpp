// The port of numpy's legacy RandomState (core/data/numpy_random.hpp), and the solvers' random starts
// built on it (core/linalg/random_start.hpp), against numpy itself. Every expected value below was
// printed by numpy 1.24.2 (Debian 12 python3-numpy) with the command shown next to it, run as
//   /usr/bin/python3 -c "import numpy as np; rs = np.random.RandomState(...); print(...)"
// (doubles printed with repr); the tests do not need Python.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include <armadillo>

#include "core/data/numpy_random.hpp"
#include "core/linalg/random_start.hpp"
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

TEST_CASE("legacy doubles: random_sample, uniform, and the polar-method Gaussian with its cached second value") {
  // RandomState(98765).random_sample(3) -> [0.088898599949636, 0.94744333447192, 0.7981944001722441]
  NumpyRandomState doubles(98765);
  for (double e : {0.088898599949636, 0.94744333447192, 0.7981944001722441}) CHECK(doubles.random_sample() == e);
  // RandomState(7).uniform(-1, 1, 4)
  NumpyRandomState uniform(7);
  for (double e : {-0.8473834212520857, 0.5598375844802292, -0.123181537118213, 0.44693035566188244})
    CHECK(uniform.uniform(-1, 1) == e);
  // RandomState(98765).standard_normal(5). The values go through libm's log, so they are compared to
  // 1e-15 rather than bit for bit (they are bit-identical with glibc).
  NumpyRandomState gauss(98765);
  for (double e : {-0.650441703609501, 0.8503419468382726, 1.0750098966701982, -1.7941657073159096, 0.9378183038095053})
    CHECK(gauss.standard_normal() == doctest::Approx(e).epsilon(1e-15));
  // rs = RandomState(98765); rs.standard_normal(1); rs.randint(0, 2**32, 1, dtype='uint32') -> [1530398729]:
  // the first Gaussian consumes one accepted polar pair (four outputs here) and caches the second value,
  // so the raw stream is where numpy's is.
  NumpyRandomState cached(98765);
  cached.standard_normal();
  CHECK(cached.next_uint32() == 1530398729u);
  // Reseeding forgets the cached value: the first draw after seed(98765) is the first of a fresh state.
  cached.seed(98765);
  CHECK(cached.standard_normal() == doctest::Approx(-0.650441703609501).epsilon(1e-15));
}

TEST_CASE("seeds of 2^32 and above: numpy's array seeding over the 32-bit words, least significant first") {
  // RandomState(2**32) raises ValueError in numpy; aelab seeds s as RandomState([s & 0xffffffff, s >> 32]):
  //   RandomState([5, 256]).randint(0, 2**32, 3, dtype='uint32')                -> [2166296868 2220160828 1153647273]
  //   RandomState([0xffffffff, 0xffffffff]).randint(0, 2**32, 3, dtype='uint32') -> [  93740670 1068495656 1452108352]
  NumpyRandomState words((std::uint64_t{256} << 32) | 5);
  for (std::uint32_t e : {2166296868u, 2220160828u, 1153647273u}) CHECK(words.next_uint32() == e);
  NumpyRandomState top(~std::uint64_t{0});
  for (std::uint32_t e : {93740670u, 1068495656u, 1452108352u}) CHECK(top.next_uint32() == e);
  // The largest seed of the integer form still uses init_genrand (the first test case's values).
  NumpyRandomState below(0xffffffffull);
  CHECK(below.next_uint32() == 419326371u);
}

TEST_CASE("gaussian_start equals RandomState(seed).normal(0, std, (rows, cols)) in C order") {
  // RandomState(0).normal(0, 1e-4, (2, 3)).ravel()
  const std::vector<double> expected = {0.0001764052345967664, 4.001572083672233e-05, 9.787379841057393e-05,
                                        0.00022408931992014578, 0.00018675579901499675, -9.77277879876411e-05};
  const arma::mat M = aelab::gaussian_start<double>(2, 3, 1e-4, 0);
  for (arma::uword i = 0; i < 2; ++i)
    for (arma::uword j = 0; j < 3; ++j) CHECK(M(i, j) == doctest::Approx(expected[i * 3 + j]).epsilon(1e-15));
  // float starts are the same draws rounded to float.
  const arma::fmat F = aelab::gaussian_start<float>(2, 3, 1e-4, 0);
  CHECK(F(1, 2) == static_cast<float>(M(1, 2)));
  // x = RandomState(3).normal(0, 1e-4, (1000, 7)); (x * np.arange(7000).reshape(1000, 7)).sum()
  //   -> -83.60114558471251, x[999, 6] -> 9.899619706318977e-05 (a weighted sum: any other order differs)
  const arma::mat L = aelab::gaussian_start<double>(1000, 7, 1e-4, 3);
  double weighted = 0;
  for (arma::uword i = 0; i < 1000; ++i)
    for (arma::uword j = 0; j < 7; ++j) weighted += L(i, j) * static_cast<double>(i * 7 + j);
  CHECK(weighted == doctest::Approx(-83.60114558471251).epsilon(1e-12));
  CHECK(L(999, 6) == doctest::Approx(9.899619706318977e-05).epsilon(1e-15));
  // RandomState([0, 1]).normal(0, 0.5, 3): the seed 2^32.
  const arma::mat W = aelab::gaussian_start<double>(3, 1, 0.5, std::uint64_t{1} << 32);
  CHECK(W(0, 0) == doctest::Approx(-0.10049556240049007).epsilon(1e-15));
  CHECK(W(1, 0) == doctest::Approx(-0.473309213907143).epsilon(1e-15));
  CHECK(W(2, 0) == doctest::Approx(0.020011336632305008).epsilon(1e-15));
}
