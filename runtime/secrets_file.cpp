#include "runtime/secrets_file.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace mlops::runtime {

std::optional<std::map<std::string, std::string>> parseSecrets(std::string_view text, const std::string& name,
                                                               std::string& error) {
  std::map<std::string, std::string> out;
  std::istringstream in{std::string(text)};
  std::string line;
  for (unsigned number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    line = line.substr(first);
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    size_t eq = line.find('=');
    std::string key = line.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    bool valid = eq != std::string::npos && !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0])) &&
                 std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
    if (!valid) {
      // The line may hold a secret: never echo it.
      error = name + ":" + std::to_string(number) + ": expected `NAME=value` (NAME: letters, digits, `_`)";
      return std::nullopt;
    }
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    out[key] = value;
  }
  return out;
}

}  // namespace mlops::runtime
