#include "core/stats/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/beta.hpp>

#include "core/util/error.hpp"

namespace aelab {

namespace {

// Arguments outside a distribution's domain (NaN, df <= 0) give NaN, which the tests report as
// undefined, instead of Boost's default exception.
using NanPolicy = boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Ranks of |values| (1-based, ties get their average rank, like scipy.stats.rankdata "average"),
// and the sizes of the tie groups.
void average_ranks(const std::vector<double>& values, std::vector<double>& ranks, std::vector<std::size_t>& tie_sizes) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  ranks.assign(n, 0);
  tie_sizes.clear();
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && values[order[end]] == values[order[start]]) ++end;
    const double rank = 0.5 * (double(start + 1) + double(end));  // mean of start+1 .. end
    for (std::size_t i = start; i < end; ++i) ranks[order[i]] = rank;
    if (end - start > 1) tie_sizes.push_back(end - start);
    start = end;
  }
}

void check_paired(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    throw Error("paired test: the samples have different lengths (" + std::to_string(a.size()) + " and " +
                std::to_string(b.size()) + ")");
}

}  // namespace

double normal_sf(double z) {
  return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double, NanPolicy>(), z));
}

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1)) return kNaN;
  return boost::math::ibeta(a, b, x, NanPolicy());
}

double student_t_sf(double t, double df) {
  return boost::math::cdf(boost::math::complement(boost::math::students_t_distribution<double, NanPolicy>(df), t));
}

TestResult paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  check_paired(a, b);
  TestResult r;
  r.method = "t";
  r.n = a.size();
  if (r.n < 2) {
    r.statistic = r.pvalue = kNaN;
    r.note = "fewer than 2 pairs";
    return r;
  }
  double mean = 0;
  for (std::size_t i = 0; i < r.n; ++i) mean += a[i] - b[i];
  mean /= double(r.n);
  double squares = 0;
  for (std::size_t i = 0; i < r.n; ++i) squares += (a[i] - b[i] - mean) * (a[i] - b[i] - mean);
  const double sd = std::sqrt(squares / double(r.n - 1));
  if (sd == 0) {
    r.statistic = r.pvalue = kNaN;
    r.note = mean == 0 ? "all differences are zero" : "all differences are equal";
    return r;
  }
  r.statistic = mean / (sd / std::sqrt(double(r.n)));
  r.pvalue = std::min(1.0, 2 * student_t_sf(std::fabs(r.statistic), double(r.n - 1)));
  return r;
}

std::vector<double> wilcoxon_exact_pmf(std::size_t n) {
  if (n > 1000) throw Error("internal: exact Wilcoxon distribution requested for n > 1000");
  const std::size_t max_sum = n * (n + 1) / 2;
  // counts[s] = number of subsets of {1..m} with sum s, built up m = 1..n; scaled by 1/2 each step
  // so the values stay probabilities (exact in binary floating point for n <= 50).
  std::vector<double> pmf(max_sum + 1, 0.0);
  pmf[0] = 1;
  std::size_t reach = 0;
  for (std::size_t m = 1; m <= n; ++m) {
    reach += m;
    for (std::size_t s = reach; s >= m; --s) pmf[s] = 0.5 * (pmf[s] + pmf[s - m]);
    for (std::size_t s = std::min(m, reach + 1); s-- > 0;) pmf[s] *= 0.5;
  }
  return pmf;
}

TestResult wilcoxon_signed_rank(const std::vector<double>& a, const std::vector<double>& b) {
  check_paired(a, b);
  TestResult r;
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] - b[i] != 0) d.push_back(a[i] - b[i]);
  const bool had_zeros = d.size() < a.size();
  r.n = d.size();
  if (d.empty()) {
    r.method = "normal";
    r.statistic = r.pvalue = r.z = kNaN;
    r.note = a.empty() ? "no pairs" : "all differences are zero";
    return r;
  }
  std::vector<double> magnitude(d.size()), ranks;
  for (std::size_t i = 0; i < d.size(); ++i) magnitude[i] = std::fabs(d[i]);
  std::vector<std::size_t> ties;
  average_ranks(magnitude, ranks, ties);
  double r_plus = 0, r_minus = 0;
  for (std::size_t i = 0; i < d.size(); ++i) (d[i] > 0 ? r_plus : r_minus) += ranks[i];
  r.statistic = std::min(r_plus, r_minus);
  const double n = double(d.size());
  if (a.size() <= 50 && !had_zeros && ties.empty()) {
    r.method = "exact";
    const auto pmf = wilcoxon_exact_pmf(d.size());
    const auto rp = static_cast<std::size_t>(std::llround(r_plus));
    double less = 0, greater = 0;
    for (std::size_t s = 0; s <= rp; ++s) less += pmf[s];
    for (std::size_t s = rp; s < pmf.size(); ++s) greater += pmf[s];
    // At the centre of the distribution both tails exceed 1/2: p = 1 (scipy sets it explicitly).
    r.pvalue = std::min(1.0, 2 * std::min(less, greater));
    return r;
  }
  r.method = "normal";
  const double mean = n * (n + 1) / 4;
  double variance = n * (n + 1) * (2 * n + 1);
  for (std::size_t t : ties) variance -= 0.5 * double(t) * (double(t) * double(t) - 1);
  variance /= 24;
  if (!(variance > 0)) {
    r.pvalue = r.z = kNaN;
    r.note = "zero variance";
    return r;
  }
  r.z = (r.statistic - mean) / std::sqrt(variance);
  r.pvalue = std::min(1.0, 2 * normal_sf(std::fabs(r.z)));
  return r;
}

}  // namespace aelab
