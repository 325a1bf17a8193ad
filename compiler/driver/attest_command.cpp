// mlopsc attest GATE -o DIR [--pass N] [--signers FILE] [--project DIR]:
// exports the release evidence of a gate pass of a project with signers
// (runtime/trust/release_evidence.h, docs/attest.md): the approval
// statements the pass counted with their SSH signatures, the signers file,
// the gate's policy and a SLSA verification summary, for someone outside
// the project to check with ssh-keygen and sha256sum alone
// (scripts/verify-release).
//
// Nothing is exported that mlopsc would not count now: the approvals log
// and the gate passes must verify as hash chains and each exported
// statement's signature must verify (ssh-keygen) against the signers file
// the pass used; any failure names the row and exits 6, writing nothing.
#include "driver/commands.h"
#include "driver/project_state.h"
#include "runtime/approvals.h"
#include "runtime/content_hash.h"
#include "runtime/gate_pass_chain.h"
#include "runtime/gate_policy.h"
#include "runtime/trust/approval_signatures.h"
#include "runtime/trust/project_signers.h"
#include "runtime/trust/release_evidence.h"
#include "runtime/trust/ssh_keygen.h"
#include "runtime/trust/verify_cache.h"
#include "support/display_text.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {

namespace {

std::string shown(const std::string& text) { return support::escapeControls(text); }

llvm::cl::opt<std::string> attestGate(llvm::cl::Positional, llvm::cl::desc("<gate>"), llvm::cl::Required,
                                      llvm::cl::sub(attestCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> attestOut("o",
                                     llvm::cl::desc("Folder to write the release evidence to (new or empty): "
                                                    "vsa.json, policy.json, allowed_signers, approvals/, "
                                                    "subjects.sha256, SHA256SUMS, README.txt"),
                                     llvm::cl::value_desc("dir"), llvm::cl::Required, llvm::cl::sub(attestCommand),
                                     llvm::cl::cat(commandCategory));
llvm::cl::opt<unsigned> attestPass("pass",
                                  llvm::cl::desc("The gate pass to export, by its number, as `mlopsc history` shows "
                                                 "it (`(pass N)`; default: the gate's newest pass with evidence)"),
                                  llvm::cl::value_desc("n"), llvm::cl::sub(attestCommand),
                                  llvm::cl::cat(commandCategory));
llvm::cl::opt<std::string> attestSigners(
    "signers",
    llvm::cl::desc("The allowed_signers file the pass verified its approvals against, when the project's has "
                   "changed since (e.g. `git show REV:allowed_signers > FILE`; default: the project's signers "
                   "file)"),
    llvm::cl::value_desc("file"), llvm::cl::sub(attestCommand), llvm::cl::cat(commandCategory));

int usage(const std::string& why) {
  llvm::errs() << "mlopsc: error: " << why << '\n';
  return static_cast<int>(ExitCode::Usage);
}

int refused(const std::string& why) {
  llvm::errs() << "mlopsc: error: " << why << '\n'
               << "mlopsc: no release evidence written: the record does not hold a pass mlopsc would count\n";
  return static_cast<int>(ExitCode::Refused);
}

// Whether `dir` can receive the export: absent, or an empty folder.
bool usableOutput(const std::string& dir, std::string& why) {
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(dir, status)) return true;  // absent: created later
  if (!llvm::sys::fs::is_directory(status)) {
    why = "`" + shown(dir) + "` is not a folder: attest writes into a new or empty folder";
    return false;
  }
  std::error_code ec;
  llvm::sys::fs::directory_iterator it(dir, ec);
  if (ec) {
    why = "cannot read the folder `" + shown(dir) + "`: " + ec.message();
    return false;
  }
  if (it != llvm::sys::fs::directory_iterator()) {
    why = "`" + shown(dir) + "` is not empty: attest writes into a new or empty folder, so that nothing else "
          "passes for evidence";
    return false;
  }
  return true;
}

// The pass to export: --pass N, else the newest pass of `gate` with
// evidence. Nullptr after saying why.
const runtime::GatePass* choosePass(const std::vector<runtime::GatePass>& passes, const ir::Node& gate) {
  if (attestPass.getNumOccurrences()) {
    for (const runtime::GatePass& p : passes)
      if (p.id == static_cast<int64_t>(attestPass)) {
        if (p.gate == gate.id) return &p;
        usage("gate pass " + std::to_string(p.id) + " is a pass of `" + shown(p.gate) + "`, not of gate `" +
              gate.name + "`");
        return nullptr;
      }
    usage("no gate pass " + std::to_string(attestPass.getValue()) + " in the record (`mlopsc history` lists them "
          "with their numbers)");
    return nullptr;
  }
  const runtime::GatePass* newest = nullptr;
  size_t ofGate = 0;
  for (const runtime::GatePass& p : passes)
    if (p.gate == gate.id) {
      ++ofGate;
      if (!p.evidence.empty()) newest = &p;
    }
  if (newest) return newest;
  if (ofGate == 0)
    usage("gate `" + gate.name + "` has not passed yet: run the pipeline until it passes, then attest");
  else
    usage("none of the " + std::to_string(ofGate) + " passes of gate `" + gate.name +
          "` has evidence: they were recorded without signers (a project without `signers`, or before it had them)");
  return nullptr;
}

}  // namespace

int runAttest() {
  std::string why;
  if (!usableOutput(attestOut, why)) return usage(why);
  std::optional<ProjectState> project = openProjectState(projectOption, selectedState());
  if (!project) return static_cast<int>(ExitCode::Usage);
  if (!project->graph)
    return usage("no run recorded in `" + shown(project->root) + "`: run `mlopsc run SPEC` until gate `" +
                 shown(attestGate) + "` passes first");
  const ir::PipelineGraph& g = *project->graph;
  const ir::Node* gate = findNodeOrReport(g, attestGate, "gate");
  if (!gate) return static_cast<int>(ExitCode::Usage);

  // The signers file: --signers, else the project's (checked against the
  // digest the pipeline was compiled with).
  std::string signersBytes, signersPath;
  if (attestSigners.getNumOccurrences()) {
    signersPath = attestSigners;
    std::optional<std::string> bytes = runtime::readSignersBytes(signersPath, why);
    if (!bytes) return usage(why);
    signersBytes = std::move(*bytes);
  } else {
    std::optional<runtime::ProjectSigners> signers = runtime::loadProjectSigners(g, project->root, why);
    if (!signers)
      return usage(g.signers ? why
                             : "project `" + g.projectName + "` names no signers file: its approvals are not signed, "
                               "so there is no release evidence to export (add `signers = file(\"allowed_signers\")`)");
    signersPath = signers->path;
    signersBytes = std::move(signers->bytes);
  }
  std::vector<support::SignersProblem> problems;
  support::SignersFile signersFile = support::parseAllowedSigners(signersBytes, problems);
  if (!problems.empty())
    return usage("`" + shown(signersPath) + "`:" + std::to_string(problems.front().line) + ":" +
                 std::to_string(problems.front().column) + ": " + problems.front().message);
  std::optional<runtime::SshKeygen> keygen = runtime::SshKeygen::locate(why);
  if (!keygen) return usage(why);

  runtime::Record& store = *project->store;
  std::vector<runtime::ApprovalRecord> log = store.approvals();
  std::vector<runtime::GatePass> passes = store.gatePasses();
  if (!store.ok()) return usage("cannot read the record at " + store.describe() + ": " + store.error());
  std::vector<std::string> chain = runtime::verifyApprovalChain(log, passes);
  std::vector<std::string> passChain = runtime::verifyGatePassChain(passes);
  chain.insert(chain.end(), passChain.begin(), passChain.end());
  if (!chain.empty()) {
    for (size_t i = 0; i + 1 < chain.size(); ++i) llvm::errs() << "mlopsc: error: " << chain[i] << '\n';
    return refused(chain.back() + " (the record at " + store.describe() + " was changed outside mlopsc)");
  }

  const runtime::GatePass* pass = choosePass(passes, *gate);
  if (!pass) return static_cast<int>(ExitCode::Usage);
  std::optional<runtime::PassEvidence> evidence = runtime::passEvidence(*pass, log, why);
  if (!evidence) return pass->evidence.empty() ? usage(why) : refused(why);
  std::string passName = "gate pass " + std::to_string(pass->id);
  if (signersFile.sha256 != evidence->evidence.signers)
    return usage(passName + " verified its approvals against another allowed_signers (SHA-256 " +
                 evidence->evidence.signers + ") than `" + shown(signersPath) + "` (" + signersFile.sha256 +
                 "): give that file with --signers FILE (e.g. `git show REV:allowed_signers > FILE` of the commit "
                 "the pass ran)");
  std::string policyText = runtime::gatePolicyText(g, *gate);
  if (runtime::sha256Hex(policyText) != evidence->evidence.policy)
    return usage("the policy of gate `" + gate->name + "` (its roles, quorums, members or required tests) changed "
                 "since " + passName + ": attest it from the project as it was then, or run the gate again under "
                 "the new policy");

  // Each exported statement's signature, now, as a gate would count it.
  std::unique_ptr<runtime::VerifyCache> cache = runtime::VerifyCache::open();
  runtime::ApprovalVerifier verifier(signersFile, signersBytes, &*keygen, cache.get());
  std::vector<runtime::SignatureVerdict> verdicts = verifier.verify(log, evidence->rows, runtime::utcTimestamp(), runtime::verifyParallelism());
  std::vector<std::string> invalid, unchecked;
  for (size_t k = 0; k < verdicts.size(); ++k) {
    const runtime::SignatureVerdict& v = verdicts[k];
    if (v.verified()) continue;
    const runtime::ApprovalRecord& row = log[evidence->rows[k]];
    (v.status == runtime::SignatureVerdict::Status::Unchecked ? unchecked : invalid)
        .push_back("approval " + std::to_string(row.id) + " (" + shown(row.email) + " for " + shown(row.gate) + ", " +
                   shown(row.at) + "): " + v.reason);
  }
  if (!invalid.empty()) {
    for (size_t i = 0; i + 1 < invalid.size(); ++i) llvm::errs() << "mlopsc: error: " << invalid[i] << '\n';
    return refused(invalid.back());
  }
  // ssh-keygen timed out or could not run: undecided, not forged.
  if (!unchecked.empty()) return usage(unchecked.front());

  std::optional<std::vector<runtime::ReleaseFile>> files =
      runtime::releaseFiles(g.projectName, *pass, *evidence, log, signersBytes, policyText, why);
  if (!files) return refused(why);

  if (!usableOutput(attestOut, why)) return usage(why);
  for (const runtime::ReleaseFile& f : *files)
    if (!writeAtomically(attestOut + "/" + f.path, f.bytes, why)) return usage(why);

  llvm::raw_ostream& out = llvm::outs();
  std::string folder = attestOut;
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  std::string ids;
  for (size_t row : evidence->rows) ids += (ids.empty() ? "" : ", ") + std::to_string(log[row].id);
  out << "wrote the release evidence of gate `" << gate->name << "` (" << passName << ", " << shown(pass->at)
      << ", model `" << shown(pass->model.substr(pass->model.find(':') + 1)) << "` artifact "
      << shown(pass->artifact.substr(0, 12)) << ") to " << shown(folder) << "/:\n";
  out << "  vsa.json, policy.json, allowed_signers, " << evidence->rows.size() << " signed approval"
      << (evidence->rows.size() == 1 ? "" : "s") << " (" << ids << ") in approvals/, subjects.sha256, SHA256SUMS, "
      << "README.txt\n";
  out << "check it with ssh-keygen and sha256sum alone (docs/attest.md), e.g. with scripts/verify-release of the "
         "mlopsc sources:\n"
      << "  verify-release " << shown(folder) << " --signers " << shown(signersPath) << " --model "
      << shown(project->root) << '\n';
  return 0;
}

}  // namespace mlops::driver
