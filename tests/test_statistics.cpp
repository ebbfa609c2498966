// Paired significance tests and their distributions against scipy 1.10.1 (Debian 12's python3-scipy).
// The expected values were computed offline with /usr/bin/python3 and are recorded here; the
// commands are quoted next to each group. The vectors are built from integer formulas so that
// Python and C++ produce the same doubles:
//   a_i = ((i*37) % 101) / 101,  b_i = ((i*53) % 97) / 97 (+ offset)
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "core/util/error.hpp"
#include "core/stats/statistics.hpp"

using namespace aelab;

namespace {

std::vector<double> formula(int from, int to, int multiplier, int modulus, double offset = 0) {
  std::vector<double> v;
  for (int i = from; i < to; ++i) v.push_back(double((i * multiplier) % modulus) / double(modulus) + offset);
  return v;
}

// Relative agreement to `digits` significant digits.
void check_close(double actual, double expected, double relative = 1e-10) {
  CHECK(std::fabs(actual - expected) <= relative * std::fabs(expected));
}

}  // namespace

TEST_CASE("regularized incomplete beta = scipy.special.betainc") {
  // scipy.special.betainc(a, b, x) for the (a, b, x) below.
  check_close(regularized_incomplete_beta(0.5, 0.5, 0.3), 0.3690101195655454);
  check_close(regularized_incomplete_beta(2, 3, 0.4), 0.5247999999999999);  // = 0.5248 exactly
  check_close(regularized_incomplete_beta(10, 0.5, 0.9), 0.15164090963470997);
  check_close(regularized_incomplete_beta(25000, 0.5, 0.9995), 5.715212578977128e-07, 1e-8);
  check_close(regularized_incomplete_beta(0.5, 25000, 1e-5), 0.5204987793544217, 1e-8);
  check_close(regularized_incomplete_beta(100, 200, 0.35), 0.7325714649575363);
  CHECK(regularized_incomplete_beta(2, 3, 0) == 0);
  CHECK(regularized_incomplete_beta(2, 3, 1) == 1);
  CHECK(std::isnan(regularized_incomplete_beta(-1, 3, 0.5)));
}

TEST_CASE("Student t and normal tails = scipy.stats.t.sf / norm.sf") {
  // scipy.stats.t.sf(t, df)
  check_close(student_t_sf(0.5, 1), 0.3524163823495668);
  check_close(student_t_sf(2.0, 2), 0.09175170953613696);
  check_close(student_t_sf(1.96, 30), 0.029671156448025263);
  check_close(student_t_sf(-1.3, 7), 0.8826160823038114);
  check_close(student_t_sf(5.0, 49999), 2.8761927222735347e-07, 1e-8);
  check_close(student_t_sf(8.0, 1000), 1.7133307411957495e-15, 1e-8);
  check_close(student_t_sf(0.01, 100000), 0.49601065365941155);
  check_close(student_t_sf(12.0, 5), 3.544746258580764e-05);
  CHECK(student_t_sf(0, 10) == doctest::Approx(0.5).epsilon(1e-15));
  // scipy.stats.norm.sf(z)
  CHECK(normal_sf(0.0) == 0.5);
  check_close(normal_sf(1.0), 0.15865525393145707, 1e-14);
  check_close(normal_sf(1.96), 0.024997895148220435, 1e-14);
  check_close(normal_sf(-2.5), 0.9937903346742238, 1e-14);
  check_close(normal_sf(8.0), 6.22096057427174e-16, 1e-12);
  check_close(normal_sf(20.0), 2.7536241186061556e-89, 1e-12);
}

TEST_CASE("paired t-test = scipy.stats.ttest_rel") {
  // stats.ttest_rel(a, b) with i in range(1, n+1)
  auto t20 = paired_t_test(formula(1, 21, 37, 101), formula(1, 21, 53, 97));
  check_close(t20.statistic, 0.10224640331656339, 1e-12);
  check_close(t20.pvalue, 0.9196324907323263, 1e-12);
  CHECK(t20.n == 20);
  auto t50 = paired_t_test(formula(1, 51, 37, 101), formula(1, 51, 53, 97));
  check_close(t50.statistic, 0.5258424633785356, 1e-12);
  check_close(t50.pvalue, 0.6013695421438414, 1e-12);
  // n = 5000, b shifted by -0.01: i in range(5000)
  auto t5000 = paired_t_test(formula(0, 5000, 37, 101), formula(0, 5000, 53, 97, -0.01));
  check_close(t5000.statistic, 1.8071759058893606, 1e-10);
  check_close(t5000.pvalue, 0.07079495129939103, 1e-10);
  // A textbook pair (9 subjects).
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  auto t9 = paired_t_test(x, y);
  check_close(t9.statistic, 3.0353754156485917, 1e-12);
  check_close(t9.pvalue, 0.016176627434908095, 1e-10);
  // Undefined cases are NaN with a note, never a crash or a made-up number.
  auto same = paired_t_test(x, x);
  CHECK(std::isnan(same.pvalue));
  CHECK(same.note == "all differences are zero");
  CHECK_THROWS_AS(paired_t_test(x, {1.0}), Error);
}

TEST_CASE("Wilcoxon signed-rank = scipy.stats.wilcoxon (exact and normal approximation)") {
  // Exact (n <= 50, no zeros, no ties): stats.wilcoxon(a, b) with i in range(1, n+1)
  auto w20 = wilcoxon_signed_rank(formula(1, 21, 37, 101), formula(1, 21, 53, 97));
  CHECK(w20.method == "exact");
  CHECK(w20.statistic == 99.0);
  check_close(w20.pvalue, 0.8408222198486328, 1e-12);
  auto w50 = wilcoxon_signed_rank(formula(1, 51, 37, 101), formula(1, 51, 53, 97));
  CHECK(w50.method == "exact");
  CHECK(w50.statistic == 580.0);
  check_close(w50.pvalue, 0.5852066143769612, 1e-12);
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  auto w9 = wilcoxon_signed_rank(x, y);
  CHECK(w9.statistic == 5.0);
  CHECK(w9.pvalue == 0.0390625);  // 10/256, exact
  // With a zero difference (i = 0 gives a = b = 0), n = 20: scipy switches to the normal approximation.
  auto w20z = wilcoxon_signed_rank(formula(0, 20, 37, 101), formula(0, 20, 53, 97));
  CHECK(w20z.method == "normal");
  CHECK(w20z.n == 19);
  CHECK(w20z.statistic == 81.0);
  check_close(w20z.pvalue, 0.5731689736636651, 1e-12);
  // Many zeros and ties (per-user metrics look like this): 500 pairs rounded to one decimal,
  //   a = np.round(a*10)/10 with i in range(500), a_i = ((7i) % 11)/11, b_i = ((5i) % 13)/13.
  std::vector<double> a = formula(0, 500, 7, 11), b = formula(0, 500, 5, 13);
  for (auto& v : a) v = std::nearbyint(v * 10) / 10;  // numpy rounds half to even, as nearbyint does
  for (auto& v : b) v = std::nearbyint(v * 10) / 10;
  auto w500 = wilcoxon_signed_rank(a, b);
  CHECK(w500.method == "normal");
  CHECK(w500.n == 500 - 53);
  CHECK(w500.statistic == 48547.0);
  check_close(w500.z, -0.5555216004308148, 1e-12);
  check_close(w500.pvalue, 0.5785379397179252, 1e-12);
  auto t500 = paired_t_test(a, b);
  check_close(t500.statistic, -0.4009558507895485, 1e-12);
  check_close(t500.pvalue, 0.6886242561784959, 1e-12);
  // Large n: i in range(5000), b shifted by -0.01.
  auto w5000 = wilcoxon_signed_rank(formula(0, 5000, 37, 101), formula(0, 5000, 53, 97, -0.01));
  CHECK(w5000.statistic == 6078388.0);
  check_close(w5000.pvalue, 0.09037160010202419, 1e-10);
  // Every difference zero: undefined.
  auto same = wilcoxon_signed_rank(x, x);
  CHECK(std::isnan(same.pvalue));
  CHECK(std::isnan(same.z));
  CHECK(same.note == "all differences are zero");
}

TEST_CASE("the exact Wilcoxon null distribution counts subsets") {
  // n = 3: subsets of {1,2,3} by sum 0..6 -> 1,1,1,2,1,1,1 (of 8).
  const auto pmf = wilcoxon_exact_pmf(3);
  const std::vector<double> expected = {1, 1, 1, 2, 1, 1, 1};
  REQUIRE(pmf.size() == expected.size());
  for (std::size_t s = 0; s < pmf.size(); ++s) CHECK(pmf[s] == expected[s] / 8);
  double total = 0;
  for (double p : wilcoxon_exact_pmf(50)) total += p;
  CHECK(total == doctest::Approx(1.0).epsilon(1e-14));
}
