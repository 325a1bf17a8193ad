#include "runtime/rollout/ab_test.h"

#include "runtime/rollout/distributions.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace mlops::runtime {
namespace {

// Sample sizes are counted exactly in a double up to 2^53.
constexpr double kMaxObservations = 9007199254740992.0;

// Finite readings can still give a difference, standard error or statistic
// beyond a double (a difference of 1e308 over a standard error of 1e-300).
constexpr const char* kOverflow =
    "the readings are too large to compare: the difference, its standard error or the test statistic overflows";

std::string numberText(double v, const char* format = "%.6g") {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string percentText(double fraction) { return numberText(fraction * 100, "%.10g") + "%"; }

// A metric name as a JSON string: quoted, control characters and invalid
// UTF-8 escaped, so a hostile spec cannot put raw bytes in a message.
std::string quoted(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Where a reading came from, for messages: `ab["m"].control` in `path`, or
// `control` for readings given directly.
struct Place {
  std::string prefix;  // "ab[\"m\"]." or ""
  std::string path;    // "" for readings given directly
  std::string field(const char* arm, const char* name) const { return "`" + prefix + arm + "." + name + "`"; }
  std::string in() const { return path.empty() ? "" : " in `" + path + "`"; }
};

std::string checkArm(const AbArm& arm, const char* label, const Place& at) {
  if (!std::isfinite(arm.value))
    return at.field(label, "value") + " is " + numberText(arm.value) + at.in() + ": expected a finite number";
  if (!std::isfinite(arm.n) || arm.n < 2 || arm.n != std::floor(arm.n))
    return at.field(label, "n") + " is " + numberText(arm.n) + at.in() +
           ": expected a whole number of observations, at least 2";
  if (arm.n > kMaxObservations)
    return at.field(label, "n") + " is " + numberText(arm.n) + at.in() + ": expected at most 2^53 observations";
  if (arm.sd && (!std::isfinite(*arm.sd) || *arm.sd < 0))
    return at.field(label, "sd") + " is " + numberText(*arm.sd) + at.in() +
           ": expected a standard deviation, a finite number >= 0";
  return "";
}

std::string checkSettings(const AbSettings& s) {
  if (!(s.confidence >= 0.5 && s.confidence < 1))
    return "the confidence is " + numberText(s.confidence) + ": expected at least 50% and below 100%";
  if (!(s.power >= 0.5 && s.power < 1))
    return "the power is " + numberText(s.power) + ": expected at least 50% and below 100%";
  if (!(s.split > 0 && s.split < 1))
    return "the split is " + numberText(s.split) + ": expected a share strictly between 0% and 100%";
  return "";
}

AbConclusion inconclusive(std::string problem) {
  AbConclusion c;
  c.problem = std::move(problem);
  return c;
}

// Wilson's score interval for one proportion (Wilson 1927).
std::pair<double, double> wilson(double p, double n, double z) {
  double z2n = z * z / n;
  double centre = (p + z2n / 2) / (1 + z2n);
  double half = z / (1 + z2n) * std::sqrt(p * (1 - p) / n + z2n / (4 * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

void concludeRate(AbConclusion& c, double z, double r, double zPower) {
  double pc = c.control.value, pt = c.treatment.value, nc = c.control.n, nt = c.treatment.n;
  c.difference = pt - pc;
  c.standardError = std::sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc);
  // Newcombe (1998), method 10: the difference's limits from each arm's
  // Wilson limits.
  auto [lc, uc] = wilson(pc, nc, z);
  auto [lt, ut] = wilson(pt, nt, z);
  c.lower = c.difference - std::hypot(pt - lt, uc - pc);
  c.upper = c.difference + std::hypot(ut - pt, pc - lc);
  // The pooled two-proportion z-test: under "no difference" both arms share
  // one rate. Both arms at 0 (or at 1) have no difference to test.
  double pooled = (pc * nc + pt * nt) / (nc + nt);
  double se0 = std::sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt));
  c.statistic = se0 > 0 ? c.difference / se0 : 0;
  c.pValue = se0 > 0 ? std::min(1.0, 2 * normalSurvival(std::fabs(c.statistic))) : 1;
  // Fleiss, Levin & Paik (2003) ch. 4, without continuity correction, for
  // r = n_treatment / n_control.
  if (c.difference != 0) {
    double pBar = (pc + r * pt) / (1 + r);
    double root = z * std::sqrt(pBar * (1 - pBar) * (1 + 1 / r)) + zPower * std::sqrt(pc * (1 - pc) + pt * (1 - pt) / r);
    c.neededControl = root * root / (c.difference * c.difference);
  }
}

// Returns a problem when the variance cannot be estimated or the difference
// overflows. Every variance is scaled by the larger sd so that squares of
// extreme (finite) readings neither overflow nor underflow.
std::string concludeMean(AbConclusion& c, double confidence, double z, double r, double zPower) {
  double nc = c.control.n, nt = c.treatment.n, sc = *c.control.sd, st = *c.treatment.sd;
  double scale = std::max(sc, st);
  if (scale == 0) return "both arms' `sd` is 0: the difference has no estimated variance";
  double a = sc / scale, b = st / scale;
  double vc = a * a / nc, vt = b * b / nt;
  c.difference = c.treatment.value - c.control.value;
  c.standardError = scale * std::sqrt(vc + vt);
  if (!std::isfinite(c.difference) || !std::isfinite(c.standardError)) return kOverflow;
  // Welch (1947); Satterthwaite (1946).
  double df = (vc + vt) * (vc + vt) / (vc * vc / (nc - 1) + vt * vt / (nt - 1));
  c.degreesOfFreedom = df;
  double t = studentTQuantile((1 + confidence) / 2, df);
  if (!std::isfinite(t)) return "the t quantile for " + numberText(df) + " degrees of freedom did not converge";
  c.lower = c.difference - t * c.standardError;
  c.upper = c.difference + t * c.standardError;
  c.statistic = c.difference / c.standardError;
  c.pValue = std::min(1.0, 2 * studentTSurvival(std::fabs(c.statistic), df));
  // Two independent means with unequal variances, normal approximation
  // (Chow, Shao & Wang 2008, ch. 3), for r = n_treatment / n_control.
  if (c.difference != 0) {
    double k = (z + zPower) * scale / c.difference;
    c.neededControl = k * k * (a * a + b * b / r);
  }
  return "";
}

// A count as a JSON integer while a double holds it exactly (a sample size
// still needed for a tiny difference may be far larger).
nlohmann::ordered_json countJson(double v) {
  if (v <= kMaxObservations) return static_cast<std::uint64_t>(v);
  return v;
}

}  // namespace

const char* abDecisionName(AbDecision decision) {
  switch (decision) {
    case AbDecision::Promote: return "promote";
    case AbDecision::RollBack: return "roll back";
    case AbDecision::Inconclusive: break;
  }
  return "inconclusive";
}

namespace {

AbConclusion conclude(const AbArm& control, const AbArm& treatment, const AbSettings& s, const Place& at) {
  if (std::string p = checkSettings(s); !p.empty()) return inconclusive(p);
  if (std::string p = checkArm(control, "control", at); !p.empty()) return inconclusive(p);
  if (std::string p = checkArm(treatment, "treatment", at); !p.empty()) return inconclusive(p);
  if (control.sd.has_value() != treatment.sd.has_value()) {
    const char* with = control.sd ? "control" : "treatment";
    const char* without = control.sd ? "treatment" : "control";
    return inconclusive(at.field(without, "sd") + " is missing" + at.in() + " while `" + with +
                        ".sd` is given: a mean needs `sd` in both arms, a rate in neither");
  }
  AbConclusion c;
  c.kind = control.sd ? AbKind::Mean : AbKind::Rate;
  c.control = control;
  c.treatment = treatment;
  c.confidence = s.confidence;
  c.power = s.power;
  double z = normalQuantile((1 + s.confidence) / 2), zPower = normalQuantile(s.power);
  double r = s.split / (1 - s.split);
  if (c.kind == AbKind::Rate) {
    for (const auto& [arm, label] : {std::pair{&control, "control"}, std::pair{&treatment, "treatment"}})
      if (arm->value < 0 || arm->value > 1)
        return inconclusive(at.field(label, "value") + " is " + numberText(arm->value) + at.in() +
                            ": expected a rate in [0, 1] (a mean gives `sd` in both arms)");
    concludeRate(c, z, r, zPower);
  } else if (std::string p = concludeMean(c, s.confidence, z, r, zPower); !p.empty()) {
    return inconclusive(p);
  }
  for (double v : {c.lower, c.upper, c.statistic, c.pValue})
    if (!std::isfinite(v)) return inconclusive(kOverflow);
  if (c.neededControl && std::isfinite(*c.neededControl) && std::isfinite(r * *c.neededControl)) {
    c.neededTreatment = std::ceil(r * *c.neededControl);
    c.neededControl = std::ceil(*c.neededControl);
    c.moreControl = std::max(0.0, *c.neededControl - control.n);
    c.moreTreatment = std::max(0.0, *c.neededTreatment - treatment.n);
  } else {
    c.neededControl.reset();
  }
  bool above = c.lower > 0, below = c.upper < 0;
  if (above || below) c.decision = above == s.higherIsBetter ? AbDecision::Promote : AbDecision::RollBack;
  return c;
}

// The arm `label` of the metric's object: its numbers, or a problem.
std::optional<AbArm> readArm(const nlohmann::ordered_json& test, const char* label, const Place& at,
                             std::string& problem) {
  auto it = test.find(label);
  if (it == test.end() || !it->is_object()) {
    problem = "`" + at.prefix + label + "` is " + (it == test.end() ? "missing from `" : "not an object in `") +
              at.path + "`: expected {\"value\": …, \"n\": …}";
    return std::nullopt;
  }
  AbArm arm;
  for (const char* name : {"value", "n", "sd"}) {
    auto f = it->find(name);
    if (f == it->end()) {
      if (std::string_view(name) == "sd") break;
      problem = at.field(label, name) + " is missing from `" + at.path + "`";
      return std::nullopt;
    }
    if (!f->is_number()) {
      problem = at.field(label, name) + " is not a number" + at.in();
      return std::nullopt;
    }
    // A count above 2^53 would round to one the checks accept.
    if (std::string_view(name) == "n" && f->is_number_unsigned() &&
        f->get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxObservations)) {
      problem = at.field(label, name) + " is " + std::to_string(f->get<std::uint64_t>()) + at.in() +
                ": expected at most 2^53 observations";
      return std::nullopt;
    }
    double v = f->get<double>();
    if (std::string_view(name) == "value") arm.value = v;
    else if (std::string_view(name) == "n") arm.n = v;
    else arm.sd = v;
  }
  return arm;
}

}  // namespace

AbConclusion concludeAbTest(const AbArm& control, const AbArm& treatment, const AbSettings& settings) {
  return conclude(control, treatment, settings, Place{});
}

AbConclusion concludeAbTest(const nlohmann::ordered_json& source, const std::string& path, const std::string& metric,
                            const AbSettings& settings) {
  std::string expected = ": expected {\"ab\": {" + quoted(metric) + ": {\"control\": …, \"treatment\": …}}}";
  if (metric.empty()) return inconclusive("the `ab` strategy names no `metric`: there is nothing to compare");
  if (!source.is_object()) return inconclusive("`" + path + "` is not a JSON object" + expected);
  auto ab = source.find("ab");
  if (ab == source.end() || !ab->is_object())
    return inconclusive(std::string(ab == source.end() ? "`ab` is missing from" : "`ab` is not an object in") + " `" +
                        path + "`" + expected);
  auto test = ab->find(metric);
  std::string name = "ab[" + quoted(metric) + "]";
  if (test == ab->end() || !test->is_object())
    return inconclusive("`" + name + "` is " + (test == ab->end() ? "missing from" : "not an object in") + " `" +
                        path + "`" + expected);
  Place at{name + ".", path};
  std::string problem;
  std::optional<AbArm> control = readArm(*test, "control", at, problem);
  if (!control) return inconclusive(problem);
  std::optional<AbArm> treatment = readArm(*test, "treatment", at, problem);
  if (!treatment) return inconclusive(problem);
  return conclude(*control, *treatment, settings, at);
}

AbConclusion concludeAbTest(const std::vector<AbSource>& sources, const std::string& metric,
                            const AbSettings& settings) {
  for (const AbSource& s : sources)
    if (s.document.is_object())
      if (auto ab = s.document.find("ab"); ab != s.document.end() && ab->is_object() && ab->contains(metric))
        return concludeAbTest(s.document, s.path, metric, settings);
  std::string name = "`ab[" + quoted(metric) + "]`";
  if (sources.empty()) return inconclusive("the deploy has no monitor whose source could report " + name);
  std::string read;
  for (const AbSource& s : sources) read += (read.empty() ? "`" : ", `") + s.path + "`";
  return inconclusive("no monitor source of the deploy reports " + name + " (read " + read + ")");
}

bool abHigherIsBetter(const ir::PipelineGraph& graph, const std::string& metric) {
  for (const ir::Kpi& k : graph.kpis)
    if (k.metric == metric) return !(k.comparison == "<" || k.comparison == "<=");
  return true;
}

std::string AbConclusion::describe() const {
  if (!problem.empty()) return "inconclusive: " + problem;
  std::string out = "treatment - control = " + numberText(difference, "%+.4g") + " (" + percentText(confidence) +
                    " CI " + numberText(lower, "%+.4g") + " to " + numberText(upper, "%+.4g") +
                    ", p = " + numberText(pValue, "%.2g") + "): " + abDecisionName(decision);
  if (decision != AbDecision::Inconclusive) return out;
  if (difference == 0) return out + "; no difference observed, so no sample size would detect it";
  if (!moreControl) return out + "; a difference this small needs more observations than can be counted";
  if (*moreControl == 0 && *moreTreatment == 0)
    return out + "; each arm already has the observations to detect a difference of this size at " +
           percentText(power) + " power";
  return out + "; detecting a difference of this size at " + percentText(power) + " power needs " +
         numberText(*moreControl, "%.0f") + " more observations in control and " +
         numberText(*moreTreatment, "%.0f") + " in treatment";
}

nlohmann::ordered_json AbConclusion::toJson() const {
  nlohmann::ordered_json out;
  out["decision"] = abDecisionName(decision);
  if (!problem.empty()) {
    out["problem"] = problem;
    return out;
  }
  out["kind"] = kind == AbKind::Rate ? "rate" : "mean";
  for (const auto& [arm, label] : {std::pair{&control, "control"}, std::pair{&treatment, "treatment"}}) {
    nlohmann::ordered_json a{{"value", arm->value}, {"n", countJson(arm->n)}};
    if (arm->sd) a["sd"] = *arm->sd;
    out[label] = a;
  }
  out["difference"] = difference;
  out["standard_error"] = standardError;
  out["confidence"] = confidence;
  out["interval"] = {lower, upper};
  out[kind == AbKind::Rate ? "z" : "t"] = statistic;
  if (degreesOfFreedom) out["degrees_of_freedom"] = *degreesOfFreedom;
  out["p_value"] = pValue;
  out["power"] = power;
  if (neededControl) {
    out["needed"] = {{"control", countJson(*neededControl)}, {"treatment", countJson(*neededTreatment)}};
    out["more"] = {{"control", countJson(*moreControl)}, {"treatment", countJson(*moreTreatment)}};
  }
  return out;
}

}  // namespace mlops::runtime
