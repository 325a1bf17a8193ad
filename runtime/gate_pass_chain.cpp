#include "runtime/gate_pass_chain.h"

#include "runtime/content_hash.h"

#include <nlohmann/json.hpp>

namespace mlops::runtime {
namespace {

// What is wrong with pass `p` given the hash of the pass before it; "" when
// it verifies.
std::string problemOf(const GatePass& p, int64_t expectedId, const std::string& previous) {
  std::string row = "gate pass " + std::to_string(p.id) + " (`" + p.gate + "`, artifact " + p.artifact.substr(0, 12) +
                    ", " + p.at + ")";
  if (p.id != expectedId)
    return "gate pass " + std::to_string(expectedId) +
           (p.id > expectedId ? " is missing: the passes jump to " + std::to_string(p.id) : " appears out of order");
  if (p.prevHash != previous) return row + " does not link to the pass before it (a pass was inserted, deleted or changed)";
  if (gatePassHash(p) != p.hash)
    return row + " was changed or written outside mlopsc: its hash does not match";
  return "";
}

}  // namespace

std::string gatePassHash(const GatePass& p) {
  nlohmann::ordered_json profiles = nlohmann::ordered_json::array();
  for (const ReferenceProfile& r : p.profiles) profiles.push_back({r.data, r.column, r.profile});
  nlohmann::ordered_json fields = nlohmann::ordered_json::array(
      {"gate pass", p.id, p.gate, p.model, p.artifact, p.run, p.at, p.approvalsCount, p.approvalsHead, p.metrics,
       p.policy, profiles, p.prevHash});
  // Evidence only when there is some: passes without it (all of them
  // before schema 7) hash as they did.
  if (!p.evidence.empty()) fields.push_back(p.evidence);
  std::string text = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return sha256Hex(text);
}

std::vector<std::string> verifyGatePassChain(const std::vector<GatePass>& passes) {
  std::vector<std::string> problems;
  std::string previous(64, '0');
  int64_t expectedId = 1;
  for (const GatePass& p : passes) {
    if (std::string problem = problemOf(p, expectedId, previous); !problem.empty())
      problems.push_back(problem);
    previous = p.hash;
    expectedId = p.id + 1;
  }
  return problems;
}

size_t verifiedGatePassCount(const std::vector<GatePass>& passes) {
  std::string previous(64, '0');
  int64_t expectedId = 1;
  for (size_t i = 0; i < passes.size(); ++i) {
    if (!problemOf(passes[i], expectedId, previous).empty()) return i;
    previous = passes[i].hash;
    expectedId = passes[i].id + 1;
  }
  return passes.size();
}

}  // namespace mlops::runtime
