#include "runtime/rollout/distributions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace mlops::runtime {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Above this many degrees of freedom the t distribution is the normal one
// corrected to 1/df²: the continued fraction needs O(sqrt(df)) terms there,
// whose rounding adds up (1e-10 relative at 1e7), while the neglected
// O(df⁻³) terms are below 1e-14 absolute.
constexpr double kLargeDf = 3e5;

// Stirling's series for ln Γ(x) - [(x - 1/2) ln x - x + ln(2π)/2], to x⁻⁵;
// for x >= 100 the first neglected term is below 1e-17.
double stirlingCorrection(double x) {
  double x2 = x * x;
  return (1.0 / 12 - (1.0 / 360 - 1.0 / (1260 * x2)) / x2) / x;
}

// ln B(a, b). lgamma alone loses absolute precision in the logarithm when an
// argument is large (ln Γ(5e6) ≈ 7e7: 1e-8 lost to rounding), so large
// arguments take Stirling's series with the big logarithms cancelled by
// hand (Abramowitz & Stegun 6.1.41).
double lnBeta(double a, double b) {
  double small = std::min(a, b), big = std::max(a, b);
  if (big < 100) return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  // ln Γ(big) - ln Γ(big + small), with (big - 1/2) ln big - (big + small -
  // 1/2) ln(big + small) rewritten so the two large terms do not cancel.
  double bigTerms = -(big - 0.5) * std::log1p(small / big) - small * std::log(big + small) + small +
                    stirlingCorrection(big) - stirlingCorrection(big + small);
  if (small < 100) return std::lgamma(small) + bigTerms;
  return 0.5 * std::log(2 * std::numbers::pi) + (small - 0.5) * std::log(small) - small +
         stirlingCorrection(small) + bigTerms;
}

// The continued fraction of I_x(a, b) (DLMF 8.17.22), evaluated by the
// modified Lentz method; it converges quickly for x < (a + 1) / (a + b + 2).
// NaN when it has not converged (it does within the bound for df <= kLargeDf).
double betaContinuedFraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  auto guard = [](double v) { return std::fabs(v) < tiny ? tiny : v; };
  double c = 1, d = 1 / guard(1 - (a + b) * x / (a + 1)), h = d;
  for (int m = 1; m <= 100000; ++m) {
    double m2 = 2.0 * m;
    double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    h *= d * c;
    double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < eps) return h;
  }
  return kNaN;
}

// I_x(a, b) given x and y = 1 - x separately, so a caller that knows the
// small one exactly (t² / (df + t²) below) does not lose it to 1 - x.
double incompleteBeta(double a, double b, double x, double y) {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  double lnX = x < 0.5 ? std::log(x) : std::log1p(-y);
  double lnY = y < 0.5 ? std::log(y) : std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) {
    double front = std::exp(a * lnX + b * lnY - lnBeta(a, b)) / a;
    return front * betaContinuedFraction(a, b, x);
  }
  // I_x(a, b) = 1 - I_y(b, a), whose fraction converges here.
  double front = std::exp(a * lnX + b * lnY - lnBeta(a, b)) / b;
  return 1 - front * betaContinuedFraction(b, a, y);
}

double normalDensity(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi); }

// The density of t with df degrees of freedom: 1 / (sqrt(df) B(df/2, 1/2))
// (1 + t²/df)^(-(df+1)/2).
double studentTDensity(double t, double df) {
  return std::exp(-lnBeta(df / 2, 0.5) - 0.5 * std::log(df) - (df + 1) / 2 * std::log1p(t * t / df));
}

}  // namespace

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normalSurvival(double x) { return 0.5 * std::erfc(x / std::numbers::sqrt2); }

double normalQuantile(double p) {
  // Wichura, M. J. (1988), Algorithm AS 241: The percentage points of the
  // normal distribution, Applied Statistics 37(3), 477-484 (PPND16).
  if (!(p > 0 && p < 1)) return kNaN;
  double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    double r = 0.180625 - q * q;
    double num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
                      4.5921953931549871457e+4) * r + 1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
                   1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) * q;
    double den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
                      2.1213794301586595867e+4) * r + 5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
                   4.2313330701600911252e+1) * r + 1.0);
    return num / den;
  }
  double r = std::sqrt(-std::log(q < 0 ? p : 1 - p));
  double num, den;
  if (r <= 5) {
    r -= 1.6;
    num = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
               1.27045825245236838258e+0) * r + 3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
            4.63033784615654529590e+0) * r + 1.42343711074968357734e+0);
    den = (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
               1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
            2.05319162663775882187e+0) * r + 1.0);
  } else {
    r -= 5;
    num = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
               2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
            5.46378491116411436990e+0) * r + 6.65790464350110377720e+0);
    den = (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
               7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
            5.99832206555887937690e-1) * r + 1.0);
  }
  return q < 0 ? -num / den : num / den;
}

double regularizedIncompleteBeta(double a, double b, double x) {
  if (!(a > 0 && b > 0 && x >= 0 && x <= 1) || !std::isfinite(a) || !std::isfinite(b)) return kNaN;
  return incompleteBeta(a, b, x, 1 - x);
}

double studentTSurvival(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 0 : 1;
  if (df > kLargeDf) {
    // The density is φ(t)[1 + (t⁴ - 2t² - 1) / (4 df) + (3t⁸ - 28t⁶ + 30t⁴ +
    // 12t² + 3) / (96 df²) + O(df⁻³)] (from ln(1 + t²/df) and the ratio of
    // Γ functions expanded in 1/df); integrating each term from t to ∞
    // (∫ s^k φ = s^(k-1) φ + (k - 1) ∫ s^(k-2) φ) gives the tail.
    double t2 = t * t;
    double first = (t2 + 1) * t / 4, second = (((3 * t2 - 7) * t2 - 5) * t2 - 3) * t / 96;
    return normalSurvival(t) + normalDensity(t) * (first / df + second / (df * df));
  }
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df / (df + t²) (A&S 26.7.1).
  double t2 = t * t;
  double twoTailed = incompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
  return t >= 0 ? twoTailed / 2 : 1 - twoTailed / 2;
}

double studentTQuantile(double p, double df) {
  if (!(p > 0 && p < 1) || !(df > 0) || std::isnan(df)) return kNaN;
  if (p == 0.5) return 0;
  // Solve for the upper tail q = P(T > t), t > 0, so p near 1 keeps its
  // precision; the lower half by symmetry.
  double q = p > 0.5 ? 1 - p : p;
  double sign = p > 0.5 ? 1 : -1;
  double z = normalQuantile(1 - q);
  if (q < 1e-300) z = std::sqrt(-2 * std::log(q));  // 1 - q rounds to 1
  if (df > kLargeDf) {
    // Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5), to df⁻².
    double z2 = z * z;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    return sign * (z + g1 / df + g2 / (df * df));
  }
  // A bracket [lo, hi] with S(lo) > q >= S(hi); S falls as t rises.
  double lo = 0, hi = std::max(1.0, z);
  for (int i = 0; studentTSurvival(hi, df) > q; ++i) {
    if (i == 2000 || !std::isfinite(hi)) return kNaN;
    lo = hi;
    hi *= 2;
  }
  double t = std::clamp(z, lo, hi);
  for (int i = 0; i < 400; ++i) {
    double s = studentTSurvival(t, df);
    if (std::isnan(s)) return kNaN;
    if (s > q) lo = t;
    else hi = t;
    double next = t + (s - q) / studentTDensity(t, df);
    if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;
    if (std::fabs(next - t) <= 1e-14 * std::fabs(next) || hi - lo <= 1e-14 * hi) return sign * next;
    t = next;
  }
  return sign * t;
}

}  // namespace mlops::runtime
