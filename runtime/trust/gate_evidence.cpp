#include "runtime/trust/gate_evidence.h"

#include <nlohmann/json.hpp>

namespace mlops::runtime {
namespace {

using json = nlohmann::json;

bool isHex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::optional<std::string> serializeEvidence(const GateEvidence& e, std::string& why) {
  for (const std::string* digest : {&e.policy, &e.signers, &e.spec})
    if (!isHex64(*digest)) {
      why = "a digest of the evidence is not 64 lower-case hex digits";
      return std::nullopt;
    }
  json approvals = json::array();
  for (const CountedApproval& a : e.approvals) {
    if (a.id <= 0 || !isHex64(a.sha256)) {
      why = "an approval of the evidence has no id or statement digest";
      return std::nullopt;
    }
    approvals.push_back(json{{"id", a.id}, {"sha256", a.sha256}});
  }
  std::optional<std::string> subjects = serializeSubjects(e.subjects, why);
  if (!subjects) return std::nullopt;
  json value{{"approvals", std::move(approvals)}, {"mlopsc", e.mlopsc}, {"policy", e.policy},
             {"signers", e.signers},              {"spec", e.spec},      {"subjects", json::parse(*subjects)}};
  return canonicalJson(value, why);
}

std::optional<GateEvidence> parseEvidence(std::string_view text, std::string& why) {
  json v = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  auto fail = [&](const char* what) {
    why = std::string("the pass's evidence ") + what;
    return std::nullopt;
  };
  if (v.is_discarded() || !v.is_object()) return fail("is not a JSON object");
  if (v.size() != 6 || !v.contains("approvals") || !v.contains("mlopsc") || !v.contains("policy") ||
      !v.contains("signers") || !v.contains("spec") || !v.contains("subjects"))
    return fail("does not have exactly the fields approvals, mlopsc, policy, signers, spec and subjects");
  GateEvidence e;
  if (!v["approvals"].is_array()) return fail("has no list of approvals");
  for (const json& a : v["approvals"]) {
    if (!a.is_object() || a.size() != 2 || !a.contains("id") || !a.contains("sha256") ||
        !a["id"].is_number_integer() || !a["sha256"].is_string())
      return fail("has an approval that is not {\"id\": N, \"sha256\": …}");
    e.approvals.push_back({a["id"].get<int64_t>(), a["sha256"].get<std::string>()});
  }
  for (auto [key, into] : {std::pair{"mlopsc", &e.mlopsc}, {"policy", &e.policy}, {"signers", &e.signers},
                           {"spec", &e.spec}}) {
    if (!v[key].is_string()) return fail("has a field that is not a string");
    *into = v[key].get<std::string>();
  }
  std::optional<std::vector<Subject>> subjects = parseSubjects(v["subjects"].dump(), why);
  if (!subjects) return std::nullopt;
  e.subjects = std::move(*subjects);
  std::optional<std::string> again = serializeEvidence(e, why);
  if (!again) return std::nullopt;
  if (*again != text) return fail("is not in the exact bytes mlopsc writes");
  return e;
}

}  // namespace mlops::runtime
