#include "support/allowed_signers.h"

#include "support/base64.h"
#include "support/display_text.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/SHA256.h>

#include <algorithm>
#include <ctime>
#include <map>

namespace mlops::support {
namespace {

constexpr unsigned kMinRsaBits = 2048;

bool isBlank(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string quoted(std::string_view s) { return "`" + escapeControls(s) + "`"; }

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned daysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

std::string todayText(int64_t now) {
  if (now < 0) now = static_cast<int64_t>(std::time(nullptr));
  return formatSignersTime(now - now % 86400);
}

std::string hex(const std::array<uint8_t, 32>& digest) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

// One line of the file, read left to right; `fail` records its one problem.
class LineParser {
 public:
  LineParser(std::string_view text, size_t fileOffset, unsigned line, int64_t now)
      : text_(text), base_(fileOffset), line_(line), now_(now) {}

  std::optional<SignerLine> parse() {
    skipBlanks();
    if (atEnd() || text_[pos_] == '#') return std::nullopt;
    SignerLine out;
    out.line = line_;
    if (!principal(out) || !expectMore("options and a key after the principal")) return std::nullopt;
    const size_t optionsAt = pos_;
    if (looksLikeKeyType(token())) {
      missingValidAfter(out.principal, optionsAt, "valid-after=\"" + todayText(now_) + "\" ");
      return std::nullopt;
    }
    if (!options(out)) return std::nullopt;
    if (!out.validAfter) {
      missingValidAfter(out.principal, optionsAt, "valid-after=\"" + todayText(now_) + "\",");
      return std::nullopt;
    }
    if (!expectMore("a key type such as `ssh-ed25519` after the options") || !key(out)) return std::nullopt;
    return out;
  }

  std::optional<SignersProblem> problem;

 private:
  bool atEnd() const { return pos_ >= text_.size(); }
  void skipBlanks() {
    while (!atEnd() && isBlank(text_[pos_])) ++pos_;
  }
  // The blank-separated token at the cursor (not consumed).
  std::string_view token() const {
    size_t end = pos_;
    while (end < text_.size() && !isBlank(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }
  static bool looksLikeKeyType(std::string_view t) {
    return t.substr(0, 4) == "ssh-" || t.substr(0, 6) == "ecdsa-" || t.substr(0, 3) == "sk-";
  }

  SignersProblem& fail(size_t at, size_t length, std::string message) {
    problem = SignersProblem{};
    problem->line = line_;
    problem->column = static_cast<unsigned>(at + 1);
    problem->offset = base_ + at;
    problem->length = length;
    problem->message = std::move(message);
    return *problem;
  }
  void fix(size_t at, size_t length, std::string text) {
    problem->fixIt = SignersFix{base_ + at, length, std::move(text)};
  }

  bool expectMore(const char* what) {
    skipBlanks();
    if (!atEnd()) return true;
    fail(pos_, 0, std::string("expected ") + what + ", found the end of the line");
    return false;
  }

  void missingValidAfter(const std::string& principal, size_t at, std::string insertion) {
    fail(at, token().size(),
         "the key of " + quoted(principal) +
             " has no `valid-after`: a key added later would also validate approvals signed before");
    problem->note = "add `" + insertion.substr(0, insertion.size() - 1) +
                    "`: the key then counts only for approvals signed from that day on";
    fix(at, 0, std::move(insertion));
  }

  bool principal(SignerLine& out) {
    const size_t at = pos_;
    if (text_[pos_] == '"') {
      size_t close = text_.find('"', pos_ + 1);
      size_t end = close == std::string_view::npos ? text_.size() : close + 1;
      fail(at, end - at, "principal " + quoted(text_.substr(at, end - at)) +
                             " is quoted: write one address alone, as in `carol@bank.example`");
      return false;
    }
    std::string_view p = token();
    pos_ += p.size();
    out.principal = std::string(p);
    out.principalCol = at + 1;
    if (p.find(',') != std::string_view::npos) {
      fail(at, p.size(), "principal " + quoted(p) + " names several people: write one person per line");
      return false;
    }
    if (size_t star = p.find_first_of("*?!"); star != std::string_view::npos) {
      fail(at, p.size(), "principal " + quoted(p) + " is a pattern: a pattern lets any matching name sign");
      return false;
    }
    if (std::any_of(p.begin(), p.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
      fail(at, p.size(), "principal " + quoted(p) + " has capitals: ssh-keygen compares principals " +
                             "case-sensitively, write " + quoted(lower(p)));
      fix(at, p.size(), lower(p));
      return false;
    }
    return true;
  }

  // The options token at the cursor: `name[="value"]` separated by commas.
  bool options(SignerLine& out) {
    const size_t start = pos_;
    bool inQuote = false;
    size_t end = pos_;
    for (; end < text_.size() && (inQuote || !isBlank(text_[end])); ++end)
      if (text_[end] == '"') inQuote = !inQuote;
    if (inQuote) {
      fail(end, 0, "expected a closing `\"` in the options, found the end of the line");
      return false;
    }
    pos_ = end;
    std::map<std::string, size_t> seen;
    size_t at = start;
    while (true) {
      size_t optEnd = at;
      for (bool q = false; optEnd < end && (q || text_[optEnd] != ','); ++optEnd)
        if (text_[optEnd] == '"') q = !q;
      if (!option(out, at, optEnd, seen)) return false;
      if (optEnd == end) break;
      at = optEnd + 1;
    }
    if (out.validAfter && out.validBefore && *out.validBefore <= *out.validAfter) {
      size_t vb = seen["valid-before"];
      fail(vb, 12, "option `valid-before` is not after `valid-after`: the key would never be valid");
      return false;
    }
    return true;
  }

  bool option(SignerLine& out, size_t at, size_t end, std::map<std::string, size_t>& seen) {
    std::string_view opt = text_.substr(at, end - at);
    size_t eq = opt.find('=');
    std::string_view rawName = opt.substr(0, eq);
    std::string name = lower(rawName);
    if (rawName.empty()) {
      fail(at, opt.empty() ? 0 : 1, "expected an option such as `valid-after=\"20260101Z\"`, found " +
                                        (opt.empty() ? std::string("nothing") : quoted(opt.substr(0, 1))));
      return false;
    }
    if (name == "cert-authority") {
      fail(at, opt.size(), "option `cert-authority` is not accepted: certificates are not accepted, list each "
                           "person's key");
      return false;
    }
    if (name != "valid-after" && name != "valid-before" && name != "namespaces") {
      fail(at, rawName.size(), "option " + quoted(rawName) +
                                   " is not known: expected `valid-after`, `valid-before` or `namespaces`");
      return false;
    }
    if (!seen.emplace(name, at).second) {
      fail(at, rawName.size(), "option " + quoted(rawName) + " is given twice");
      return false;
    }
    if (eq == std::string_view::npos) {
      fail(at, opt.size(), "option " + quoted(rawName) + " needs a value, as in `" + name + "=\"" +
                               (name == "namespaces" ? "mlops-approval" : "20260101Z") + "\"`");
      return false;
    }
    const size_t valueAt = at + eq + 1;
    std::string_view raw = opt.substr(eq + 1);
    if (raw.empty() || raw.front() != '"') {
      fail(valueAt, raw.size(), "option " + quoted(rawName) +
                                    " has an unquoted value: ssh-keygen would skip the whole line");
      fix(valueAt, raw.size(), "\"" + std::string(raw) + "\"");
      return false;
    }
    if (raw.size() < 2 || raw.back() != '"' || raw.substr(1, raw.size() - 2).find('"') != std::string_view::npos) {
      fail(valueAt, raw.size(), "option " + quoted(rawName) + " has text around its quoted value");
      return false;
    }
    std::string_view value = raw.substr(1, raw.size() - 2);
    if (name == "namespaces") return namespaces(out, rawName, value, valueAt + 1);
    return time(name == "valid-after" ? out.validAfter : out.validBefore, rawName, value, valueAt + 1);
  }

  bool namespaces(SignerLine& out, std::string_view rawName, std::string_view value, size_t at) {
    if (value.empty()) {
      fail(at - 1, 2, "option " + quoted(rawName) + " is empty: name `mlops-approval`, or leave the option out");
      return false;
    }
    size_t from = 0;
    while (true) {
      size_t comma = value.find(',', from);
      std::string_view ns = value.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
      if (ns.empty()) {
        fail(at + from, 0, "option " + quoted(rawName) + " has an empty namespace name");
        return false;
      }
      if (ns.find_first_of("*?!") != std::string_view::npos) {
        fail(at + from, ns.size(), "option " + quoted(rawName) + " has the pattern " + quoted(ns) +
                                       ": list namespaces by name, as `mlops-approval`");
        return false;
      }
      out.namespaces.emplace_back(ns);
      if (comma == std::string_view::npos) return true;
      from = comma + 1;
    }
  }

  bool time(std::optional<int64_t>& slot, std::string_view rawName, std::string_view value, size_t at) {
    std::string_view digits = value;
    const bool utc = !digits.empty() && (digits.back() == 'Z' || digits.back() == 'z');
    if (utc) digits.remove_suffix(1);
    const bool shape = (digits.size() == 8 || digits.size() == 12 || digits.size() == 14) &&
                       std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!shape) {
      fail(at, value.size(), "option " + quoted(rawName) + " has " + quoted(value) +
                                 ": expected a UTC time `YYYYMMDD[HHMM[SS]]Z`, as `20260101Z`");
      return false;
    }
    if (!utc) {
      fail(at, value.size(), "option " + quoted(rawName) + " has no `Z`: without it ssh-keygen reads " +
                                 quoted(value) + " in each machine's time zone");
      fix(at + value.size(), 0, "Z");
      return false;
    }
    slot = parseSignersTime(value);
    if (!slot) {
      fail(at, value.size(), "option " + quoted(rawName) + " has " + quoted(value) + ", which is not a date and time");
      return false;
    }
    return true;
  }

  bool key(SignerLine& out) {
    const size_t typeAt = pos_;
    std::string_view type = token();
    pos_ += type.size();
    out.keyCol = typeAt + 1;
    const std::string shown = quoted(type);
    if (type.size() > 21 && type.substr(type.size() - 21) == "-cert-v01@openssh.com") {
      fail(typeAt, type.size(), "key type " + shown + " is a certificate: certificates are not accepted, list "
                                                      "each person's key");
      return false;
    }
    if (type == "ssh-dss") {
      fail(typeAt, type.size(), "key type `ssh-dss` is not accepted: DSA keys are weak and OpenSSH no longer "
                                "makes them");
      return false;
    }
    if (!isAcceptedKeyType(type)) {
      fail(typeAt, type.size(), "key type " + shown + " is not accepted: expected `ssh-ed25519`, "
                                "`ecdsa-sha2-nistp256`/`384`/`521`, `ssh-rsa`, `sk-ssh-ed25519@openssh.com` or "
                                "`sk-ecdsa-sha2-nistp256@openssh.com`");
      return false;
    }
    if (!expectMore("the base64 key after the key type")) return false;
    const size_t blobAt = pos_;
    std::string_view text = token();
    pos_ += text.size();
    Base64Error bad;
    auto blob = decodeBase64(text, bad);
    if (!blob) {
      fail(blobAt + std::min(bad.offset, text.size()), bad.offset < text.size() ? 1 : 0,
           "key " + shown + " does not decode: " + bad.why);
      return false;
    }
    std::string why;
    auto parsed = parsePublicKeyBlob(*blob, why);
    if (!parsed) {
      fail(blobAt, text.size(), "key " + shown + " does not decode: " + why);
      return false;
    }
    if (parsed->type != type) {
      fail(typeAt, type.size(), "key type " + shown + " does not match the key, which is " + quoted(parsed->type));
      return false;
    }
    if (parsed->type == "ssh-rsa" && parsed->bits < kMinRsaBits) {
      fail(blobAt, text.size(), "key `ssh-rsa` of " + std::to_string(parsed->bits) +
                                    " bits is too weak: expected at least 2048");
      return false;
    }
    out.key = std::move(*parsed);
    skipBlanks();
    out.comment = std::string(text_.substr(pos_));
    return true;
  }

  std::string_view text_;
  size_t base_;
  unsigned line_;
  int64_t now_;
  size_t pos_ = 0;
};

}  // namespace

bool SignerLine::allows(std::string_view ns) const {
  return namespaces.empty() || std::find(namespaces.begin(), namespaces.end(), ns) != namespaces.end();
}

std::vector<const SignerLine*> SignersFile::keysOf(std::string_view principal) const {
  std::vector<const SignerLine*> out;
  for (const auto& l : lines)
    if (l.principal == principal) out.push_back(&l);
  return out;
}

const SignerLine* SignersFile::byFingerprint(std::string_view fp) const {
  for (const auto& l : lines)
    if (l.key.fingerprint == fp) return &l;
  return nullptr;
}

std::optional<int64_t> parseSignersTime(std::string_view text) {
  if (text.empty() || (text.back() != 'Z' && text.back() != 'z')) return std::nullopt;
  text.remove_suffix(1);
  if (text.size() != 8 && text.size() != 12 && text.size() != 14) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  auto num = [&](size_t at, size_t n) {
    unsigned v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + static_cast<unsigned>(text[i] - '0');
    return v;
  };
  const int64_t y = num(0, 4);
  const unsigned mo = num(4, 2), d = num(6, 2);
  const unsigned h = text.size() > 8 ? num(8, 2) : 0, mi = text.size() > 8 ? num(10, 2) : 0;
  const unsigned s = text.size() > 12 ? num(12, 2) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

std::string formatSignersTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const bool midnight = seconds % 86400 == 0;
  std::strftime(buf, sizeof buf, midnight ? "%Y%m%dZ" : "%Y%m%d%H%M%SZ", &tm);
  return buf;
}

SignersFile parseAllowedSigners(std::string_view bytes, std::vector<SignersProblem>& problems, int64_t now) {
  SignersFile file;
  file.sha256 = hex(llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
  struct First {
    size_t index;      // in file.lines
    size_t keyOffset;  // of its key type in the file
  };
  std::map<std::string, First> firstOfBlob;  // by key blob
  size_t offset = 0;
  for (unsigned lineNo = 1; offset < bytes.size(); ++lineNo) {
    size_t nl = bytes.find('\n', offset);
    size_t end = nl == std::string_view::npos ? bytes.size() : nl;
    std::string_view text = bytes.substr(offset, end - offset);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    const size_t lineOffset = offset;
    offset = end + 1;
    if (text.size() > kMaxSignersLineBytes) {
      problems.push_back({lineNo, 1, lineOffset, 0,
                          "line of " + std::to_string(text.size()) + " bytes is too long: expected at most 16 KiB",
                          {}, {}, {}});
      continue;
    }
    LineParser parser(text, lineOffset, lineNo, now);
    auto line = parser.parse();
    if (parser.problem) {
      problems.push_back(std::move(*parser.problem));
      continue;
    }
    if (!line) continue;
    const size_t keyOffset = lineOffset + line->keyCol - 1;
    auto [first, added] = firstOfBlob.emplace(line->key.blob, First{file.lines.size(), keyOffset});
    if (!added) {
      const SignerLine& earlier = file.lines[first->second.index];
      SignersProblem p;
      p.line = lineNo;
      p.column = static_cast<unsigned>(line->keyCol);
      p.offset = keyOffset;
      p.length = line->key.type.size();
      p.message = "key " + line->key.fingerprint + " is listed again, for " + quoted(line->principal);
      p.note = "first listed on line " + std::to_string(earlier.line) + ", for " + quoted(earlier.principal) +
               ": ssh-keygen -Y find-principals would only ever find that line";
      p.noteOffset = first->second.keyOffset;
      problems.push_back(std::move(p));
      continue;
    }
    if (file.lines.size() == kMaxSignersKeys) {
      problems.push_back({lineNo, 1, lineOffset, 0, "more than 10000 keys: expected at most 10000", {}, {}, {}});
      break;
    }
    file.lines.push_back(std::move(*line));
  }
  return file;
}

}  // namespace mlops::support
