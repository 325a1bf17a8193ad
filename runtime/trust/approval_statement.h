// The bytes an approver signs: an in-toto Statement v1 whose subjects are
// the model's outputs with their SHA-256 digests and whose predicate
// (`https://mlopsc.example/approval/v1`) says who approved what, where and
// under which policy:
//
//   {"_type":"https://in-toto.io/Statement/v1","predicate":{"approver":…,
//    "artifact":…,"comment":…,"gate":…,"mlopsc":…,"policy":{"sha256":…},
//    "previous":…,"project":…,"role":…,"signers":{"sha256":…},
//    "spec":{"sha256":…},"time":…},"predicateType":
//    "https://mlopsc.example/approval/v1","subject":[{"digest":{"sha256":…},
//    "name":…},…]}
//
// Serialized as RFC 8785 canonical JSON (keys sorted, no whitespace,
// strings escaped as ECMAScript does) restricted to what a statement holds:
// ASCII keys, strings, no numbers. The same bytes come out of Python's
// `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
// and can be checked with grep by docs/attest.md's outsider script, since
// in canonical JSON a `"key":"` sequence never occurs inside a string.
//
// A payload is accepted back only if it parses to exactly these fields and
// re-serializes to the identical bytes: anything else was not written by
// mlopsc (a signed payload has one byte form, so what a signature covers is
// what the fields say).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

inline constexpr const char* kStatementType = "https://in-toto.io/Statement/v1";
inline constexpr const char* kApprovalPredicateType = "https://mlopsc.example/approval/v1";
inline constexpr size_t kMaxCommentBytes = 2000;
inline constexpr size_t kMaxStatementBytes = 16 * 1024;

// A signed output: its project-relative path (a folder's ends in `/`) and
// the SHA-256 (64 lower-case hex digits) of its bytes, or of a folder's
// `sha256sum` lines (runtime/trust/subjects.h).
struct Subject {
  std::string name;
  std::string sha256;
  bool operator==(const Subject&) const = default;
};

struct ApprovalStatement {
  std::vector<Subject> subjects;  // the model's outputs in declared order
  std::string approver;           // the principal: the member address the key belongs to
  std::string artifact;           // the XXH3-128 artifact digest of the approvals log (32 hex)
  std::string comment;            // ≤ kMaxCommentBytes of UTF-8, controls allowed
  std::string gate;               // the gate's name
  std::string mlopsc;             // the version that signed
  std::string policySha256;       // gatePolicyDigest of the gate
  std::string previous;           // hash of the approvals log's row before (64 zeros first)
  std::string project;            // the spec's project name
  std::string role;               // the approval role counted
  std::string signersSha256;      // SHA-256 of allowed_signers when signed
  std::string specSha256;         // SHA-256 of the IR sources list
  std::string time;               // UTC, `YYYY-MM-DDTHH:MM:SSZ`
  bool operator==(const ApprovalStatement&) const = default;
};

// RFC 8785 serialization of `value`, which must hold only objects with
// ASCII keys, arrays, strings of valid UTF-8, booleans, null and integers of
// magnitude below 2^53. Nullopt with `why` for anything else.
std::optional<std::string> canonicalJson(const nlohmann::json& value, std::string& why);

// The first field of `s` that a statement cannot hold, as a sentence
// ("the comment is 2001 bytes long, more than 2000"); nullopt when valid.
std::optional<std::string> statementProblem(const ApprovalStatement& s);

// The canonical bytes of a valid statement; nullopt with `why` =
// statementProblem.
std::optional<std::string> serializeStatement(const ApprovalStatement& s, std::string& why);

// The statement a payload holds. Nullopt with `why` when it is not JSON, not
// an approval statement of this version, has a field missing, extra or
// invalid, or is not in the exact bytes mlopsc writes ("not written by
// mlopsc: …").
std::optional<ApprovalStatement> parseStatement(std::string_view payload, std::string& why);

// The `subject` list alone, canonical JSON as in a statement: what an
// artifact row of the record keeps (runtime/state/records.h), so an
// approver without the model files signs what the model's job built.
// Nullopt with `why` for subjects a statement could not hold.
std::optional<std::string> serializeSubjects(const std::vector<Subject>& subjects, std::string& why);
// Subjects back from serializeSubjects' exact bytes (a row is hostile
// input: anything else is refused with `why`).
std::optional<std::vector<Subject>> parseSubjects(std::string_view text, std::string& why);

// Whether `time` is `YYYY-MM-DDTHH:MM:SSZ` with a real date and time.
bool isStatementTime(std::string_view time);

}  // namespace mlops::runtime
