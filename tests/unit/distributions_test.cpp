// The normal and Student t distributions behind an A/B test's interval and
// p-value (runtime/rollout/distributions.h): against closed forms, published
// tables, and values integrated independently in Python.
//
// The Python reference (no scipy): the t density integrated by Simpson's rule
// with 20,000 intervals, the quantile by bisection on that integral:
//   python3 -c "
//   from math import lgamma, exp, log, pi
//   def f(x, df): return exp(lgamma((df+1)/2) - lgamma(df/2) - 0.5*log(df*pi) - (df+1)/2*log(1 + x*x/df))
//   def I(t, df, k=20000):
//       h = t/k; return h/3*(f(0, df) + f(t, df) + sum((4 if i % 2 else 2)*f(i*h, df) for i in range(1, k)))
//   def q(p, df):
//       lo, hi = 0.0, 100.0
//       for _ in range(60): m = (lo+hi)/2; lo, hi = (m, hi) if 0.5 + I(m, df) < p else (lo, m)
//       return (lo+hi)/2
//   print(q(0.975, 10), q(0.975, 30), q(0.995, 7.3), q(0.9, 2.5), q(0.99, 2.5), q(0.975, 1000))
//   print(0.5 - I(2.0, 7.3), 0.5 - I(3.5, 4.5))"
// prints 2.228138852 2.042272456 3.451031656 1.730250929 5.353111173
// 1.962339081, then 0.04197051967 0.01027084498 (to 10 digits).
#include "runtime/rollout/distributions.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

using namespace mlops::runtime;
using Catch::Matchers::WithinRel;

TEST_CASE("normal quantiles are Wichura's AS241, as Python's statistics.NormalDist", "[runtime][distributions]") {
  // python3 -c "from statistics import NormalDist as N; print([N().inv_cdf(p) for p in
  //   (0.975, 0.995, 0.8, 0.9, 0.02, 1e-10)])" (NormalDist implements AS241 too).
  CHECK_THAT(normalQuantile(0.975), WithinRel(1.9599639845400536, 1e-15));
  CHECK_THAT(normalQuantile(0.995), WithinRel(2.5758293035489, 1e-14));
  CHECK_THAT(normalQuantile(0.8), WithinRel(0.8416212335729144, 1e-15));
  CHECK_THAT(normalQuantile(0.9), WithinRel(1.2815515655446008, 1e-15));
  CHECK_THAT(normalQuantile(0.02), WithinRel(-2.0537489106318225, 1e-15));
  CHECK_THAT(normalQuantile(1e-10), WithinRel(-6.361340902404056, 1e-15));
  CHECK(normalQuantile(0.5) == 0);
  // Each of AS241's three regions (|p - 0.5| <= 0.425, r <= 5, r > 5)
  // inverts the CDF.
  for (double p : {0.3, 0.6, 0.97, 1e-5, 1e-20, 1e-300, 1 - 1e-12}) {
    INFO(p);
    CHECK_THAT(normalCdf(normalQuantile(p)), WithinRel(p, 1e-13));
  }
  // python3 -c "from statistics import NormalDist as N; print(N().cdf(-3), 1 - N().cdf(5))"
  CHECK_THAT(normalCdf(-3), WithinRel(0.0013498980316301035, 1e-14));
  CHECK_THAT(normalSurvival(5), WithinRel(2.866515718125129e-07, 1e-8));  // Python's 1 - cdf loses digits
}

TEST_CASE("the incomplete beta function meets its closed forms", "[runtime][distributions]") {
  for (double x : {0.0, 0.05, 0.3, 0.5, 0.77, 0.999, 1.0}) {
    INFO(x);
    CHECK_THAT(regularizedIncompleteBeta(1, 1, x), WithinRel(x, 1e-14));
    CHECK_THAT(regularizedIncompleteBeta(3.5, 1, x), WithinRel(std::pow(x, 3.5), 1e-13));
    CHECK_THAT(regularizedIncompleteBeta(1, 2.5, x), WithinRel(1 - std::pow(1 - x, 2.5), 1e-13));
    CHECK_THAT(regularizedIncompleteBeta(0.5, 0.5, x),
               WithinRel(2 / std::numbers::pi * std::asin(std::sqrt(x)), 1e-13));
  }
  // Symmetric about 1/2 for a = b, at small and large a (where ln B(a, b)
  // comes from Stirling's series); the large exponents of x^a (1-x)^b / B
  // cancel less exactly at millions (t needs b = 1/2 only).
  for (double a : {0.7, 12.0, 50.0, 4e3}) {
    INFO(a);
    CHECK_THAT(regularizedIncompleteBeta(a, a, 0.5), WithinRel(0.5, 1e-12));
  }
  CHECK_THAT(regularizedIncompleteBeta(3e6, 3e6, 0.5), WithinRel(0.5, 1e-8));
  CHECK(std::isnan(regularizedIncompleteBeta(0, 1, 0.5)));
  CHECK(std::isnan(regularizedIncompleteBeta(1, -1, 0.5)));
  CHECK(std::isnan(regularizedIncompleteBeta(1, 1, 1.5)));
  CHECK(std::isnan(regularizedIncompleteBeta(1, 1, NAN)));
}

TEST_CASE("Student t quantiles match published tables and an independent integration", "[runtime][distributions]") {
  // Published two-sided 95% and 99% points (NIST/SEMATECH e-Handbook of
  // Statistical Methods, 1.3.6.7.2, "Critical values of the Student's t
  // distribution", to 3 decimals), and the Python integration above to 10
  // digits.
  CHECK_THAT(studentTQuantile(0.975, 10), WithinRel(2.228138852, 1e-9));
  CHECK_THAT(studentTQuantile(0.975, 30), WithinRel(2.042272456, 1e-9));
  CHECK_THAT(studentTQuantile(0.975, 1000), WithinRel(1.962339081, 1e-9));
  CHECK(std::round(studentTQuantile(0.975, 1) * 1000) == 12706);
  CHECK(std::round(studentTQuantile(0.995, 5) * 1000) == 4032);
  CHECK(std::round(studentTQuantile(0.975, 100) * 1000) == 1984);
  // Welch's degrees of freedom are fractional.
  CHECK_THAT(studentTQuantile(0.995, 7.3), WithinRel(3.451031656, 1e-9));
  CHECK_THAT(studentTQuantile(0.9, 2.5), WithinRel(1.730250929, 1e-9));
  CHECK_THAT(studentTQuantile(0.99, 2.5), WithinRel(5.353111173, 1e-9));
  // The lower half by symmetry.
  CHECK_THAT(studentTQuantile(0.025, 10), WithinRel(-2.228138852, 1e-9));
  CHECK(studentTQuantile(0.5, 3) == 0);
}

TEST_CASE("Student t with 1 and 2 degrees of freedom is exact, far into the tail", "[runtime][distributions]") {
  // df = 1 is Cauchy: P(T > t) = atan(1/t)/π, the quantile cot(π q); df = 2:
  // P(T > t) = 1/2 - t / (2 sqrt(2 + t²)), the quantile (1 - 2q) / sqrt(2q(1 - q)).
  for (double q : {0.25, 0.025, 1e-3, std::ldexp(1.0, -40)}) {
    INFO(q);
    CHECK_THAT(studentTQuantile(1 - q, 1), WithinRel(1 / std::tan(std::numbers::pi * q), 1e-11));
    CHECK_THAT(studentTQuantile(1 - q, 2), WithinRel((1 - 2 * q) / std::sqrt(2 * q * (1 - q)), 1e-11));
  }
  for (double t : {0.1, 1.0, 6.0, 1e8}) {
    INFO(t);
    CHECK_THAT(studentTSurvival(t, 1), WithinRel(std::atan(1 / t) / std::numbers::pi, 1e-12));
    CHECK_THAT(studentTSurvival(-t, 1), WithinRel(1 - std::atan(1 / t) / std::numbers::pi, 1e-12));
  }
  CHECK_THAT(studentTSurvival(3, 2), WithinRel(0.5 - 3 / (2 * std::sqrt(11.0)), 1e-12));
}

TEST_CASE("Student t tails match the independent integration", "[runtime][distributions]") {
  CHECK_THAT(studentTSurvival(2.0, 7.3), WithinRel(0.04197051967, 1e-8));
  CHECK_THAT(studentTSurvival(3.5, 4.5), WithinRel(0.01027084498, 1e-8));
  CHECK(studentTSurvival(0, 9) == 0.5);
  CHECK(studentTSurvival(INFINITY, 9) == 0);
  CHECK(studentTSurvival(-INFINITY, 9) == 1);
}

TEST_CASE("quantile and tail are inverses for any degrees of freedom", "[runtime][distributions]") {
  for (double df : {0.6, 1.5, 3.0, 11.7, 250.0, 8e4, 2.5e5, 5e6, 1e15})
    for (double p : {0.6, 0.9, 0.975, 0.995, 1 - 1e-9}) {
      INFO(df << " " << p);
      CHECK_THAT(studentTSurvival(studentTQuantile(p, df), df), WithinRel(1 - p, 1e-9));
    }
}

TEST_CASE("Student t joins the normal for large degrees of freedom", "[runtime][distributions]") {
  // Either side of the switch to the expansions in 1/df (3e5) the two
  // methods agree, and t(0.975, df) - z(0.975) is (z³ + z) / (4 df) to first
  // order (Abramowitz & Stegun 26.7.5).
  double z = normalQuantile(0.975);
  for (double df : {2.99e5, 3.01e5}) {
    INFO(df);
    CHECK_THAT(studentTQuantile(0.975, df) - z, WithinRel((z * z * z + z) / (4 * df), 1e-4));
  }
  for (double t : {0.5, 2.5, 5.0}) {
    INFO(t);
    CHECK_THAT(studentTSurvival(t, 2.9999999e5), WithinRel(studentTSurvival(t, 3.0000001e5), 1e-10));
    CHECK_THAT(studentTQuantile(1 - studentTSurvival(t, 2.9999999e5), 2.9999999e5),
               WithinRel(studentTQuantile(1 - studentTSurvival(t, 3.0000001e5), 3.0000001e5), 1e-10));
  }
  CHECK_THAT(studentTQuantile(0.975, 1e300), WithinRel(z, 1e-15));
}

TEST_CASE("distributions return NaN outside their domain", "[runtime][distributions]") {
  for (double p : {0.0, 1.0, -0.5, 2.0, double(NAN)}) {
    INFO(p);
    CHECK(std::isnan(normalQuantile(p)));
    CHECK(std::isnan(studentTQuantile(p, 5)));
  }
  for (double df : {0.0, -3.0, double(NAN)}) {
    INFO(df);
    CHECK(std::isnan(studentTQuantile(0.9, df)));
    CHECK(std::isnan(studentTSurvival(1, df)));
  }
  CHECK(std::isnan(studentTSurvival(NAN, 5)));
}
