// An `ab` deploy's test concluded (runtime/rollout/ab_test.h): intervals,
// p-values and sample sizes against published examples, hand arithmetic
// (in the comments) and an independent Python computation; each decision;
// and hostile readings, which are inconclusive with their reason, never a
// promotion.
//
// The Python reference (statistics.NormalDist for z; for t the density
// integrated by Simpson's rule as in distributions_test.cpp, `tq` and `tint`
// there):
//   from statistics import NormalDist; from math import sqrt, ceil; N = NormalDist()
//   def wilson(p, n, z):
//       c = (p + z*z/(2*n))/(1 + z*z/n); h = z/(1 + z*z/n)*sqrt(p*(1-p)/n + z*z/(4*n*n)); return c-h, c+h
//   def rate(pc, nc, pt, nt, conf=0.95, power=0.8, r=1.0):
//       z = N.inv_cdf((1+conf)/2); d = pt-pc; lc, uc = wilson(pc, nc, z); lt, ut = wilson(pt, nt, z)
//       pp = (pc*nc + pt*nt)/(nc+nt); zs = d/sqrt(pp*(1-pp)*(1/nc+1/nt)); pb = (pc + r*pt)/(1+r)
//       need = ((z*sqrt(pb*(1-pb)*(1+1/r)) + N.inv_cdf(power)*sqrt(pc*(1-pc) + pt*(1-pt)/r))/d)**2
//       return d - sqrt((pt-lt)**2 + (uc-pc)**2), d + sqrt((ut-pt)**2 + (pc-lc)**2), zs,
//              2*(1 - N.cdf(abs(zs))), ceil(need), ceil(r*need)
//   def mean(mc, sc, nc, mt, st, nt, conf=0.95, power=0.8, r=1.0):
//       vc, vt = sc*sc/nc, st*st/nt; se = sqrt(vc+vt); d = mt-mc
//       df = (vc+vt)**2/(vc*vc/(nc-1) + vt*vt/(nt-1)); t = tq((1+conf)/2, df); ts = d/se
//       need = (N.inv_cdf((1+conf)/2) + N.inv_cdf(power))**2*(sc*sc + st*st/r)/d**2
//       return df, t, d - t*se, d + t*se, ts, 2*(0.5 - tint(abs(ts), df)), ceil(need), ceil(r*need)
// Each case below quotes the call and what it printed (10 digits).
#include "runtime/rollout/ab_test.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace mlops::runtime;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using nlohmann::ordered_json;

namespace {

AbArm rate(double value, double n) { return {value, n, std::nullopt}; }
AbArm mean(double value, double sd, double n) { return {value, n, sd}; }

ordered_json source(ordered_json control, ordered_json treatment, const std::string& metric = "conversion") {
  return {{"error_rate", 0.004}, {"ab", {{metric, {{"control", control}, {"treatment", treatment}}}}}};
}

// What the Python reference printed for a Welch case: degrees of freedom,
// interval, p-value (10 digits) and the control arm's sample size.
struct WelchReference {
  double df, lower, upper, pValue, neededControl;
};

void checkWelch(const AbConclusion& c, const WelchReference& r) {
  REQUIRE(c.degreesOfFreedom);
  CHECK_THAT(*c.degreesOfFreedom, WithinRel(r.df, 1e-9));
  CHECK_THAT(c.lower, WithinRel(r.lower, 1e-8));
  CHECK_THAT(c.upper, WithinRel(r.upper, 1e-8));
  CHECK_THAT(c.pValue, WithinRel(r.pValue, 1e-8));
  CHECK(c.neededControl == r.neededControl);
}

AbConclusion fromSource(const ordered_json& doc, const AbSettings& settings = {}) {
  return concludeAbTest(doc, "serving/ab_live.json", "conversion", settings);
}

}  // namespace

TEST_CASE("rate intervals are Newcombe's method 10, as published", "[runtime][ab_test]") {
  // Newcombe, R. G. (1998), Interval estimation for the difference between
  // independent proportions: comparison of eleven methods, Statistics in
  // Medicine 17, 873-890, Table II, method 10 ("score, no continuity
  // correction"), examples (a)-(h): p1 = m/n (treatment), p2 = k/l (control).
  struct Example {
    double m, n, k, l, lower, upper;
  };
  for (const Example& e : {Example{56, 70, 48, 80, 0.0524, 0.3339}, Example{9, 10, 3, 10, 0.1705, 0.8090},
                           Example{6, 7, 2, 7, 0.0582, 0.8062}, Example{5, 56, 0, 29, -0.0381, 0.1926},
                           Example{0, 10, 0, 20, -0.1611, 0.2775}, Example{0, 10, 0, 10, -0.2775, 0.2775},
                           Example{10, 10, 0, 20, 0.6791, 1.0000}, Example{10, 10, 0, 10, 0.6075, 1.0000}}) {
    INFO(e.m << "/" << e.n << " - " << e.k << "/" << e.l);
    AbConclusion c = concludeAbTest(rate(e.k / e.l, e.l), rate(e.m / e.n, e.n), {});
    REQUIRE(c.problem.empty());
    CHECK_THAT(c.lower, WithinAbs(e.lower, 0.00005));
    CHECK_THAT(c.upper, WithinAbs(e.upper, 0.00005));
  }
}

TEST_CASE("few events near 0% are not promoted where the Wald interval would", "[runtime][ab_test]") {
  // 0 of 50 against 4 of 50. Wald: 0.08 ± 1.959964 * sqrt(0.08 * 0.92 / 50)
  // = 0.08 ± 0.0752 = [0.0048, 0.1552], wholly above 0. Newcombe: the
  // control's Wilson upper limit 3.841459/50 / (1 + 3.841459/50) = 0.0713,
  // the treatment's lower limit 0.0315:
  // lower = 0.08 - sqrt((0.08 - 0.0315)² + 0.0713²) = -0.0062.
  // python: rate(0, 50, 0.08, 50) -> -0.006243431559 0.1883824692
  AbConclusion c = concludeAbTest(rate(0, 50), rate(0.08, 50), {});
  CHECK_THAT(c.lower, WithinAbs(-0.0062, 0.0001));
  CHECK_THAT(c.lower, WithinRel(-0.006243431559, 1e-9));
  CHECK_THAT(c.upper, WithinRel(0.1883824692, 1e-9));
  CHECK(c.decision == AbDecision::Inconclusive);
}

TEST_CASE("a better rate is promoted, by hand and by Python", "[runtime][ab_test]") {
  // control 12.0% of 5000, treatment 13.5% of 5000, 95%, 80% power:
  // d = 0.015.
  // Pooled z-test: p = (600 + 675) / 10000 = 0.1275;
  //   SE0 = sqrt(0.1275 * 0.8725 * (1/5000 + 1/5000)) = sqrt(4.44975e-5) = 0.00667065
  //   z = 0.015 / 0.00667065 = 2.24866; p = 2 Q(2.24866) = 0.024534.
  // Wilson (z = 1.959964, z²/n = 7.68292e-4, z/(1 + z²/n) = 1.958459):
  //   control centre (0.12 + 3.84146e-4) / 1.000768292 = 0.1202917,
  //     half 1.958459 * sqrt(0.12 * 0.88 / 5000 + 3.841459 / 1e8) = 0.0090085: [0.1112832, 0.1293002]
  //   treatment centre 0.1352802, half 1.958459 * sqrt(0.135 * 0.865 / 5000 + 3.841459e-8)
  //     = 0.0094724: [0.1258078, 0.1447526]
  // Newcombe: lower = 0.015 - sqrt((0.135 - 0.1258078)² + (0.1293002 - 0.12)²) = 0.015 - 0.0130764 = 0.0019236
  //           upper = 0.015 + sqrt((0.1447526 - 0.135)² + (0.12 - 0.1112832)²) = 0.0280804
  // Sample size (r = 1, pbar = 0.1275, z_power = 0.841621):
  //   [1.959964 sqrt(2 * 0.1275 * 0.8725) + 0.841621 sqrt(0.12 * 0.88 + 0.135 * 0.865)]² / 0.015²
  //   = (0.924487 + 0.396880)² / 0.000225 = 7760.05 -> 7761 per arm, 2761 more each.
  // python: rate(0.12, 5000, 0.135, 5000) -> 0.001923590376 0.02808042211 2.248658232 0.02453424845 7761 7761
  AbConclusion c = concludeAbTest(rate(0.12, 5000), rate(0.135, 5000), {});
  REQUIRE(c.problem.empty());
  CHECK(c.kind == AbKind::Rate);
  CHECK_THAT(c.difference, WithinRel(0.015, 1e-12));
  CHECK_THAT(c.lower, WithinAbs(0.0019236, 1e-7));
  CHECK_THAT(c.lower, WithinRel(0.001923590376, 1e-9));
  CHECK_THAT(c.upper, WithinRel(0.02808042211, 1e-9));
  CHECK_THAT(c.statistic, WithinRel(2.248658232, 1e-9));
  CHECK_THAT(c.pValue, WithinRel(0.02453424845, 1e-9));
  // Unpooled: sqrt(0.12 * 0.88 / 5000 + 0.135 * 0.865 / 5000) = sqrt(4.4475e-5).
  CHECK_THAT(c.standardError, WithinRel(std::sqrt(4.4475e-5), 1e-12));
  CHECK(c.decision == AbDecision::Promote);
  CHECK(c.neededControl == 7761);
  CHECK(c.neededTreatment == 7761);
  CHECK(c.moreControl == 2761);
  CHECK(c.moreTreatment == 2761);
  CHECK(c.describe() == "treatment - control = +0.015 (95% CI +0.001924 to +0.02808, p = 0.025): promote");
}

TEST_CASE("a worse rate is rolled back; a lower-is-better metric flips both", "[runtime][ab_test]") {
  // python: rate(0.12, 5000, 0.105, 5000) -> -0.02739635734 -0.002611828323 -2.373563316 0.01761737223 6965 6965
  AbConclusion worse = concludeAbTest(rate(0.12, 5000), rate(0.105, 5000), {});
  CHECK_THAT(worse.lower, WithinRel(-0.02739635734, 1e-9));
  CHECK_THAT(worse.upper, WithinRel(-0.002611828323, 1e-9));
  CHECK_THAT(worse.pValue, WithinRel(0.01761737223, 1e-9));
  CHECK(worse.decision == AbDecision::RollBack);
  CHECK(worse.describe() == "treatment - control = -0.015 (95% CI -0.0274 to -0.002612, p = 0.018): roll back");

  // An error rate: fewer is better.
  AbSettings lowerIsBetter;
  lowerIsBetter.higherIsBetter = false;
  CHECK(concludeAbTest(rate(0.12, 5000), rate(0.105, 5000), lowerIsBetter).decision == AbDecision::Promote);
  CHECK(concludeAbTest(rate(0.12, 5000), rate(0.135, 5000), lowerIsBetter).decision == AbDecision::RollBack);
}

TEST_CASE("an interval across zero is inconclusive with the sample size still needed", "[runtime][ab_test]") {
  // python: rate(0.12, 5000, 0.125, 5000) -> -0.007858853797 0.01786060911 0.7625150181 0.4457526833 67496 67496
  AbConclusion c = concludeAbTest(rate(0.12, 5000), rate(0.125, 5000), {});
  CHECK_THAT(c.lower, WithinRel(-0.007858853797, 1e-9));
  CHECK_THAT(c.upper, WithinRel(0.01786060911, 1e-9));
  CHECK_THAT(c.pValue, WithinRel(0.4457526833, 1e-9));
  CHECK(c.decision == AbDecision::Inconclusive);
  CHECK(c.neededControl == 67496);
  CHECK(c.moreTreatment == 62496);
  CHECK(c.describe() ==
        "treatment - control = +0.005 (95% CI -0.007859 to +0.01786, p = 0.45): inconclusive; detecting a "
        "difference of this size at 80% power needs 62496 more observations in control and 62496 in treatment");

  // No difference at all: no sample size detects it.
  AbConclusion same = concludeAbTest(rate(0.12, 5000), rate(0.12, 5000), {});
  CHECK(same.decision == AbDecision::Inconclusive);
  CHECK_FALSE(same.neededControl);
  CHECK_THAT(same.describe(), Contains("no difference observed, so no sample size would detect it"));
  // Both arms at 0%: nothing to test, and nothing promoted.
  AbConclusion zero = concludeAbTest(rate(0, 10), rate(0, 10), {});
  CHECK(zero.decision == AbDecision::Inconclusive);
  CHECK(zero.pValue == 1);
}

TEST_CASE("an unequal split, another confidence and power", "[runtime][ab_test]") {
  // 75% of traffic to the treatment: r = 3. pbar = (0.30 + 3 * 0.33) / 4 = 0.3225;
  // z(0.95) = 1.644854, z(0.9) = 1.281552:
  //   n_control = [1.644854 sqrt(0.3225 * 0.6775 * 4/3) + 1.281552 sqrt(0.3 * 0.7 + 0.33 * 0.67 / 3)]² / 0.03²
  //             = (0.890108 + 0.751818)² / 0.0009 = 2740.3 -> 2741; n_treatment = 3 * 2740.3 -> 8221.
  // python: rate(0.30, 2000, 0.33, 6000, conf=0.9, power=0.9, r=3)
  //   -> 0.0102241697 0.04938910197 2.485692346 0.01292996922 2741 8221
  AbSettings s;
  s.confidence = 0.9;
  s.power = 0.9;
  s.split = 0.75;
  AbConclusion c = concludeAbTest(rate(0.30, 2000), rate(0.33, 6000), s);
  CHECK_THAT(c.lower, WithinRel(0.0102241697, 1e-9));
  CHECK_THAT(c.upper, WithinRel(0.04938910197, 1e-9));
  CHECK_THAT(c.pValue, WithinRel(0.01292996922, 1e-9));
  CHECK(c.neededControl == 2741);
  CHECK(c.neededTreatment == 8221);
  CHECK(c.moreControl == 741);
  CHECK(c.moreTreatment == 2221);
  CHECK(c.decision == AbDecision::Promote);
  CHECK_THAT(c.describe(), StartsWith("treatment - control = +0.03 (90% CI +0.01022 to +0.04939"));
}

TEST_CASE("means are Welch's t, with the published t quantile", "[runtime][ab_test]") {
  // control 10 (sd 2, n 6), treatment 13 (sd 2, n 6):
  //   v = 4/6 per arm; SE = sqrt(8/6) = 1.1547005
  //   df = (8/6)² / (2 * (4/6)² / 5) = 10 exactly (equal arms: 2(n - 1))
  //   t(0.975, 10) = 2.228139 (NIST/SEMATECH e-Handbook 1.3.6.7.2: 2.228)
  //   CI = 3 ± 2.228139 * 1.1547005 = 3 ± 2.572833: [0.427167, 5.572833]
  //   t = 3 / 1.1547005 = 2.598076; sample size (1.959964 + 0.841621)² * (4 + 4) / 9 = 6.98 -> 7
  // python: mean(10, 2, 6, 13, 2, 6) -> 10 2.228138852 0.427166868 5.572833132 2.598076211 0.0265790894 7 7
  AbConclusion c = concludeAbTest(mean(10, 2, 6), mean(13, 2, 6), {});
  REQUIRE(c.problem.empty());
  CHECK(c.kind == AbKind::Mean);
  REQUIRE(c.degreesOfFreedom);
  CHECK_THAT(*c.degreesOfFreedom, WithinRel(10, 1e-12));
  CHECK_THAT(c.standardError, WithinRel(1.1547005383792515, 1e-12));
  CHECK_THAT(c.lower, WithinAbs(0.427167, 1e-6));
  CHECK_THAT(c.lower, WithinRel(0.427166868, 1e-8));
  CHECK_THAT(c.upper, WithinRel(5.572833132, 1e-9));
  CHECK_THAT(c.statistic, WithinRel(2.598076211, 1e-9));
  CHECK_THAT(c.pValue, WithinRel(0.0265790894, 1e-8));
  CHECK(c.neededControl == 7);
  CHECK(c.moreControl == 1);
  CHECK(c.decision == AbDecision::Promote);
}

TEST_CASE("Welch's degrees of freedom for unequal variances, each decision", "[runtime][ab_test]") {
  // control 50 (sd 20, n 400), treatment 53 (sd 25, n 400): v = 1 and 1.5625,
  //   df = 2.5625² / (1/399 + 1.5625²/399) = 761.3156
  // python: mean(50, 20, 400, 53, 25, 400)
  //   -> 761.3155505 1.963084876 -0.1424690871 6.142469087 1.874085143 0.06130147121 894 894
  AbConclusion c = concludeAbTest(mean(50, 20, 400), mean(53, 25, 400), {});
  checkWelch(c, {761.3155505, -0.1424690871, 6.142469087, 0.06130147121, 894});
  CHECK(c.decision == AbDecision::Inconclusive);

  // python: mean(50, 20, 400, 54, 25, 400)
  //   -> 761.3155505 1.963084876 0.8575309129 7.142469087 2.49878019 0.01267183597 503 503
  AbConclusion better = concludeAbTest(mean(50, 20, 400), mean(54, 25, 400), {});
  CHECK_THAT(better.lower, WithinRel(0.8575309129, 1e-8));
  CHECK_THAT(better.pValue, WithinRel(0.01267183597, 1e-8));
  CHECK(better.decision == AbDecision::Promote);
  AbSettings lowerIsBetter;
  lowerIsBetter.higherIsBetter = false;  // e.g. latency
  CHECK(concludeAbTest(mean(50, 20, 400), mean(54, 25, 400), lowerIsBetter).decision == AbDecision::RollBack);

  // Small, unequal arms at 99%: python: mean(120, 35, 12, 100, 10, 40, conf=0.99)
  //   -> 11.54342007 3.076667206 -51.46384271 11.46384271 -1.955684329 0.07513939696 39 39
  AbSettings s99;
  s99.confidence = 0.99;
  AbConclusion small = concludeAbTest(mean(120, 35, 12), mean(100, 10, 40), s99);
  checkWelch(small, {11.54342007, -51.46384271, 11.46384271, 0.07513939696, 39});
  CHECK(small.decision == AbDecision::Inconclusive);
}

TEST_CASE("the live source convention is read", "[runtime][ab_test]") {
  ordered_json doc = source({{"value", 0.12}, {"n", 5000}}, {{"value", 0.135}, {"n", 5000}, {"note", "ignored"}});
  AbConclusion c = fromSource(doc);
  REQUIRE(c.problem.empty());
  CHECK(c.decision == AbDecision::Promote);
  CHECK(c.control.n == 5000);
  CHECK(c.treatment.value == 0.135);

  ordered_json means = source({{"value", 50}, {"n", 400}, {"sd", 20}}, {{"value", 54}, {"n", 400.0}, {"sd", 25}});
  AbConclusion m = fromSource(means);
  CHECK(m.kind == AbKind::Mean);
  CHECK(m.decision == AbDecision::Promote);

  // The reading is the deploy's metric's: another metric's arms are not it.
  AbConclusion other = concludeAbTest(doc, "serving/ab_live.json", "revenue", {});
  CHECK(other.decision == AbDecision::Inconclusive);
  CHECK(other.problem ==
        "`ab[\"revenue\"]` is missing from `serving/ab_live.json`: expected {\"ab\": {\"revenue\": {\"control\": …, "
        "\"treatment\": …}}}");
}

TEST_CASE("the deploy reads the first monitor source that reports the metric", "[runtime][ab_test]") {
  ordered_json health = {{"error_rate", 0.004}, {"p95_latency_ms", 88}};
  ordered_json first = source({{"value", 0.12}, {"n", 5000}}, {{"value", 0.135}, {"n", 5000}});
  ordered_json second = source({{"value", 0.12}, {"n", 5000}}, {{"value", 0.105}, {"n", 5000}});
  AbConclusion c = concludeAbTest({{"health.json", health}, {"missing.json", nullptr}, {"ab.json", first},
                                   {"later.json", second}},
                                  "conversion", {});
  CHECK(c.decision == AbDecision::Promote);
  // A malformed reading in the first source that names the metric is that
  // source's problem: a later source does not stand in for it.
  ordered_json broken = source({{"value", 0.12}}, {{"value", 0.135}, {"n", 5000}});
  CHECK(concludeAbTest({{"broken.json", broken}, {"later.json", second}}, "conversion", {}).problem ==
        "`ab[\"conversion\"].control.n` is missing from `broken.json`");
  CHECK(concludeAbTest({{"health.json", health}, {"missing.json", nullptr}}, "conversion", {}).problem ==
        "no monitor source of the deploy reports `ab[\"conversion\"]` (read `health.json`, `missing.json`)");
  CHECK(concludeAbTest(std::vector<AbSource>{}, "conversion", {}).problem ==
        "the deploy has no monitor whose source could report `ab[\"conversion\"]`");
}

TEST_CASE("the conclusion's record", "[runtime][ab_test]") {
  AbSettings s;
  s.split = 0.75;
  s.confidence = 0.9;
  ordered_json j = concludeAbTest(rate(0.30, 2000), rate(0.33, 6000), s).toJson();
  CHECK(j["decision"] == "promote");
  CHECK(j["kind"] == "rate");
  CHECK(j["control"] == ordered_json{{"value", 0.30}, {"n", 2000}});
  CHECK(j["control"]["n"].is_number_unsigned());
  CHECK(j["confidence"] == 0.9);
  CHECK(j["interval"].size() == 2);
  CHECK(j.contains("z"));
  CHECK(j.contains("p_value"));
  CHECK_FALSE(j.contains("degrees_of_freedom"));
  CHECK(j["needed"]["treatment"].is_number_unsigned());

  ordered_json m = concludeAbTest(mean(10, 2, 6), mean(13, 2, 6), {}).toJson();
  CHECK(m["kind"] == "mean");
  CHECK(m["treatment"]["sd"] == 2);
  CHECK(m.contains("t"));
  CHECK(m.contains("degrees_of_freedom"));

  ordered_json bad = fromSource(ordered_json::object()).toJson();
  CHECK(bad == ordered_json{{"decision", "inconclusive"},
                            {"problem", "`ab` is missing from `serving/ab_live.json`: expected {\"ab\": "
                                        "{\"conversion\": {\"control\": …, \"treatment\": …}}}"}});
}

TEST_CASE("a missing or malformed reading is inconclusive with its reason", "[runtime][ab_test]") {
  const ordered_json good = {{"value", 0.12}, {"n", 5000}};
  struct Case {
    ordered_json doc;
    std::string problem;
  };
  const std::string expected =
      ": expected {\"ab\": {\"conversion\": {\"control\": …, \"treatment\": …}}}";
  const std::string at = " in `serving/ab_live.json`";
  for (const Case& k : std::vector<Case>{
           {ordered_json::array({1, 2}), "`serving/ab_live.json` is not a JSON object" + expected},
           {{{"ab", 3}}, "`ab` is not an object in `serving/ab_live.json`" + expected},
           {{{"ab", {{"conversion", "high"}}}}, "`ab[\"conversion\"]` is not an object in `serving/ab_live.json`" + expected},
           {{{"ab", {{"conversion", {{"treatment", good}}}}}},
            "`ab[\"conversion\"].control` is missing from `serving/ab_live.json`: expected {\"value\": …, \"n\": …}"},
           {source(good, 0.135),
            "`ab[\"conversion\"].treatment` is not an object in `serving/ab_live.json`: expected {\"value\": …, \"n\": …}"},
           {source({{"n", 5000}}, good), "`ab[\"conversion\"].control.value` is missing from `serving/ab_live.json`"},
           {source(good, {{"value", "0.13"}, {"n", 5000}}),
            "`ab[\"conversion\"].treatment.value` is not a number" + at},
           {source(good, {{"value", 0.13}}), "`ab[\"conversion\"].treatment.n` is missing from `serving/ab_live.json`"},
           {source(good, {{"value", 0.13}, {"n", nullptr}}), "`ab[\"conversion\"].treatment.n` is not a number" + at},
           {source({{"value", 0.12}, {"n", 1}}, good),
            "`ab[\"conversion\"].control.n` is 1" + at + ": expected a whole number of observations, at least 2"},
           {source({{"value", 0.12}, {"n", -5000}}, good),
            "`ab[\"conversion\"].control.n` is -5000" + at + ": expected a whole number of observations, at least 2"},
           {source({{"value", 0.12}, {"n", 2500.5}}, good),
            "`ab[\"conversion\"].control.n` is 2500.5" + at + ": expected a whole number of observations, at least 2"},
           {source({{"value", 0.12}, {"n", 1e300}}, good),
            "`ab[\"conversion\"].control.n` is 1e+300" + at + ": expected at most 2^53 observations"},
           {source({{"value", 0.12}, {"n", 18446744073709551615ULL}}, good),
            "`ab[\"conversion\"].control.n` is 18446744073709551615" + at + ": expected at most 2^53 observations"},
           // 2^53 + 1 rounds to 2^53 in a double: refused before it does.
           {source({{"value", 0.12}, {"n", 9007199254740993ULL}}, good),
            "`ab[\"conversion\"].control.n` is 9007199254740993" + at + ": expected at most 2^53 observations"},
           {source({{"value", 1.2}, {"n", 5000}}, good),
            "`ab[\"conversion\"].control.value` is 1.2" + at + ": expected a rate in [0, 1] (a mean gives `sd` in both arms)"},
           {source(good, {{"value", -0.01}, {"n", 5000}}),
            "`ab[\"conversion\"].treatment.value` is -0.01" + at +
                ": expected a rate in [0, 1] (a mean gives `sd` in both arms)"},
           {source({{"value", 12}, {"n", 50}, {"sd", -1}}, {{"value", 13}, {"n", 50}, {"sd", 1}}),
            "`ab[\"conversion\"].control.sd` is -1" + at + ": expected a standard deviation, a finite number >= 0"},
           {source({{"value", 12}, {"n", 50}, {"sd", 3}}, {{"value", 13}, {"n", 50}}),
            "`ab[\"conversion\"].treatment.sd` is missing" + at +
                " while `control.sd` is given: a mean needs `sd` in both arms, a rate in neither"},
           {source({{"value", 12}, {"n", 50}, {"sd", "3"}}, good), "`ab[\"conversion\"].control.sd` is not a number" + at},
       }) {
    INFO(k.doc.dump());
    AbConclusion c = fromSource(k.doc);
    CHECK(c.decision == AbDecision::Inconclusive);
    CHECK(c.problem == k.problem);
    CHECK(c.describe() == "inconclusive: " + k.problem);
  }
  CHECK(concludeAbTest(source(good, good), "x.json", "", {}).problem ==
        "the `ab` strategy names no `metric`: there is nothing to compare");
}

TEST_CASE("non-finite, huge and degenerate readings are never a promotion", "[runtime][ab_test]") {
  constexpr double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  // nlohmann/json refuses NaN and infinities in text, but a document built in
  // code (or a caller's own arms) can hold them.
  CHECK(fromSource(source({{"value", nan}, {"n", 50}}, {{"value", 0.2}, {"n", 50}})).problem ==
        "`ab[\"conversion\"].control.value` is nan in `serving/ab_live.json`: expected a finite number");
  CHECK(concludeAbTest(rate(0.1, 50), rate(0.2, inf), {}).problem ==
        "`treatment.n` is inf: expected a whole number of observations, at least 2");
  CHECK(concludeAbTest(mean(1, nan, 50), mean(2, 1, 50), {}).problem ==
        "`control.sd` is nan: expected a standard deviation, a finite number >= 0");
  CHECK(concludeAbTest(mean(-inf, 1, 50), mean(2, 1, 50), {}).problem == "`control.value` is -inf: expected a finite number");

  // Finite readings whose difference overflows.
  const std::string overflows =
      "the readings are too large to compare: the difference, its standard error or the test statistic overflows";
  CHECK(concludeAbTest(mean(-1e308, 1, 50), mean(1e308, 1, 50), {}).problem == overflows);
  // A finite difference over a tiny standard error: the statistic overflows
  // (found by the ab_test fuzzer).
  AbConclusion statistic = concludeAbTest(mean(1e307, 0, 9007199254740992.0), mean(-1e308, 1e-320, 2), {});
  CHECK(statistic.problem == overflows);
  CHECK(statistic.decision == AbDecision::Inconclusive);
  // A huge sd whose square would overflow: a wide interval, and a sample size
  // beyond counting.
  AbConclusion wide = concludeAbTest(mean(1, 1e200, 50), mean(2, 1, 50), {});
  REQUIRE(wide.problem.empty());
  CHECK_THAT(wide.standardError, WithinRel(1e200 / std::sqrt(50.0), 1e-12));
  CHECK(wide.decision == AbDecision::Inconclusive);
  CHECK_FALSE(wide.neededControl);
  CHECK_THAT(wide.describe(), Contains("; a difference this small needs more observations than can be counted"));
  // No variation in either arm: no interval.
  CHECK(concludeAbTest(mean(1, 0, 50), mean(2, 0, 50), {}).problem ==
        "both arms' `sd` is 0: the difference has no estimated variance");
  // One arm without variation: Welch's degrees of freedom are the other's n - 1.
  AbConclusion oneSided = concludeAbTest(mean(1, 0, 50), mean(2, 3, 20), {});
  REQUIRE(oneSided.degreesOfFreedom);
  CHECK_THAT(*oneSided.degreesOfFreedom, WithinRel(19, 1e-12));
  // Tiny variances neither underflow Welch's degrees of freedom nor the decision.
  AbConclusion tiny = concludeAbTest(mean(1e-200, 1e-200, 6), mean(4e-200, 1e-200, 6), {});
  REQUIRE(tiny.degreesOfFreedom);
  CHECK_THAT(*tiny.degreesOfFreedom, WithinRel(10, 1e-9));
  CHECK(tiny.decision == AbDecision::Promote);
  // The largest exact sample sizes are accepted.
  CHECK(concludeAbTest(rate(0.5, 9007199254740992.0), rate(0.5001, 9007199254740992.0), {}).decision ==
        AbDecision::Promote);
  // A difference too small to detect needs a sample size beyond 2^53: it is
  // reported as a number, not wrapped around.
  AbConclusion huge = concludeAbTest(mean(1, 1, 100), mean(1 + 1e-12, 1, 100), {});
  // One that overflows with the split's ratio is no figure at all.
  AbSettings lopsided;
  lopsided.split = 0.999;
  // n_control = (2.8016 / 2.3e-154)² = 1.48e308 is finite, 999 times it is not.
  AbConclusion overflow = concludeAbTest(mean(0, 1, 100), mean(2.3e-154, 1, 100), lopsided);
  CHECK(overflow.problem.empty());
  CHECK_FALSE(overflow.neededTreatment);
  CHECK_FALSE(overflow.toJson().contains("needed"));
  REQUIRE(huge.neededControl);
  CHECK(*huge.neededControl > 1e24);
  CHECK(huge.toJson()["needed"]["control"].is_number_float());
}

TEST_CASE("settings outside their range are inconclusive", "[runtime][ab_test]") {
  auto with = [](double confidence, double power, double split) {
    AbSettings s;
    s.confidence = confidence;
    s.power = power;
    s.split = split;
    return concludeAbTest(rate(0.1, 5000), rate(0.2, 5000), s);
  };
  CHECK(with(1, 0.8, 0.5).problem == "the confidence is 1: expected at least 50% and below 100%");
  CHECK(with(0.3, 0.8, 0.5).problem == "the confidence is 0.3: expected at least 50% and below 100%");
  CHECK(with(NAN, 0.8, 0.5).problem == "the confidence is nan: expected at least 50% and below 100%");
  CHECK(with(0.95, 1.5, 0.5).problem == "the power is 1.5: expected at least 50% and below 100%");
  CHECK(with(0.95, 0.8, 0).problem == "the split is 0: expected a share strictly between 0% and 100%");
  CHECK(with(0.95, 0.8, 1).problem == "the split is 1: expected a share strictly between 0% and 100%");
  for (const AbConclusion& c : {with(1, 0.8, 0.5), with(0.95, 0.8, 1)}) CHECK(c.decision == AbDecision::Inconclusive);
}

TEST_CASE("a metric name is escaped in messages", "[runtime][ab_test]") {
  AbConclusion c = concludeAbTest(ordered_json{{"ab", ordered_json::object()}}, "live.json", "rate\n\x1b[31m", {});
  CHECK(c.problem == "`ab[\"rate\\n\\u001b[31m\"]` is missing from `live.json`: expected {\"ab\": {\"rate\\n\\u001b[31m\": "
                     "{\"control\": …, \"treatment\": …}}}");
  CHECK(c.problem.find('\x1b') == std::string::npos);
}

TEST_CASE("the metric's direction comes from its KPI", "[runtime][ab_test]") {
  mlops::ir::PipelineGraph g;
  for (auto [metric, comparison] : {std::pair{"business.retention_rate", ">="}, std::pair{"business.churn_rate", "<="},
                                    std::pair{"p95_latency_ms", "<"}}) {
    mlops::ir::Kpi k;
    k.metric = metric;
    k.comparison = comparison;
    g.kpis.push_back(k);
  }
  CHECK(abHigherIsBetter(g, "business.retention_rate"));
  CHECK_FALSE(abHigherIsBetter(g, "business.churn_rate"));
  CHECK_FALSE(abHigherIsBetter(g, "p95_latency_ms"));
  CHECK(abHigherIsBetter(g, "conversion"));  // no KPI: higher is better
}
