#include "diag/diagnostic.h"

#include <cassert>

namespace mlops::diag {

const std::vector<CodeInfo>& allCodes() {
  static const std::vector<CodeInfo> codes = {
#define DIAG_CODE(Code, Sev, Title) {DiagCode::Code, #Code, Severity::Sev, Title},
#include "diag/diagnostic_kinds.def"
  };
  return codes;
}

const std::vector<MessageInfo>& allMessages() {
  static const std::vector<MessageInfo> messages = {
#define DIAG(Name, Code, Format, ...) {DiagCode::Code, #Name, Format},
#include "diag/diagnostic_kinds.def"
  };
  return messages;
}

const CodeInfo& codeInfo(DiagCode code) {
  const auto& codes = allCodes();
  assert(static_cast<size_t>(code) < codes.size());
  return codes[static_cast<size_t>(code)];
}

const CodeInfo* findCode(llvm::StringRef name) {
  for (const CodeInfo& info : allCodes())
    if (name.equals_insensitive(info.name)) return &info;
  return nullptr;
}

llvm::StringRef severityName(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

std::string formatMessage(llvm::StringRef format, const std::vector<std::string>& args) {
  std::string out;
  out.reserve(format.size() + 32);
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c == '{' && i + 2 < format.size() && format[i + 2] == '}' && format[i + 1] >= '0' &&
        format[i + 1] <= '9') {
      size_t index = static_cast<size_t>(format[i + 1] - '0');
      if (index < args.size()) {
        out += args[index];
        i += 2;
        continue;
      }
    }
    out += c;
  }
  return out;
}

}  // namespace mlops::diag
