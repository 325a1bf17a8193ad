// Approvals (runtime/approvals.h): who may approve a gate (members of its
// approval roles, never members of the model's owner role), quorums counted
// per artifact and once per person, and the hash chain catching an edited,
// deleted, reordered or truncated log.
#include "runtime/approvals.h"

#include <catch2/catch.hpp>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlops;
using namespace mlops::runtime;

namespace {

ir::PipelineGraph graphWithGate() {
  ir::PipelineGraph g;
  auto role = [&](const char* name, std::vector<std::string> members) {
    ir::Role r;
    r.name = name;
    r.members = std::move(members);
    g.roles.push_back(r);
  };
  role("ds", {"dan@x", "dora@x"});
  role("mrm", {"val1@x", "val2@x", "dora@x"});  // dora is in both: owner wins
  role("biz", {"boss@x", "val2@x"});
  ir::Node model;
  model.kind = ir::NodeKind::Model;
  model.id = "model:m";
  model.name = "m";
  model.owner = "ds";
  ir::Node gate;
  gate.kind = ir::NodeKind::Gate;
  gate.id = "gate:g";
  gate.name = "g";
  gate.model = "model:m";
  gate.owner = "ds";
  gate.approvals = {{"mrm", 2, {}}, {"biz", 1, {}}};
  g.nodes = {model, gate};
  return g;
}

ApprovalRecord approval(int64_t id, const std::string& email, const std::string& role, const std::string& artifact,
                        const std::string& prev) {
  ApprovalRecord r{id, "gate:g", role, email, "", artifact, "2026-11-27T00:00:00Z", prev, "", "", "", ""};
  r.hash = approvalHash(r);
  return r;
}

std::vector<ApprovalRecord> chain(const std::vector<std::pair<std::string, std::string>>& who, const std::string& artifact) {
  std::vector<ApprovalRecord> out;
  std::string prev(64, '0');
  for (const auto& [email, role] : who) {
    out.push_back(approval(static_cast<int64_t>(out.size()) + 1, email, role, artifact, prev));
    prev = out.back().hash;
  }
  return out;
}

}  // namespace

TEST_CASE("only members of an approval role who do not own the model may approve", "[runtime][approvals]") {
  ir::PipelineGraph g = graphWithGate();
  const ir::Node& gate = g.nodes[1];
  std::string why;
  CHECK(approvalRoleFor(g, gate, "val1@x", "", why) == std::optional<std::string>("mrm"));
  CHECK(approvalRoleFor(g, gate, "boss@x", "", why) == std::optional<std::string>("biz"));

  CHECK_FALSE(approvalRoleFor(g, gate, "dan@x", "", why));
  CHECK(why == "dan@x is a member of `ds`, which owns model `m`: separation of duties forbids approving its gate");
  CHECK_FALSE(approvalRoleFor(g, gate, "dora@x", "", why));  // also in mrm: still an owner
  CHECK(why.find("separation of duties") != std::string::npos);

  CHECK_FALSE(approvalRoleFor(g, gate, "eve@x", "", why));
  CHECK(why.find("eve@x is not a member of any approval role of gate `g`: `mrm` (val1@x, val2@x, dora@x)") == 0);

  // In two approval roles: must say which.
  CHECK_FALSE(approvalRoleFor(g, gate, "val2@x", "", why));
  CHECK(why.find("say which one with --role") != std::string::npos);
  CHECK(approvalRoleFor(g, gate, "val2@x", "biz", why) == std::optional<std::string>("biz"));
  CHECK_FALSE(approvalRoleFor(g, gate, "val1@x", "biz", why));
  CHECK_FALSE(approvalRoleFor(g, gate, "val1@x", "auditors", why));
  CHECK(why.find("`auditors` is not an approval role of gate `g`") == 0);
}

TEST_CASE("quorums count valid approvals of this artifact, once per person", "[runtime][approvals]") {
  ir::PipelineGraph g = graphWithGate();
  const ir::Node& gate = g.nodes[1];
  std::vector<ApprovalRecord> log = chain({{"val1@x", "mrm"}, {"val1@x", "mrm"}, {"dan@x", "mrm"}, {"boss@x", "biz"}}, "A");
  GateTally t = tallyApprovals(g, gate, "A", log);
  CHECK_FALSE(t.met());
  CHECK(t.roles[0].approvedBy == std::vector<std::string>{"val1@x"});
  CHECK(t.missing() == "2 of mrm (val1@x, val2@x, dora@x; 1 so far: val1@x)");

  log.push_back(approval(5, "val2@x", "mrm", "A", log.back().hash));
  t = tallyApprovals(g, gate, "A", log);
  CHECK(t.met());
  CHECK(t.missing().empty());

  // Another artifact: none of them count.
  GateTally other = tallyApprovals(g, gate, "B", log);
  CHECK_FALSE(other.met());
  CHECK(other.missing() == "2 of mrm (val1@x, val2@x, dora@x), biz (boss@x, val2@x)");

  // Someone who left the role no longer counts.
  g.roles[1].members = {"val2@x", "dora@x"};
  CHECK_FALSE(tallyApprovals(g, gate, "A", log).met());
}

TEST_CASE("the hash chain detects edits, deletions, reordering and truncation", "[runtime][approvals]") {
  std::vector<ApprovalRecord> log = chain({{"val1@x", "mrm"}, {"val2@x", "mrm"}, {"boss@x", "biz"}}, "A");
  GatePass pass;
  pass.id = 1;
  pass.gate = "gate:g";
  pass.approvalsCount = 3;
  pass.approvalsHead = log[2].hash;
  CHECK(verifyApprovalChain(log, {pass}).empty());
  CHECK(verifyApprovalChain({}, {}).empty());

  auto edited = log;
  edited[1].comment = "changed";
  std::vector<std::string> p = verifyApprovalChain(edited, {pass});
  REQUIRE(p.size() == 1);
  CHECK(p[0] == "approval 2 (val2@x for `gate:g`) was changed after it was written: its hash does not match");

  // Rehashing the edited row does not help: the next row's link breaks.
  edited[1].hash = approvalHash(edited[1]);
  p = verifyApprovalChain(edited, {});
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("approval 3 (boss@x for `gate:g`) does not link to the row before it") == 0);

  auto deleted = log;
  deleted.erase(deleted.begin() + 1);
  p = verifyApprovalChain(deleted, {});
  REQUIRE(p.size() == 2);
  CHECK(p[0] == "approval 2 is missing: the log jumps to 3");

  auto swapped = log;
  std::swap(swapped[0], swapped[1]);
  CHECK(!verifyApprovalChain(swapped, {}).empty());

  auto truncated = log;
  truncated.pop_back();
  CHECK(verifyApprovalChain(truncated, {}).empty());  // the chain alone cannot tell...
  p = verifyApprovalChain(truncated, {pass});         // ...the gate pass that saw row 3 can
  REQUIRE(p.size() == 1);
  CHECK(p[0].find("saw 3 approvals, but the log now ends before that: rows were deleted") != std::string::npos);
}

TEST_CASE("a signed row hashes its statement and signature, an unsigned one as it always did", "[runtime][approvals]") {
  // Approval 1 as mlopsc 6 recorded it (tests/unit/data/state_v6_chain.jsonl).
  ApprovalRecord old{1, "gate:release", "mrm", "val1@x.example", "checked the AUC \"0.9\" \u2713\nsecond line",
                     "0fed4ad82f0078e3632bc1aa3f2b29f0", "2026-12-07T04:00:58Z", std::string(64, '0'), "", "", "", ""};
  CHECK(approvalHash(old) == "9c12171e7305cfc5655ae72fa9bc238d05cd3c5df7934770174fe1b329f521ef");

  ApprovalRecord r{4, "gate:g", "mrm", "val1@x", "c \"q\"", "A", "2026-12-07T01:09:45Z", std::string(64, '0'), "",
                   "{\"predicate\":{\"comment\":\"AUC \\\"ok\\\" \u2713\\n\"}}\n\x1b[0m",
                   "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n", "SHA256:abc"};
  CHECK(r.isSigned());
  // Python's json.dumps(["approval 2", 4, …, sha256(payload), sha256(signature)],
  // separators=(",", ":"), ensure_ascii=False), SHA-256: the recipe of
  // docs/architecture.md, computed outside mlopsc.
  CHECK(approvalHash(r) == "d4547ad98f3ee5c9725f47303614f630bea6db33d9e80adb58f81788c6d2ee0f");
  std::string signedHash = approvalHash(r);
  ApprovalRecord hint = r;
  hint.signingKey = "SHA256:other";
  CHECK(approvalHash(hint) == signedHash);  // a display hint, outside the hash
  for (std::string ApprovalRecord::*part : {&ApprovalRecord::payload, &ApprovalRecord::signature}) {
    ApprovalRecord edited = r;
    (edited.*part) += " ";
    CHECK(approvalHash(edited) != signedHash);
    (edited.*part).clear();  // half a signature still hashes as signed: stripping one breaks the hash
    CHECK(edited.isSigned());
    CHECK(approvalHash(edited) != signedHash);
  }
  ApprovalRecord stripped = r;
  stripped.payload.clear();
  stripped.signature.clear();
  CHECK(!stripped.isSigned());
  CHECK(approvalHash(stripped) != signedHash);
  // Not UTF-8 (a row written outside mlopsc): a hash that matches nothing, no exception.
  ApprovalRecord hostile = old;
  hostile.comment = "\xff\xfe";
  CHECK(approvalHash(hostile).size() == 64);
}

TEST_CASE("the artifact digest follows the model's outputs", "[runtime][approvals]") {
  NodeSuccess a, b;
  a.outputs = {{"build/m.json", hashBytes("model v1")}, {"build/metrics.json", hashBytes("{}")}};
  b.outputs = {{"build/m.json", hashBytes("model v2")}, {"build/metrics.json", hashBytes("{}")}};
  CHECK(artifactDigest(a) == artifactDigest(a));
  CHECK(artifactDigest(a) != artifactDigest(b));
  CHECK(artifactDigest(a).size() == 32);
}

TEST_CASE("security item 1: the artifact is hashed from the bytes on disk, folders file by file", "[runtime][approvals]") {
  llvm::SmallString<128> dir;
  REQUIRE(!llvm::sys::fs::createUniqueDirectory("mlops-artifact", dir));
  std::string root = dir.str().str();
  REQUIRE(!llvm::sys::fs::create_directories(root + "/build/model/variables"));
  auto write = [&](const std::string& path, const std::string& text) {
    std::error_code ec;
    llvm::raw_fd_ostream out(root + "/" + path, ec);
    REQUIRE(!ec);
    out << text;
  };
  auto putMtimeBack = [&](const std::string& path) {
    struct timespec times[2] = {{1000, 0}, {1000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, (root + "/" + path).c_str(), times, 0) == 0);
  };
  write("build/model/variables/data", "weights 1234");
  write("build/metrics.json", "{}");
  putMtimeBack("build/model/variables/data");
  ir::Node model;
  model.kind = ir::NodeKind::Model;
  model.name = "m";
  model.outputs = {{"model", "build/model"}, {"metrics", "build/metrics.json"}};
  std::string missing;
  std::optional<NodeSuccess> approved = currentOutputs(model, root, missing);
  REQUIRE(approved);

  // Same size, same inode, mtime put back: a different artifact.
  write("build/model/variables/data", "weights 9234");
  putMtimeBack("build/model/variables/data");
  std::optional<NodeSuccess> now = currentOutputs(model, root, missing);
  REQUIRE(now);
  CHECK(artifactDigest(*now) != artifactDigest(*approved));

  REQUIRE(!llvm::sys::fs::remove(root + "/build/metrics.json"));
  CHECK(!currentOutputs(model, root, missing));
  CHECK(missing == "build/metrics.json");
  llvm::sys::fs::remove_directories(root);
}
