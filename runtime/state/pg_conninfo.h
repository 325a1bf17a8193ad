// A PostgreSQL connection string (a `postgresql://` URI or a libpq keyword
// string), read by libpq itself without contacting a server, and shown only
// masked. The input is never printed: libpq's own messages echo it, a
// password included (a malformed URI is quoted whole), so every message
// about it goes through maskPgMessage.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

struct PgConnInfo {
  // Every option given, as `keyword=value` (quoted when needed), with the
  // value of each password option (libpq's dispchar "*": password,
  // sslpassword, ...) as `***`.
  std::string masked;
  std::vector<std::string> passwords;  // those values, for maskers
  bool hasPassword = false;
  std::string host;  // "" when not given (libpq's default socket)
};

// Nullopt with `error` (masked) when libpq cannot parse `value`.
std::optional<PgConnInfo> parsePgConnInfo(const std::string& value, std::string& error);

// `text` (a message of libpq about `value`) with `value` itself replaced
// by `shownAs`, every password `value` may hold (found conservatively, even
// in a string libpq could not parse) and every one of `known` masked
// (runtime/secret_masker.h), and, with `quotedToo`, every double-quoted
// span that is not a libpq keyword masked as well (parse errors quote
// pieces of the input).
std::string maskPgMessage(const std::string& text, const std::string& value, const std::string& shownAs,
                          const std::vector<std::string>& known, bool quotedToo);

// The values that could be passwords in `value`, parsed or not: the URI
// user info after its `:` (to the last `@`), `password=` and
// `sslpassword=` values (quoted or not, in keyword strings and URI
// queries), each also percent-decoded.
std::vector<std::string> pgPasswordCandidates(const std::string& value);

}  // namespace mlops::runtime
