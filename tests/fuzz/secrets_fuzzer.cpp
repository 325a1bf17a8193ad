// libFuzzer target: the secrets file of `mlopsc run --secrets-file FILE`
// (runtime/secrets_file.h).
//
// Checked besides crashes, leaks and sanitizer reports: no exception escapes;
// every accepted name is `[A-Za-z_][A-Za-z0-9_]*` (it becomes an environment
// variable), and no value spans lines; a refused file is refused with
// exactly "FILE:LINE: expected ..." for a line that exists, so no part of
// the line (which may hold a secret) is ever echoed.
#include "fuzz_check.h"
#include "runtime/secrets_file.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

const char* const kTarget = "secrets_fuzzer";
const char* const kExpected = ": expected `NAME=value` (NAME: letters, digits, `_`)";

bool validName(const std::string& name) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

void run(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto secrets = mlops::runtime::parseSecrets(text, "fuzz.env", error);
  if (secrets) {
    for (const auto& [name, value] : *secrets) {
      if (!validName(name)) mlops::fuzz::fail(kTarget, "an accepted name is not NAME", name.c_str());
      if (value.find('\n') != std::string::npos) mlops::fuzz::fail(kTarget, "an accepted value", "spans lines");
    }
    return;
  }
  std::string_view e(error);
  size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::string_view prefix = "fuzz.env:";
  size_t digits = prefix.size();
  while (digits < e.size() && std::isdigit(static_cast<unsigned char>(e[digits]))) ++digits;
  bool shaped = e.substr(0, prefix.size()) == prefix && digits > prefix.size() && e.substr(digits) == kExpected &&
                digits - prefix.size() < 20 && std::stoull(std::string(e.substr(prefix.size(), digits - prefix.size()))) <= lines;
  if (!shaped) mlops::fuzz::fail(kTarget, "an error is not `FILE:LINE: expected ...`", error.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlops::fuzz::noExceptionEscapes(kTarget, [&] { run(data, size); });
  return 0;
}
