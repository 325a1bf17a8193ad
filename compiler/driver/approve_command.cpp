// mlopsc approve GATE [--as EMAIL] [--artifact PREFIX] [--role ROLE]
// [--comment TEXT] [--project DIR]: records an approval of a gate for the
// model artifact on disk, or for the artifact a model's run or CI job
// recorded in the record under a digest starting with PREFIX
// (runtime/approvals.h). Refuses, saying why, a person who is not a member
// of an approval role of the gate or who is a member of the role owning the
// model (separation of duties).
#include "driver/commands.h"
#include "driver/project_state.h"
#include "runtime/approvals.h"
#include "runtime/content_hash.h"
#include "support/display_text.h"
#include "sema/member_address.h"

#include <llvm/Support/raw_ostream.h>

#include <cstdio>

namespace mlops::driver {

namespace {

llvm::cl::opt<std::string> approveGate(llvm::cl::Positional, llvm::cl::desc("<gate>"), llvm::cl::Required,
                                       llvm::cl::sub(approveCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> approveAs("as",
                                     llvm::cl::desc("Who approves: an e-mail address, read as role members are "
                                                    "(trimmed, lowercased, ASCII only; default: "
                                                    "`git config user.email`)"),
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
std::optional<std::string> recordedArtifact(const runtime::Record& record, const ir::Node& model,
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
  if (candidates.size() == 1) return candidates.front()->digest;
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

}  // namespace

int runApprove() {
  std::optional<ProjectState> project = openProjectState(projectOption, selectedState());
  if (!project) return static_cast<int>(ExitCode::Usage);
  if (!project->graph) {
    llvm::errs() << "mlopsc: error: no run recorded in `" << project->root << "`: run `mlopsc run SPEC` first\n";
    return static_cast<int>(ExitCode::Usage);
  }
  const ir::PipelineGraph& g = *project->graph;
  const ir::Node* gate = findNodeOrReport(g, approveGate, "gate");
  if (!gate) return static_cast<int>(ExitCode::Usage);
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
  const ir::Node* model = g.find(gate->model);
  if (!model) {
    llvm::errs() << "mlopsc: error: the model `" << gate->model << "` of gate `" << gate->name << "` is not in the graph\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::string artifact;
  if (approveArtifact.getNumOccurrences()) {
    std::optional<std::string> recorded = recordedArtifact(*project->store, *model, approveArtifact);
    if (!recorded) return static_cast<int>(ExitCode::Usage);
    artifact = *recorded;
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
