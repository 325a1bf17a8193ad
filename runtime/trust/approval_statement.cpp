#include "runtime/trust/approval_statement.h"

#include "support/display_text.h"

#include <cstdint>

namespace mlops::runtime {
namespace {

using nlohmann::json;

bool isLowerHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool validUtf8(std::string_view s) {
  try {
    (void)json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::strict);
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

bool hasControl(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// A name from the spec or the members list: one line of valid UTF-8.
std::optional<std::string> nameProblem(const char* field, std::string_view value) {
  if (value.empty()) return std::string("the ") + field + " is empty";
  if (!validUtf8(value)) return std::string("the ") + field + " is not valid UTF-8";
  if (hasControl(value))
    return std::string("the ") + field + " `" + support::escapeControls(value) + "` holds a control character";
  return std::nullopt;
}

std::optional<std::string> hexProblem(const char* field, std::string_view value, size_t length) {
  if (isLowerHex(value, length)) return std::nullopt;
  return std::string("the ") + field + " `" + support::escapeControls(value) + "` is not " + std::to_string(length) +
         " lower-case hex digits";
}

// A subject name: a project-relative path (a folder's ends in `/`).
bool isSubjectName(std::string_view name) {
  if (name.empty() || name.front() == '/' || hasControl(name) || name.find('\\') != std::string_view::npos)
    return false;
  std::string_view rest = name.back() == '/' ? name.substr(0, name.size() - 1) : name;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return !rest.empty();
}

json digestObject(const std::string& sha256) { return json{{"sha256", sha256}}; }

json subjectsJson(const std::vector<Subject>& list) {
  json subjects = json::array();
  for (const Subject& sub : list) subjects.push_back(json{{"digest", digestObject(sub.sha256)}, {"name", sub.name}});
  return subjects;
}

json toJson(const ApprovalStatement& s) {
  json subjects = subjectsJson(s.subjects);
  json predicate{{"approver", s.approver}, {"artifact", s.artifact},     {"comment", s.comment},
                 {"gate", s.gate},         {"mlopsc", s.mlopsc},         {"policy", digestObject(s.policySha256)},
                 {"previous", s.previous}, {"project", s.project},       {"role", s.role},
                 {"signers", digestObject(s.signersSha256)},             {"spec", digestObject(s.specSha256)},
                 {"time", s.time}};
  return json{{"_type", kStatementType},
              {"predicate", std::move(predicate)},
              {"predicateType", kApprovalPredicateType},
              {"subject", std::move(subjects)}};
}

// The keys of `object`, which must be exactly `keys` (sorted, as json's map).
bool hasExactKeys(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object() || object.size() != keys.size()) return false;
  for (const char* k : keys)
    if (!object.contains(k)) return false;
  return true;
}

std::optional<std::string> stringField(const json& object, const char* key, std::string& why) {
  const json& v = object.at(key);
  if (!v.is_string()) {
    why = std::string("`") + key + "` is not a string";
    return std::nullopt;
  }
  return v.get<std::string>();
}

std::optional<std::string> digestField(const json& object, const char* key, std::string& why) {
  const json& v = object.at(key);
  if (!hasExactKeys(v, {"sha256"}) || !v.at("sha256").is_string()) {
    why = std::string("`") + key + "` is not a digest {\"sha256\": …}";
    return std::nullopt;
  }
  return v.at("sha256").get<std::string>();
}

bool checkCanonicalValue(const json& v, std::string& why) {
  switch (v.type()) {
    case json::value_t::object:
      for (const auto& [key, item] : v.items()) {
        for (unsigned char c : key)
          if (c >= 0x80) {
            why = "the key `" + support::escapeControls(key) + "` is not ASCII";
            return false;
          }
        if (!checkCanonicalValue(item, why)) return false;
      }
      return true;
    case json::value_t::array:
      for (const json& item : v)
        if (!checkCanonicalValue(item, why)) return false;
      return true;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: {
      constexpr int64_t kLimit = int64_t(1) << 53;
      bool inRange = v.is_number_unsigned() ? v.get<uint64_t>() < uint64_t(kLimit)
                                            : v.get<int64_t>() > -kLimit && v.get<int64_t>() < kLimit;
      if (!inRange) why = "the integer " + v.dump() + " is not exact in a double (2^53 or more)";
      return inRange;
    }
    case json::value_t::number_float:
      why = "a floating-point number has no single canonical form here";
      return false;
    case json::value_t::binary:
      why = "binary values are not JSON";
      return false;
    default:
      return true;
  }
}

}  // namespace

bool isStatementTime(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z')
    return false;
  auto number = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59)
    return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::optional<std::string> canonicalJson(const json& value, std::string& why) {
  if (!checkCanonicalValue(value, why)) return std::nullopt;
  // nlohmann's serializer with a std::map object (keys in byte order, which
  // for ASCII keys is RFC 8785's UTF-16 order), no indentation, raw UTF-8,
  // and escapes exactly `"`, `\`, \b \t \n \f \r and the other C0 controls
  // as lower-case \u00xx: RFC 8785 §3.2.2.2 for strings.
  try {
    return value.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception&) {
    why = "a string is not valid UTF-8";
    return std::nullopt;
  }
}

std::optional<std::string> statementProblem(const ApprovalStatement& s) {
  if (s.subjects.empty()) return std::string("the statement has no subject");
  for (const Subject& sub : s.subjects) {
    if (!validUtf8(sub.name) || !isSubjectName(sub.name))
      return "the subject name `" + support::escapeControls(sub.name) + "` is not a project-relative path";
    if (auto p = hexProblem("digest of subject", sub.sha256, 64)) return p;
  }
  for (auto [field, value] : {std::pair{"approver", &s.approver}, {"gate", &s.gate}, {"mlopsc version", &s.mlopsc},
                              {"project", &s.project}, {"role", &s.role}})
    if (auto p = nameProblem(field, *value)) return p;
  if (auto p = hexProblem("artifact digest", s.artifact, 32)) return p;
  if (auto p = hexProblem("policy digest", s.policySha256, 64)) return p;
  if (auto p = hexProblem("previous row's hash", s.previous, 64)) return p;
  if (auto p = hexProblem("signers digest", s.signersSha256, 64)) return p;
  if (auto p = hexProblem("spec digest", s.specSha256, 64)) return p;
  if (s.comment.size() > kMaxCommentBytes)
    return "the comment is " + std::to_string(s.comment.size()) + " bytes long, more than " +
           std::to_string(kMaxCommentBytes);
  if (!validUtf8(s.comment)) return std::string("the comment is not valid UTF-8");
  if (!isStatementTime(s.time))
    return "the time `" + support::escapeControls(s.time) + "` is not a UTC time YYYY-MM-DDTHH:MM:SSZ";
  return std::nullopt;
}

std::optional<std::string> serializeStatement(const ApprovalStatement& s, std::string& why) {
  if (std::optional<std::string> problem = statementProblem(s)) {
    why = *problem;
    return std::nullopt;
  }
  std::optional<std::string> bytes = canonicalJson(toJson(s), why);
  if (bytes && bytes->size() > kMaxStatementBytes) {
    why = "the statement is " + std::to_string(bytes->size()) + " bytes long, more than " +
          std::to_string(kMaxStatementBytes);
    return std::nullopt;
  }
  return bytes;
}

std::optional<std::string> serializeSubjects(const std::vector<Subject>& subjects, std::string& why) {
  // Checked as a statement checks them: a valid statement around them.
  ApprovalStatement probe;
  probe.subjects = subjects;
  probe.approver = probe.gate = probe.mlopsc = probe.project = probe.role = "x";
  probe.artifact = std::string(32, '0');
  probe.policySha256 = probe.previous = probe.signersSha256 = probe.specSha256 = std::string(64, '0');
  probe.time = "2000-01-01T00:00:00Z";
  if (std::optional<std::string> problem = statementProblem(probe)) {
    why = *problem;
    return std::nullopt;
  }
  return canonicalJson(subjectsJson(subjects), why);
}

std::optional<std::vector<Subject>> parseSubjects(std::string_view text, std::string& why) {
  if (text.size() > kMaxStatementBytes) {
    why = "the subjects are longer than " + std::to_string(kMaxStatementBytes) + " bytes";
    return std::nullopt;
  }
  json v = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded() || !v.is_array()) {
    why = "the subjects are not a JSON list";
    return std::nullopt;
  }
  std::vector<Subject> out;
  std::string inner;
  for (const json& sub : v) {
    std::optional<std::string> sha;
    if (!hasExactKeys(sub, {"digest", "name"}) || !sub.at("name").is_string() ||
        !(sha = digestField(sub, "digest", inner))) {
      why = "a subject is not {\"digest\": {\"sha256\": …}, \"name\": …}";
      return std::nullopt;
    }
    out.push_back({sub.at("name").get<std::string>(), *sha});
  }
  std::optional<std::string> again = serializeSubjects(out, why);
  if (!again) return std::nullopt;
  if (*again != text) {
    why = "the subjects are not in the exact bytes mlopsc writes";
    return std::nullopt;
  }
  return out;
}

std::optional<ApprovalStatement> parseStatement(std::string_view payload, std::string& why) {
  auto fail = [&](const std::string& what) {
    why = what;
    return std::nullopt;
  };
  if (payload.size() > kMaxStatementBytes)
    return fail("the statement is " + std::to_string(payload.size()) + " bytes long, more than " +
                std::to_string(kMaxStatementBytes));
  json v = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return fail("the statement is not JSON");
  if (!hasExactKeys(v, {"_type", "predicate", "predicateType", "subject"}))
    return fail("the statement does not have exactly the fields _type, predicate, predicateType and subject");
  if (v.at("_type") != kStatementType) return fail(std::string("the statement's _type is not ") + kStatementType);
  if (v.at("predicateType") != kApprovalPredicateType)
    return fail(std::string("the statement's predicateType is not ") + kApprovalPredicateType);
  const json& p = v.at("predicate");
  if (!hasExactKeys(p, {"approver", "artifact", "comment", "gate", "mlopsc", "policy", "previous", "project", "role",
                        "signers", "spec", "time"}))
    return fail("the predicate does not have exactly the fields of an approval v1");
  const json& subjects = v.at("subject");
  if (!subjects.is_array()) return fail("the statement's subject is not a list");

  ApprovalStatement s;
  std::string inner;
  for (const json& sub : subjects) {
    if (!hasExactKeys(sub, {"digest", "name"}) || !sub.at("name").is_string())
      return fail("a subject is not {\"digest\": …, \"name\": …}");
    std::optional<std::string> sha = digestField(sub, "digest", inner);
    if (!sha) return fail("a subject's " + inner);
    s.subjects.push_back({sub.at("name").get<std::string>(), *sha});
  }
  struct Field {
    const char* key;
    std::string* into;
    bool digest;
  };
  for (const Field& f : {Field{"approver", &s.approver, false}, {"artifact", &s.artifact, false},
                         {"comment", &s.comment, false},        {"gate", &s.gate, false},
                         {"mlopsc", &s.mlopsc, false},          {"policy", &s.policySha256, true},
                         {"previous", &s.previous, false},      {"project", &s.project, false},
                         {"role", &s.role, false},              {"signers", &s.signersSha256, true},
                         {"spec", &s.specSha256, true},         {"time", &s.time, false}}) {
    std::optional<std::string> value = f.digest ? digestField(p, f.key, inner) : stringField(p, f.key, inner);
    if (!value) return fail("the predicate's " + inner);
    *f.into = std::move(*value);
  }
  if (std::optional<std::string> problem = statementProblem(s)) return fail(*problem);
  std::optional<std::string> again = serializeStatement(s, inner);
  if (!again || *again != payload)
    return fail("not written by mlopsc: the statement is not in canonical form (RFC 8785)");
  return s;
}

}  // namespace mlops::runtime
