// The normal and Student t distributions an A/B test's interval and p-value
// need (ab_test.h), written here because the C++ library has neither quantile
// and the runtime takes no numerics dependency for four functions.
//
// Accuracy (tests/unit/distributions_test.cpp checks each against published
// tables and against values integrated independently in Python):
//   normalQuantile      Wichura's AS241 (PPND16), relative error about 1e-16
//   regularizedIncompleteBeta  its continued fraction (DLMF 8.17.22),
//                       relative error about 1e-13 while a and b are below
//                       1e5, growing with them (4e-9 at a = b = 3e6)
//   studentTSurvival    from the incomplete beta function, relative error
//                       about 1e-12; above 3e5 degrees of freedom the
//                       expansion in 1/df around the normal to df⁻², absolute
//                       error below 1e-14
//   studentTQuantile    Newton's method on studentTSurvival inside a bracket
//                       (bisection when a step leaves it), as accurate as the
//                       tail it inverts; above 3e5 degrees of freedom the
//                       Cornish-Fisher expansion to df⁻², error O(df⁻³)
// Every function returns NaN for an argument outside its domain (a
// probability outside (0, 1), degrees of freedom that are not positive, NaN),
// so a caller checks one thing: std::isfinite of the result.
#pragma once

namespace mlops::runtime {

// P(Z <= x) and P(Z > x) for a standard normal Z (from std::erfc, so a tail
// keeps its relative precision far from 0).
double normalCdf(double x);
double normalSurvival(double x);

// The x with P(Z <= x) = p, for 0 < p < 1.
double normalQuantile(double p);

// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and
// 0 <= x <= 1.
double regularizedIncompleteBeta(double a, double b, double x);

// P(T > t) for T with `df` degrees of freedom (df > 0, not necessarily whole:
// Welch's degrees of freedom are not).
double studentTSurvival(double t, double df);

// The t with P(T <= t) = p, for 0 < p < 1 and df > 0.
double studentTQuantile(double p, double df);

}  // namespace mlops::runtime
