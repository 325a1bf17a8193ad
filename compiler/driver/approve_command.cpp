// mlopsc approve GATE [--as EMAIL] [--role ROLE] [--comment TEXT]
// [--project DIR]: records an approval of a gate for the model artifact the
// latest run built (runtime/approvals.h). Refuses, saying why, a person who
// is not a member of an approval role of the gate or who is a member of the
// role owning the model (separation of duties).
#include "driver/commands.h"
#include "driver/project_state.h"
#include "runtime/approvals.h"
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
  // The artifact as it is on disk, hashed from its bytes, as the gate will see it.
  const ir::Node* model = g.find(gate->model);
  if (!model) {
    llvm::errs() << "mlopsc: error: the model `" << gate->model << "` of gate `" << gate->name << "` is not in the graph\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::string missing;
  std::optional<runtime::NodeSuccess> built = runtime::currentOutputs(*model, project->root, missing);
  if (!built) {
    llvm::errs() << "mlopsc: error: model `" << model->name << "` has not been built: its output `" << missing
                 << "` is missing; run `mlopsc run` first\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::string why;
  std::optional<std::string> role = runtime::approvalRoleFor(g, *gate, email, approveRole, why);
  if (!role) {
    llvm::errs() << "mlopsc: error: approval refused: " << support::escapeControls(why) << '\n';
    return static_cast<int>(ExitCode::Refused);
  }
  std::string artifact = runtime::artifactDigest(*built);
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
  log.push_back(record);
  runtime::GateTally tally = runtime::tallyApprovals(g, *gate, artifact, log);
  llvm::outs() << "approved gate `" << gate->name << "` for model `" << model->name << "` (artifact "
               << artifact.substr(0, 12) << ") as " << support::escapeControls(email) << " (" << *role << "); approval " << record.id
               << ", hash " << record.hash.substr(0, 12) << '\n';
  if (tally.met())
    llvm::outs() << "every approval the gate needs is in: the next `mlopsc run` passes it\n";
  else
    llvm::outs() << "still needed: " << tally.missing() << '\n';
  return 0;
}

}  // namespace mlops::driver
