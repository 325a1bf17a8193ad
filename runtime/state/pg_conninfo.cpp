#include "runtime/state/pg_conninfo.h"

#include "runtime/secret_masker.h"

#include <libpq-fe.h>

#include <cctype>
#include <memory>
#include <set>

namespace mlops::runtime {
namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using Options = std::unique_ptr<PQconninfoOption, ConninfoFree>;

std::string quotedValue(const std::string& v) {
  bool plain = !v.empty();
  for (char c : v)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '\\') plain = false;
  if (plain) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string percentDecoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value after `key=` at `at` (keyword-string rules: single-quoted with
// backslash escapes, or up to whitespace; in a URI query also up to `&`).
std::string valueAt(const std::string& s, size_t at) {
  while (at < s.size() && std::isspace(static_cast<unsigned char>(s[at]))) ++at;
  std::string out;
  if (at < s.size() && s[at] == '\'') {
    for (++at; at < s.size() && s[at] != '\''; ++at) {
      if (s[at] == '\\' && at + 1 < s.size()) ++at;
      out += s[at];
    }
    return out;
  }
  while (at < s.size() && !std::isspace(static_cast<unsigned char>(s[at])) && s[at] != '&') out += s[at++];
  return out;
}

const std::set<std::string>& keywords() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    char* error = nullptr;
    Options all(PQconninfoParse("", &error));
    PQfreemem(error);
    for (PQconninfoOption* o = all.get(); o && o->keyword; ++o) out.insert(o->keyword);
    return out;
  }();
  return names;
}

}  // namespace

std::vector<std::string> pgPasswordCandidates(const std::string& value) {
  std::vector<std::string> out;
  auto add = [&](const std::string& v) {
    if (v.empty()) return;
    out.push_back(v);
    std::string decoded = percentDecoded(v);
    if (decoded != v) out.push_back(decoded);
  };
  size_t scheme = value.find("://");
  if (scheme != std::string::npos) {
    size_t at = value.rfind('@');
    if (at != std::string::npos && at > scheme) {
      std::string userinfo = value.substr(scheme + 3, at - scheme - 3);
      if (size_t colon = userinfo.find(':'); colon != std::string::npos) add(userinfo.substr(colon + 1));
    }
  }
  for (const char* key : {"password", "sslpassword"}) {
    std::string k = key;
    for (size_t from = 0; (from = value.find(k, from)) != std::string::npos; from += k.size()) {
      // A whole keyword: not the end of another one (`sslpassword` holds `password`).
      if (from > 0 && (std::isalnum(static_cast<unsigned char>(value[from - 1])) || value[from - 1] == '_')) continue;
      size_t eq = from + k.size();
      while (eq < value.size() && std::isspace(static_cast<unsigned char>(value[eq]))) ++eq;
      if (eq < value.size() && value[eq] == '=') add(valueAt(value, eq + 1));
    }
  }
  return out;
}

std::optional<PgConnInfo> parsePgConnInfo(const std::string& value, std::string& error) {
  char* message = nullptr;
  Options options(PQconninfoParse(value.c_str(), &message));
  if (!options) {
    std::string text = message ? message : "out of memory";
    PQfreemem(message);
    while (!text.empty() && (text.back() == '\n' || text.back() == '.')) text.pop_back();
    error = "malformed PostgreSQL connection string: " +
            maskPgMessage(text, value, "(the connection string)", {}, /*quotedToo=*/true);
    return std::nullopt;
  }
  PgConnInfo info;
  for (PQconninfoOption* o = options.get(); o->keyword; ++o) {
    if (!o->val) continue;
    std::string keyword = o->keyword, val = o->val;
    bool secret = o->dispchar && o->dispchar[0] == '*';
    if (secret) {
      info.hasPassword = info.hasPassword || keyword == "password";
      if (!val.empty()) info.passwords.push_back(val);
    }
    if (keyword == "host") info.host = val;
    info.masked += (info.masked.empty() ? "" : " ") + keyword + "=" + (secret ? std::string("***") : quotedValue(val));
  }
  return info;
}

std::string maskPgMessage(const std::string& text, const std::string& value, const std::string& shownAs,
                          const std::vector<std::string>& known, bool quotedToo) {
  std::string out = text;
  if (!value.empty())
    for (size_t at = 0; (at = out.find(value, at)) != std::string::npos; at += shownAs.size())
      out.replace(at, value.size(), shownAs);
  if (quotedToo) {
    std::string masked;
    size_t at = 0;
    for (size_t open; (open = out.find('"', at)) != std::string::npos;) {
      size_t close = out.find('"', open + 1);
      if (close == std::string::npos) break;
      std::string inside = out.substr(open + 1, close - open - 1);
      // Kept: libpq's option names, the string's stand-in, a lone
      // punctuation mark (`matching "]"`); anything else may be input.
      bool keep = keywords().count(inside) || inside == shownAs ||
                  (inside.size() == 1 && std::ispunct(static_cast<unsigned char>(inside[0])));
      masked += out.substr(at, open - at) + "\"" + (keep ? inside : std::string("***")) + "\"";
      at = close + 1;
    }
    out = masked + out.substr(at);
  }
  std::vector<std::string> secrets = pgPasswordCandidates(value);
  secrets.insert(secrets.end(), known.begin(), known.end());
  SecretMasker masker(secrets);
  if (!masker.active()) return out;
  std::string result = masker.feed(out);
  return result + masker.finish();
}

}  // namespace mlops::runtime
