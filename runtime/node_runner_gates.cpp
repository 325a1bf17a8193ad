// NodeRunner (runtime/node_runner.h): gates (approvals counted from the
// rows that verify, signatures, gate passes and the reference profiles they
// keep) and the model artifact that gates approve and deploys roll out.
#include "runtime/node_runner.h"

#include "ir/source_kinds.h"

#include "runtime/approvals.h"
#include "runtime/ci_evidence.h"
#include "runtime/data_table.h"
#include "runtime/drift.h"
#include "runtime/gate_policy.h"
#include "runtime/runner_support.h"
#include "runtime/trust/approval_statement.h"
#include "runtime/trust/subjects.h"

#include <algorithm>

namespace mlops::runtime {

using namespace runner_support;
namespace {

std::string shortDigest(const std::string& hex) { return hex.substr(0, 12); }

// "2 of validators, risk_owner": who approves the gate.
std::string approvalRoles(const ir::Node& gate) {
  std::string out;
  for (const ir::Approval& a : gate.approvals)
    out += (out.empty() ? "" : ", ") + (a.quorum > 1 ? std::to_string(a.quorum) + " of " : std::string()) + a.role;
  return out;
}

}  // namespace

// ---- gates -------------------------------------------------------------

// The model's artifact as it is on disk now: its declared outputs' digests,
// hashed from their bytes (what a gate approves and a deploy rolls out).
std::optional<NodeSuccess> NodeRunner::modelArtifact(const ir::Node& model, std::string& error) {
  std::string missing;
  std::optional<NodeSuccess> out = currentOutputs(model, g_.root, missing);
  if (!out)
    error = "model `" + model.name + "` has not been built: its output `" + missing + "` is missing" +
            (o_.node.empty() ? "" : " (restore it with --artifacts)");
  return out;
}

// A deploy after a gate that passed in this run rolls out the artifact the
// gate passed, or nothing: "" when `artifact` is that one.
std::string NodeRunner::differsFromGate(const ir::Node& deploy, const ir::Node& model,
                                        const std::string& artifact) const {
  auto it = gatePassed_.find(deploy.after);
  const ir::Node* gate = g_.find(deploy.after);
  if (it == gatePassed_.end() || !gate || gate->model != model.id || it->second == artifact) return "";
  return "the artifact of model `" + model.name + "` changed after `" + deploy.after + "` passed it: expected digest " +
         it->second + ", found " + artifact + "; nothing was rolled out";
}

// Hashes the deploy's model again: "" when it is still `expected`.
std::string NodeRunner::artifactChanged(const ir::Node& deploy, const std::string& expected) {
  const ir::Node* model = g_.find(deploy.model);
  std::string error;
  std::optional<NodeSuccess> now = model ? modelArtifact(*model, error) : std::nullopt;
  if (!now) return "cannot hash the artifact to roll out: " + error;
  std::string found = artifactDigest(*now);
  if (found == expected) return "";
  return "the artifact of model `" + model->name + "` changed during the deploy: expected digest " + expected +
         ", found " + found + "; refusing to roll it out";
}

// In a project with signers, the model's outputs with their SHA-256
// digests as an approver without the files signs them (canonical JSON);
// "" otherwise or when they cannot be signed (approve says why).
std::string NodeRunner::signedSubjects(const ir::Node& model) const {
  if (!g_.signers) return "";
  std::string missing, why;
  std::optional<TrustedOutputs> t = trustedOutputs(model, g_.root, missing);
  if (!t || !t->unsignable.empty()) return "";
  return serializeSubjects(t->subjects, why).value_or("");
}

// The signed approvals of the project, opened at its first gate; null
// after failing the gate (and the run, exit 2) when they cannot be.
GateSignatures* NodeRunner::signatures(size_t i) {
  if (!signatures_) {
    std::string error;
    signatures_ = GateSignatures::open(g_, g_.root, error);
    if (!signatures_) {
      trustFailed_ = true;
      immediate(i, false, error);
      return nullptr;
    }
  }
  return signatures_.get();
}

// The newest verified pass of `gate` for `artifact`, or null.
const GatePass* NodeRunner::latestPass(const std::string& gate, const std::string& artifact) const {
  for (auto it = passes_.rbegin(); it != passes_.rend(); ++it)
    if (it->gate == gate && it->artifact == artifact) return &*it;
  return nullptr;
}

void NodeRunner::checkGate(size_t i, const ir::Node& gate) {
  const ir::Node* model = g_.find(gate.model);
  if (!model) return immediate(i, false, "its model `" + gate.model + "` is not in the graph");
  if (o_.dryRun && wouldRun_.count(model->id)) {
    if (gate.approvals.empty()) return immediate(i, true, noApprovalsNeeded(), "would pass");
    // A rebuilt model is a new artifact, which nobody has approved yet: the
    // run would stop here, and what waits for the gate would not run.
    waiting_.insert(gate.id);
    return immediate(i, false,
                     "model `" + model->name + "` would be rebuilt: its new artifact needs approval by " +
                         approvalRoles(gate),
                     "would wait");
  }
  std::string error;
  std::optional<NodeSuccess> built;
  std::vector<Subject> subjects;  // with signers: what approvers signed, recomputed from the bytes
  GateSignatures* signatures = nullptr;
  if (g_.signers) {
    if (!(signatures = this->signatures(i))) return;
    std::string missing;
    std::optional<TrustedOutputs> t = trustedOutputs(*model, g_.root, missing);
    if (!t)
      return immediate(i, false,
                       "model `" + model->name + "` has not been built: its output `" + missing + "` is missing" +
                           (o_.node.empty() ? "" : " (restore it with --artifacts)"));
    if (!t->unsignable.empty())
      return immediate(i, false, "model `" + model->name + "` cannot be approved with signatures: " + t->unsignable);
    built = std::move(t->outputs);
    subjects = std::move(t->subjects);
  } else {
    built = modelArtifact(*model, error);
    if (!built) return immediate(i, false, error);
  }
  std::string artifact = artifactDigest(*built);
  // CI: the required tests ran in earlier jobs; their results are artifacts.
  if (ciJob(o_) && !requiredTestsPassed(g_, gate, o_.artifactsDir, g_.root, artifact, error))
    return immediate(i, false, error);
  // Every run counts the approvals again, from the rows of the log that
  // verify: a recorded pass is reused only under the policy it passed
  // under (runtime/gate_policy.h) and only while its row verifies.
  std::string policy = gatePolicyDigest(g_, gate);
  const GatePass* earlier = latestPass(gate.id, artifact);
  // With signers only the rows whose signatures verify count (membership,
  // separation of duties and quorums then as without).
  SignedApprovals signedRows;
  if (signatures) {
    signedRows = signatures->count(g_, gate, artifact, subjects, approvals_);
    if (!signedRows.unchecked.empty()) {
      trustFailed_ = true;
      return immediate(i, false, "cannot check the approvals' signatures: " + signedRows.unchecked);
    }
  }
  GateTally tally = tallyApprovals(g_, gate, artifact, signatures ? signedRows.rows : approvals_);
  // With signers, a pass from before them (no evidence) is not reused:
  // the new pass records what the signed approvals are.
  if (tally.met() && earlier && earlier->policy == policy && (!signatures || !earlier->evidence.empty())) {
    gatePassed_[gate.id] = artifact;
    return immediate(i, true,
                     (gate.approvals.empty() ? noApprovalsNeeded() + ": passed on its tests" : std::string("approved")) +
                         " for artifact " + shortDigest(artifact) + " (" + earlier->at + ")",
                     "passed");
  }
  if (!tally.met()) {
    // In a CI job too: the platform's approval steps (environments,
    // suspends) are an extra layer; what counts is the team's record,
    // tallied under this run's graph, never one read from the record.
    waiting_.insert(gate.id);
    std::string changed;
    if (earlier && earlier->policy != policy)
      changed = "policy changed since the pass of " + earlier->at +
                " (approval roles, quorums, their members or the required tests): ";
    // A CI job's approvers have no model files: they name the artifact,
    // which the model's job recorded, by its digest.
    // A shared database holds several projects; an approver's clone has
    // no local run to say which one is meant.
    std::string command = "mlopsc approve " + gate.name +
                          (ciJob(o_) ? " --artifact " + shortDigest(artifact) : std::string()) +
                          (ciJob(o_) && o_.state.backend == StateBackend::Postgres
                               ? " --state-project " + g_.projectName
                               : std::string()) +
                          (signatures ? " --key KEY" : " --as EMAIL");
    std::string notCounted;
    for (const std::string& why : signedRows.notCounted) notCounted += (notCounted.empty() ? "" : "; ") + why;
    return immediate(i, false,
                     changed + "artifact " + shortDigest(artifact) + " of model `" + model->name +
                         "` needs approval by " + tally.missing() + "; each runs `" + command + "`" +
                         (signatures ? " (KEY: their SSH key listed in " + g_.signers->path + ")" : "") +
                         (ciJob(o_) ? " with the same MLOPS_STATE, then re-run this job" : "") +
                         (notCounted.empty() ? "" : " (not counted: " + notCounted + ")"),
                     "waiting");
  }
  if (o_.dryRun) return immediate(i, true, gate.approvals.empty() ? noApprovalsNeeded() : "approvals are complete",
                                  "would pass");
  std::string approvers;
  for (const RoleTally& t : tally.roles)
    for (const std::string& e : t.approvedBy) approvers += (approvers.empty() ? "" : ", ") + e;
  GatePass pass;
  pass.gate = gate.id;
  pass.model = model->id;
  pass.artifact = artifact;
  pass.run = run_;
  pass.approvalsCount = approvals_.empty() ? 0 : approvals_.back().id;
  pass.approvalsHead = approvals_.empty() ? "" : approvals_.back().hash;
  pass.policy = policy;
  pass.metrics = metricsText(*model);
  pass.profiles = referenceProfiles(gate);
  if (signatures) {
    std::optional<std::string> evidence =
        signatures->evidence(g_, gate, tally, signedRows.rows, subjects, o_.runtimeVersion, error);
    if (!evidence) return immediate(i, false, "cannot write the gate pass's evidence: " + error);
    pass.evidence = std::move(*evidence);
  }
  passes_.push_back(state_->recordGatePass(std::move(pass)));
  gatePassed_[gate.id] = artifact;
  immediate(i, true,
            (gate.approvals.empty() ? noApprovalsNeeded() + ": passed on its tests" : "approved by " + approvers) +
                " for artifact " + shortDigest(artifact),
            "passed");
}

// A gate with `approvals = []` (low and medium risk, docs/language.md
// 5.8.1) passes on its required tests alone; the graph's edges from those
// tests already held it back until they passed.
std::string NodeRunner::noApprovalsNeeded() const { return "no approvals required (" + g_.riskTier + " risk)"; }

// The model's metrics as compact JSON text (the baseline of later
// runs): "{}" when it writes none or they are no JSON object.
std::string NodeRunner::metricsText(const ir::Node& model) const {
  std::string error;
  for (const auto& [name, path] : model.outputs)
    if (name == model.metricsOutput)
      if (std::optional<std::string> text = readFile(join(g_.root, path), error)) {
        nlohmann::ordered_json metrics = nlohmann::ordered_json::parse(*text, nullptr, false);
        if (metrics.is_object()) return metrics.dump();
      }
  return "{}";
}

// The profiles of the columns the gate's drift tests read, as the data is
// now: the reference of later `drift.psi`.
std::vector<ReferenceProfile> NodeRunner::referenceProfiles(const ir::Node& gate) {
  std::vector<ReferenceProfile> out;
  for (const ir::Node& t : g_.nodes) {
    if (t.kind != ir::NodeKind::Test || !ir::readsDrift(t.expect)) continue;
    bool required = std::find(gate.require.begin(), gate.require.end(), t.id) != gate.require.end();
    if (!required && !ancestorOf(t.target, gate.model)) continue;
    const ir::Node* data = g_.find(t.target);
    if (!data || data->kind != ir::NodeKind::Data) continue;
    std::string source = dataPath(*data), error;
    std::optional<DataTable> table = DataTable::readProjectCsv(g_.root, source, error);
    if (!table) continue;
    // The columns: evaluate the expectation, noting each drift.psi column.
    std::vector<std::string> columns;
    EvaluationContext context;
    context.path = checkParameters(t);
    context.call = [&](const std::vector<std::string>& name, const std::vector<Value>& args,
                       std::string&) -> std::optional<Value> {
      if (name.size() == 2 && name[0] == "drift" && args.size() == 1)
        if (const std::string* c = std::get_if<std::string>(&args[0].v)) columns.push_back(*c);
      return Value{0.0};
    };
    std::string ignored;
    evaluate(t.expect.tree, context, ignored);
    for (const std::string& c : columns)
      if (std::optional<size_t> index = table->column(c, ignored))
        out.push_back({data->id, c, buildProfile(*table, *index)});
  }
  return out;
}

// The column's profile at the newest verified gate pass that stored one.
std::optional<std::string> NodeRunner::referenceProfile(const std::string& data,
                                                        const std::string& column) const {
  for (auto it = passes_.rbegin(); it != passes_.rend(); ++it)
    for (const ReferenceProfile& r : it->profiles)
      if (r.data == data && r.column == column) return r.profile;
  return std::nullopt;
}

bool NodeRunner::ancestorOf(const std::string& candidate, const std::string& node) const {
  std::vector<std::string> stack{node};
  std::set<std::string> seen;
  while (!stack.empty()) {
    std::string id = stack.back();
    stack.pop_back();
    if (id == candidate) return true;
    if (!seen.insert(id).second) continue;
    if (const ir::Node* n = g_.find(id))
      for (const std::string& up : upstream(*n)) stack.push_back(up);
  }
  return false;
}

std::string NodeRunner::dataPath(const ir::Node& data) { return ir::localDataPath(data.source).value_or(""); }

// A test's check parameters (`threshold`, `column`) by name.
std::function<std::optional<Value>(const std::vector<std::string>&, std::string&)> NodeRunner::checkParameters(
    const ir::Node& t) {
  return [&t](const std::vector<std::string>& path, std::string& error) -> std::optional<Value> {
    if (path.size() == 1)
      for (const auto& [name, literal] : t.uses.arguments)
        if (name == path[0]) return evaluate(literal.value("value", nlohmann::ordered_json()), EvaluationContext{}, error);
    error = "`" + path[0] + "` cannot be read in this test";
    return std::nullopt;
  };
}

}  // namespace mlops::runtime
