// The secrets file of `mlopsc run --secrets-file FILE`: `NAME=value` lines,
// `#` comments, blank lines, an optional `export ` prefix and optional single
// or double quotes around the value. A line that does not parse is refused
// by its number only: it may hold a secret, so it is never echoed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::runtime {

// The secrets in `text`, by name; nullopt with `error` ("NAME:LINE: ...",
// `name` naming the file) at the first line that is not `NAME=value`.
std::optional<std::map<std::string, std::string>> parseSecrets(std::string_view text, const std::string& name,
                                                               std::string& error);

}  // namespace mlops::runtime
