// A diagnostic: code, severity, primary span, message, notes and fix-its.
// Kinds come from diagnostic_kinds.def; see docs/diagnostics.md.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/SMLoc.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace mlops::diag {

enum class Severity : uint8_t { Error, Warning, Note };

enum class DiagCode : uint16_t {
#define DIAG_CODE(Code, Sev, Title) Code,
#include "diag/diagnostic_kinds.def"
};

struct CodeInfo {
  DiagCode code;
  const char* name;   // "E0101"
  Severity severity;  // default severity
  const char* title;  // "syntax error"
};

// Every catalogue entry, in code order.
const std::vector<CodeInfo>& allCodes();
const CodeInfo& codeInfo(DiagCode code);
// Looks a code up by its name ("E0101"); nullptr when unknown.
const CodeInfo* findCode(llvm::StringRef name);
llvm::StringRef severityName(Severity severity);  // "error", "warning", "note"

// Every message kind of the table (for the generated catalogue).
struct MessageInfo {
  DiagCode code;
  const char* name;    // "ExpectedFound"
  const char* format;  // "expected {0}, found {1}"
};
const std::vector<MessageInfo>& allMessages();

// A message of one code, with its argument types fixed at compile time.
template <class... Args>
struct DiagDescriptor {
  DiagCode code;
  const char* format;
};

namespace kinds {
#define DIAG(Name, Code, Format, ...) \
  inline constexpr DiagDescriptor<__VA_ARGS__> Name{DiagCode::Code, Format};
#include "diag/diagnostic_kinds.def"
}  // namespace kinds

struct Note {
  llvm::SMRange range;  // may be invalid: a note without a location
  std::string message;
};

struct FixIt {
  llvm::SMRange range;      // replaced span (empty range: insertion)
  std::string replacement;
};

struct Diagnostic {
  DiagCode code;
  Severity severity;
  llvm::SMRange range;   // primary span; invalid when only `file` is known
  std::string file;      // used when range is invalid (e.g. a missing file)
  std::string message;
  std::vector<Note> notes;
  std::vector<FixIt> fixits;
};

// Substitutes {0}, {1}, ... in a format with already formatted arguments.
std::string formatMessage(llvm::StringRef format, const std::vector<std::string>& args);

inline std::string formatArg(llvm::StringRef s) { return s.str(); }
inline std::string formatArg(uint64_t n) { return std::to_string(n); }
inline std::string formatArg(int64_t n) { return std::to_string(n); }

}  // namespace mlops::diag
