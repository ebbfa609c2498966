#pragma once
// Paired significance tests between two solvers evaluated on the same test users (per-user metric
// vectors), and the distributions they need. Both tests are two-sided and follow scipy 1.10:
//  - paired t-test = scipy.stats.ttest_rel(a, b): d = a - b, t = mean(d) / (sd(d, ddof 1) / sqrt(n)),
//    p = 2 P(T_{n-1} > |t|) with the Student t tail of Boost.Math;
//  - Wilcoxon signed-rank = scipy.stats.wilcoxon(a, b) defaults (zero_method "wilcox": zero
//    differences are dropped; no continuity correction). Exact null distribution when the n <= 50
//    differences have neither zeros nor ties in |d| (scipy's "exact" mode); otherwise the normal
//    approximation with scipy's tie correction of the variance. (scipy 1.10 also runs its "exact"
//    mode when |d| has ties but no zeros, truncating a half-integer rank sum; aelab uses the
//    normal approximation there, which is the correct one in the presence of ties.)
// When every difference is zero neither test is defined: p = NaN and `note` says why.
#include <cstddef>
#include <string>
#include <vector>

namespace aelab {

// The distributions, from Boost.Math; NaN outside their domain.
// Standard normal upper tail P(Z > z), accurate far into the tail.
double normal_sf(double z);
// I_x(a, b), the regularized incomplete beta function (boost::math::ibeta, on which Boost's Student t
// rests), for a, b > 0 and 0 <= x <= 1.
double regularized_incomplete_beta(double a, double b, double x);
// P(T > t) for Student's t with df > 0 degrees of freedom.
double student_t_sf(double t, double df);

struct TestResult {
  double statistic = 0;  // t, or the Wilcoxon T = min(R+, R-)
  double pvalue = 0;     // two-sided; NaN when undefined
  double z = 0;          // Wilcoxon normal approximation: the z statistic (0 for exact, NaN when undefined)
  std::size_t n = 0;     // pairs used (Wilcoxon: non-zero differences)
  std::string method;    // "t", "exact", "normal"
  std::string note;      // why a p-value is undefined, empty otherwise
};

// a and b are paired (same users, same order); throws aelab::Error on different lengths.
TestResult paired_t_test(const std::vector<double>& a, const std::vector<double>& b);
TestResult wilcoxon_signed_rank(const std::vector<double>& a, const std::vector<double>& b);

// Null distribution of the Wilcoxon rank sum R+ for n untied, non-zero differences:
// pmf[s] = #{subsets of {1..n} with sum s} / 2^n, s = 0..n(n+1)/2. n <= 1000.
std::vector<double> wilcoxon_exact_pmf(std::size_t n);

}  // namespace aelab
