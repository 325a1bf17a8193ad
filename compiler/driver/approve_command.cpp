// mlopsc approve GATE [--key KEY] [--as EMAIL] [--artifact PREFIX]
// [--role ROLE] [--comment TEXT] [--project DIR]: records an approval of a
// gate for the model artifact on disk, or for the artifact a model's run or
// CI job recorded in the record under a digest starting with PREFIX
// (runtime/approvals.h). Refuses, saying why, a person who is not a member
// of an approval role of the gate or who is a member of the role owning the
// model (separation of duties).
//
// In a project with `signers` the approval is signed (docs/security.md,
// signed approvals): the approver is whoever the signing key belongs to in
// allowed_signers, `--as` only asserts it, and the row holds an in-toto
// statement over the model's SHA-256 subjects signed with
// `ssh-keygen -Y sign -n mlops-approval`, verified before it is recorded.
#include "driver/commands.h"
#include "driver/project_state.h"
#include "driver/version.h"
#include "ir/ir_reader.h"
#include "runtime/approvals.h"
#include "runtime/content_hash.h"
#include "runtime/private_temp_dir.h"
#include "runtime/trust/approval_signatures.h"
#include "runtime/trust/approval_sshsig.h"
#include "runtime/trust/project_signers.h"
#include "runtime/trust/signing_key.h"
#include "runtime/trust/subjects.h"
#include "runtime/trust/verify_cache.h"
#include "support/display_text.h"
#include "sema/member_address.h"

#include <llvm/Support/raw_ostream.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>

namespace mlops::driver {

namespace {

llvm::cl::opt<std::string> approveGate(llvm::cl::Positional, llvm::cl::desc("<gate>"), llvm::cl::Required,
                                       llvm::cl::sub(approveCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> approveAs("as",
                                     llvm::cl::desc("Who approves: an e-mail address, read as role members are "
                                                    "(trimmed, lowercased, ASCII only; default: "
                                                    "`git config user.email`). With signers: optional, and "
                                                    "refused unless it is the signing key's owner"),
                                     llvm::cl::value_desc("email"), llvm::cl::sub(approveCommand),
                                     llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> approveRole("role",
                                       llvm::cl::desc("The approval role to approve as, when you are in several"),
                                       llvm::cl::value_desc("role"), llvm::cl::sub(approveCommand),
                                       llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> approveArtifact(
    "artifact",
    llvm::cl::desc("Approve the artifact of the gate's model recorded under a digest starting with PREFIX (at "
                   "least 8 hex digits, as a waiting gate prints it) instead of the model's outputs on disk: no "
                   "model files needed, for the gates of CI jobs (with the same MLOPS_STATE)"),
    llvm::cl::value_desc("prefix"), llvm::cl::sub(approveCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> approveKey(
    "key",
    llvm::cl::desc("The SSH key that signs the approval, in a project with signers: a private key file, a public "
                   "key file whose private half is in ssh-agent, or `key::ssh-ed25519 AAAA…` (default: "
                   "MLOPS_SIGNING_KEY, else git's user.signingkey when gpg.format is ssh)"),
    llvm::cl::value_desc("key"), llvm::cl::sub(approveCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> approveComment("comment", llvm::cl::desc("Why, for the record"),
                                          llvm::cl::value_desc("text"), llvm::cl::sub(approveCommand),
                                          llvm::cl::cat(commandCategory));

std::string gitEmail() {
  std::FILE* pipe = ::popen("git config user.email 2>/dev/null", "r");
  if (!pipe) return "";
  char buf[512];
  std::string out;
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

// Short enough to type, long enough that two artifacts of one model
// sharing it is a rare event, resolved by asking for more digits.
constexpr size_t kMinimumArtifactPrefix = 8;

// An artifact digest (runtime::artifactDigest) has this many hex digits.
constexpr size_t kArtifactDigits = 32;

// The full digest of the recorded artifact of `model` whose digest starts
// with `given`; nullopt after saying why (no digest prefix, none, several).
// Rows are read as hostile input: one whose digest is no digest is no
// candidate.
std::optional<runtime::ArtifactRecord> recordedArtifact(const runtime::Record& record, const ir::Node& model,
                                                        const std::string& given) {
  std::string prefix = llvm::StringRef(given).trim().lower();
  if (prefix.size() < kMinimumArtifactPrefix || prefix.size() > kArtifactDigits ||
      prefix.find_first_not_of("0123456789abcdef") != std::string::npos) {
    llvm::errs() << "mlopsc: error: --artifact `" << support::escapeControls(given)
                 << "` is no digest prefix: expected " << kMinimumArtifactPrefix
                 << " to " << kArtifactDigits << " hex digits, as a waiting gate prints them\n";
    return std::nullopt;
  }
  std::vector<runtime::ArtifactRecord> found = record.findArtifacts(model.id, prefix);
  if (!record.ok()) {
    llvm::errs() << "mlopsc: error: cannot read the artifacts of model `" << model.name << "`: " << record.error() << '\n';
    return std::nullopt;
  }
  std::vector<const runtime::ArtifactRecord*> candidates;  // one per digest, newest first
  for (const runtime::ArtifactRecord& a : found) {
    if (!runtime::Digest::fromHex(a.digest) || a.digest.compare(0, prefix.size(), prefix) != 0) continue;
    bool seen = false;
    for (const runtime::ArtifactRecord* c : candidates) seen = seen || c->digest == a.digest;
    if (!seen) candidates.push_back(&a);
  }
  if (candidates.size() == 1) return *candidates.front();
  if (candidates.empty()) {
    llvm::errs() << "mlopsc: error: no artifact of model `" << model.name << "` with a digest starting " << prefix
                 << " is in the record at " << record.describe()
                 << ": its run or CI job records it there when the model is built\n";
    return std::nullopt;
  }
  llvm::errs() << "mlopsc: error: --artifact " << prefix << " names " << candidates.size() << " artifacts of model `"
               << model.name << "`:";
  for (const runtime::ArtifactRecord* c : candidates)
    llvm::errs() << ' ' << c->digest.substr(0, 16) << " (run " << c->run << ", " << support::escapeControls(c->at) << ")";
  llvm::errs() << "; give more digits\n";
  return std::nullopt;
}

// Signs and records the approval of `gate` for `model` in a project with
// signers (the file named by the graph, checked against its digest).
int approveSigned(ProjectState& project, const ir::PipelineGraph& g, const ir::Node& gate, const ir::Node& model) {
  auto usage = [](const std::string& why) {
    llvm::errs() << "mlopsc: error: " << why << '\n';
    return static_cast<int>(ExitCode::Usage);
  };
  auto refused = [](const std::string& why) {
    llvm::errs() << "mlopsc: error: approval refused: " << why << '\n';
    return static_cast<int>(ExitCode::Refused);
  };
  std::string error;
  std::optional<runtime::ProjectSigners> signers = runtime::loadProjectSigners(g, project.root, error);
  if (!signers) return usage(error);
  std::optional<runtime::SshKeygen> keygen = runtime::SshKeygen::locate(error);
  if (!keygen) return usage(error);
  std::optional<runtime::PrivateTempDir> tmp = runtime::PrivateTempDir::create(error);
  if (!tmp) return usage(error);

  // Who signs: the key's line in allowed_signers, never a claim.
  runtime::KeySources sources;
  if (approveKey.getNumOccurrences()) sources.flag = std::string(approveKey);
  if (const char* env = std::getenv("MLOPS_SIGNING_KEY"); env && *env) sources.environment = std::string(env);
  sources.gitRoot = project.root;
  std::optional<runtime::SigningKey> key = runtime::findSigningKey(sources, *tmp, error);
  if (!key) return usage(error);
  std::optional<std::string> fingerprint = runtime::keyFingerprint(*keygen, *key, error);
  if (!fingerprint) return usage(error);
  const support::SignerLine* line = signers->file.byFingerprint(*fingerprint);
  std::string signersName = "`" + support::escapeControls(g.signers->path) + "`";
  if (!line)
    return refused("the key " + *fingerprint + " (" + support::escapeControls(key->given) + ", from " + key->source +
                   ") is in no line of " + signersName +
                   ": ask a maintainer to add it through a reviewed change (docs/cli.md, signing approvals)");
  std::string principal = line->principal;
  if (approveAs.getNumOccurrences()) {
    llvm::StringRef trimmed = llvm::StringRef(approveAs).trim(" \t\r\n\v\f");
    std::string claimed = sema::checkMemberAddress(trimmed) ? sema::printableAddress(trimmed)
                                                             : sema::normalizedAddress(trimmed);
    if (claimed != principal)
      return refused("--as " + claimed + ", but the key " + *fingerprint + " is " + principal + "'s (" + signersName +
                     " line " + std::to_string(line->line) + "): an approval is in the name of its key's owner");
  }
  if (!line->allows(runtime::kApprovalNamespace))
    return refused("the key's line " + std::to_string(line->line) + " of " + signersName +
                   " does not allow namespace `mlops-approval`");
  std::string now = runtime::utcTimestamp();
  int64_t nowSeconds = support::parseSignersTime(*runtime::sshVerifyTime(now)).value_or(0);
  if (line->validAfter && nowSeconds < *line->validAfter)
    return refused("the key of " + principal + " is valid only from " + support::formatSignersTime(*line->validAfter) +
                   " (" + signersName + " line " + std::to_string(line->line) + ")");
  if (line->validBefore && nowSeconds >= *line->validBefore)
    return refused("the key of " + principal + " expired at " + support::formatSignersTime(*line->validBefore) +
                   " (valid-before, " + signersName + " line " + std::to_string(line->line) + ")");

  // What is signed: the model's outputs by SHA-256, from the files on disk
  // or, for a CI job's artifact, as its model job recorded them.
  std::string artifact;
  std::vector<runtime::Subject> subjects;
  if (approveArtifact.getNumOccurrences()) {
    std::optional<runtime::ArtifactRecord> recorded = recordedArtifact(*project.store, model, approveArtifact);
    if (!recorded) return static_cast<int>(ExitCode::Usage);
    artifact = recorded->digest;
    if (recorded->subjects.empty())
      return usage("artifact " + artifact.substr(0, 12) + " of model `" + model.name +
                   "` was recorded without the SHA-256 digests an approval signs (by a run before the project had "
                   "signers, or an mlopsc before 0.1.0): build the model again, or approve with its files on disk");
    std::optional<std::vector<runtime::Subject>> parsed = runtime::parseSubjects(recorded->subjects, error);
    if (!parsed) return usage("the record's artifact " + artifact.substr(0, 12) + " is malformed: " + error);
    subjects = std::move(*parsed);
  } else {
    std::string missing;
    std::optional<runtime::TrustedOutputs> built = runtime::trustedOutputs(model, project.root, missing);
    if (!built)
      return usage("model `" + model.name + "` has not been built: its output `" + missing +
                   "` is missing; run `mlopsc run` first, or name a recorded artifact with --artifact");
    if (!built->unsignable.empty())
      return usage("model `" + model.name + "` cannot be signed: " + built->unsignable);
    artifact = runtime::artifactDigest(built->outputs);
    subjects = std::move(built->subjects);
  }
  std::string why;
  std::optional<std::string> role = runtime::approvalRoleFor(g, gate, principal, approveRole, why);
  if (!role) return refused(support::escapeControls(why));

  runtime::GateContext context = runtime::gateContextFor(g, gate, subjects);
  std::unique_ptr<runtime::VerifyCache> cache = runtime::VerifyCache::open();
  runtime::ApprovalVerifier verifier(signers->file, signers->bytes, &*keygen, cache.get());
  std::vector<runtime::ApprovalRecord> log = project.store->approvals();
  log.resize(runtime::verifiedApprovalCount(log));
  runtime::SignedApprovals counted = runtime::signedApprovalsFor(verifier, log, gate.id, artifact, context, now, 2);
  for (const runtime::ApprovalRecord& r : counted.rows)
    if (r.email == principal) {
      llvm::outs() << principal << " already approved gate `" << gate.name << "` for artifact " << artifact.substr(0, 12)
                   << " (approval " << r.id << ", " << r.at << ", signed)\n";
      return 0;
    }

  runtime::ApprovalStatement statement;
  statement.subjects = subjects;
  statement.approver = principal;
  statement.artifact = artifact;
  statement.comment = approveComment;
  statement.gate = gate.name;
  statement.mlopsc = kVersion;
  statement.policySha256 = context.policy;
  statement.project = g.projectName;
  statement.role = *role;
  statement.signersSha256 = signers->file.sha256;
  statement.specSha256 = runtime::specDigest(g);
  std::optional<std::string> signersCopy = tmp->write(tmp->newName(".signers"), signers->bytes, error);
  if (!signersCopy) return usage(error);
  // Approvers take turns on a shared record, so that many signing at once
  // each sign once. Should the turn not come (a stuck approver's prompt), or
  // another writer skip it, the statement names the head it was signed on:
  // it is signed again on the new one (a key in ssh-agent is silent; a
  // passphrase is asked again), after a short random wait.
  constexpr int kAttempts = 10;
  bool turn = project.store->takeSignerTurn(std::chrono::seconds(60));
  struct EndTurn {
    runtime::Record& store;
    bool held;
    ~EndTurn() {
      if (held) store.endSignerTurn();
    }
  } endTurn{*project.store, turn};
  std::minstd_rand jitter(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(std::time(nullptr)));
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0)  // approvers racing for the same head spread out instead of colliding again
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter() % (50 * attempt + 1)));
    runtime::ApprovalHead head = project.store->approvalsHead();
    if (!project.store->ok()) return usage("cannot read the approvals log: " + project.store->error());
    statement.previous = head.hash;
    statement.time = std::max(runtime::utcTimestamp(), head.at);
    std::optional<std::string> payload = runtime::serializeStatement(statement, error);
    if (!payload) return usage("cannot sign this approval: " + error);
    std::optional<std::string> signature = runtime::signPayload(*keygen, *tmp, *key, *payload, error);
    if (!signature) return usage(error);
    // Checked as every gate will check it, before it is recorded.
    std::vector<runtime::KeygenVerdict> check = runtime::verifySignatures(
        *keygen, *tmp, *signersCopy, {{*payload, *signature, principal, statement.time}}, 1);
    if (check.empty() || !check.front().verified)
      return refused("the signature does not verify against " + signersName + ": " +
                     (check.empty() ? std::string("no verdict") : check.front().reason));
    runtime::ApprovalRecord row;
    row.id = head.id + 1;
    row.gate = gate.id;
    row.role = *role;
    row.email = principal;
    row.comment = approveComment;
    row.artifact = artifact;
    row.at = statement.time;
    row.prevHash = head.hash;
    row.payload = *payload;
    row.signature = *signature;
    row.signingKey = *fingerprint;
    std::optional<runtime::ApprovalRecord> stored = project.store->appendSignedApproval(row, runtime::approvalHash);
    if (!project.store->ok()) return usage("the approval was not recorded: " + project.store->error());
    if (!stored) continue;
    counted.rows.push_back(*stored);
    runtime::GateTally tally = runtime::tallyApprovals(g, gate, artifact, counted.rows);
    llvm::outs() << "approved gate `" << gate.name << "` for model `" << model.name << "` (artifact "
                 << artifact.substr(0, 12) << ") as " << principal << " (" << *role << "); approval " << stored->id
                 << ", hash " << stored->hash.substr(0, 12) << '\n'
                 << "signed with " << *fingerprint << " (" << principal << ", " << support::escapeControls(g.signers->path)
                 << " line " << line->line << ")\n";
    // The examples' keys are published on purpose; say so wherever one signs.
    if (line->comment.find("DEMO-ONLY-PUBLISHED") != std::string::npos)
      llvm::errs() << "mlopsc: note: " << *fingerprint
                   << " is a published demo key (its allowed_signers line says DEMO-ONLY-PUBLISHED): anyone can "
                      "sign with it; a real project lists its people's own keys\n";
    if (tally.met())
      llvm::outs() << "every approval the gate needs is in: the next `mlopsc run` passes it (in CI: re-run the "
                      "gate's job)\n";
    else
      llvm::outs() << "still needed: " << tally.missing() << '\n';
    return 0;
  }
  return usage("the approvals log keeps moving (" + std::to_string(kAttempts) + " tries): approve again");
}

// In a shared record the latest run may be another checkout's (a pull
// request's job): its graph names another signers file than this one. The
// approval is made under the newest graph compiled with this checkout's
// allowed_signers, the one this checkout's gates use; nullopt when no run
// used it (the caller then reports the latest graph's mismatch).
std::optional<ir::PipelineGraph> graphOfThisCheckout(const ProjectState& project, const std::string& gateName) {
  const ir::PipelineGraph& latest = *project.graph;
  std::string error;
  std::optional<std::string> bytes =
      runtime::readSignersBytes(project.root.empty() ? latest.signers->path : project.root + "/" + latest.signers->path,
                                error);
  if (!bytes) return std::nullopt;
  std::string local = runtime::sha256Hex(*bytes);
  if (local == latest.signers->sha256) return std::nullopt;  // the latest is this checkout's: no other to look for
  std::vector<runtime::RunRecord> runs = project.store->runs();
  std::set<std::string> tried;
  for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
    if (!tried.insert(it->irDigest).second) continue;
    std::optional<std::string> json = project.store->graphJson(it->irDigest);
    if (!json) continue;
    ir::ReadError readError;
    std::optional<ir::PipelineGraph> g = ir::readPipelineJson(*json, readError);
    if (!g || !g->signers || g->signers->sha256 != local) continue;
    for (const ir::Node& n : g->nodes)
      if (n.kind == ir::NodeKind::Gate && (n.name == gateName || n.id == gateName)) {
        llvm::errs() << "mlopsc: note: the record's latest run used another allowed_signers (another checkout's "
                        "spec); approving under the graph of run "
                     << it->id << ", the newest compiled with this checkout's\n";
        return g;
      }
  }
  return std::nullopt;
}

}  // namespace

int runApprove() {
  std::optional<ProjectState> project = openProjectState(projectOption, selectedState());
  if (!project) return static_cast<int>(ExitCode::Usage);
  if (!project->graph) {
    llvm::errs() << "mlopsc: error: no run recorded in `" << project->root << "`: run `mlopsc run SPEC` first\n";
    return static_cast<int>(ExitCode::Usage);
  }
  if (project->graph->signers)
    if (std::optional<ir::PipelineGraph> own = graphOfThisCheckout(*project, approveGate)) project->graph = std::move(own);
  const ir::PipelineGraph& g = *project->graph;
  const ir::Node* gate = findNodeOrReport(g, approveGate, "gate");
  if (!gate) return static_cast<int>(ExitCode::Usage);
  const ir::Node* model = g.find(gate->model);
  if (!model) {
    llvm::errs() << "mlopsc: error: the model `" << gate->model << "` of gate `" << gate->name << "` is not in the graph\n";
    return static_cast<int>(ExitCode::Usage);
  }
  if (g.signers) return approveSigned(*project, g, *gate, *model);
  if (approveKey.getNumOccurrences()) {
    llvm::errs() << "mlopsc: error: --key signs approvals, but project `" << g.projectName
                 << "` names no signers file: its approvals are self-asserted (W0607); add `signers = "
                    "file(\"allowed_signers\")` to the project to sign them\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::string given = approveAs.getNumOccurrences() ? std::string(approveAs) : gitEmail();
  if (given.empty()) {
    llvm::errs() << "mlopsc: error: who approves? give --as EMAIL (no `git config user.email` is set)\n";
    return static_cast<int>(ExitCode::Usage);
  }
  // As the compiler reads role members (sema/member_address.h): surrounding
  // whitespace dropped, lowercased, and only a plain ASCII address accepted,
  // so " Carol@Bank.example" is carol and a look-alike is nobody.
  llvm::StringRef trimmed = llvm::StringRef(given).trim(" \t\r\n\v\f");
  if (std::optional<sema::AddressProblem> problem = sema::checkMemberAddress(trimmed)) {
    llvm::errs() << "mlopsc: error: " << (approveAs.getNumOccurrences() ? "--as" : "`git config user.email`")
                 << " `" << sema::printableAddress(trimmed) << "` is not a member address: " << problem->why << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  std::string email = sema::normalizedAddress(trimmed);
  std::string artifact;
  if (approveArtifact.getNumOccurrences()) {
    std::optional<runtime::ArtifactRecord> recorded = recordedArtifact(*project->store, *model, approveArtifact);
    if (!recorded) return static_cast<int>(ExitCode::Usage);
    artifact = recorded->digest;
  } else {  // the artifact as it is on disk, hashed from its bytes, as the gate will see it
    std::string missing;
    std::optional<runtime::NodeSuccess> built = runtime::currentOutputs(*model, project->root, missing);
    if (!built) {
      llvm::errs() << "mlopsc: error: model `" << model->name << "` has not been built: its output `" << missing
                   << "` is missing; run `mlopsc run` first, or name a recorded artifact with --artifact\n";
      return static_cast<int>(ExitCode::Usage);
    }
    artifact = runtime::artifactDigest(*built);
  }
  std::string why;
  std::optional<std::string> role = runtime::approvalRoleFor(g, *gate, email, approveRole, why);
  if (!role) {
    llvm::errs() << "mlopsc: error: approval refused: " << support::escapeControls(why) << '\n';
    return static_cast<int>(ExitCode::Refused);
  }
  std::vector<runtime::ApprovalRecord> log = project->store->approvals();
  for (const runtime::ApprovalRecord& r : log)
    if (r.gate == gate->id && r.artifact == artifact && r.email == email) {
      llvm::outs() << support::escapeControls(email) << " already approved gate `" << gate->name << "` for artifact " << artifact.substr(0, 12)
                   << " (approval " << r.id << ", " << r.at << ")\n";
      return 0;
    }
  runtime::ApprovalRecord record;
  record.gate = gate->id;
  record.role = *role;
  record.email = email;
  record.comment = approveComment;
  record.artifact = artifact;
  record = project->store->appendApproval(record, runtime::approvalHash);
  if (!project->store->ok()) {
    llvm::errs() << "mlopsc: error: the approval was not recorded: " << project->store->error() << '\n';
    return static_cast<int>(ExitCode::Usage);
  }
  log.push_back(record);
  runtime::GateTally tally = runtime::tallyApprovals(g, *gate, artifact, log);
  llvm::outs() << "approved gate `" << gate->name << "` for model `" << model->name << "` (artifact "
               << artifact.substr(0, 12) << ") as " << support::escapeControls(email) << " (" << *role << "); approval " << record.id
               << ", hash " << record.hash.substr(0, 12) << '\n';
  if (tally.met())
    llvm::outs() << "every approval the gate needs is in: the next `mlopsc run` passes it (in CI: re-run the gate's "
                    "job)\n";
  else
    llvm::outs() << "still needed: " << tally.missing() << '\n';
  return 0;
}

}  // namespace mlops::driver
