// Collects diagnostics for one compilation. Emitters (lexer, parser, sema)
// report through typed descriptors; renderers read the sorted result.
#pragma once

#include "diag/diagnostic.h"

#include <llvm/Support/SourceMgr.h>

#include <type_traits>

namespace mlops::diag {

class DiagnosticEngine;

// Returned by DiagnosticEngine::report; attaches notes and fix-its.
class DiagBuilder {
 public:
  explicit DiagBuilder(Diagnostic* diag) : diag_(diag) {}
  DiagBuilder& note(llvm::SMRange range, std::string message);
  DiagBuilder& note(std::string message) { return note(llvm::SMRange(), std::move(message)); }
  DiagBuilder& note(llvm::SMLoc at, std::string message) { return note(llvm::SMRange(at, at), std::move(message)); }
  DiagBuilder& fixit(llvm::SMRange range, std::string replacement);

 private:
  Diagnostic* diag_;  // null when the diagnostic was suppressed
};

class DiagnosticEngine {
 public:
  explicit DiagnosticEngine(llvm::SourceMgr& sources) : sources_(sources) {}

  template <class... Args>
  DiagBuilder report(llvm::SMRange range, const DiagDescriptor<Args...>& kind,
                     std::type_identity_t<Args>... args) {
    return add(kind.code, range, {}, formatMessage(kind.format, {formatArg(args)...}));
  }
  // A diagnostic about a whole file that has no text to point into.
  template <class... Args>
  DiagBuilder reportFile(llvm::StringRef file, const DiagDescriptor<Args...>& kind,
                         std::type_identity_t<Args>... args) {
    return add(kind.code, llvm::SMRange(), file.str(), formatMessage(kind.format, {formatArg(args)...}));
  }

  llvm::SourceMgr& sources() { return sources_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // Diagnostics ordered by file, then position; stable for equal positions.
  std::vector<Diagnostic> sorted() const;

  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ > 0; }

  // Warning controls (-Werror, -Wno-CODE, -WCODE). A warning turned into an
  // error keeps its code and counts as an error.
  enum class WarningState : uint8_t { Default, Ignored, Enabled, Error };
  void setWarningsAsErrors(bool on) { warningsAsErrors_ = on; }
  void setWarningState(DiagCode code, WarningState state) { warningStates_[static_cast<size_t>(code)] = state; }

  // Stop collecting errors after this many (0: unlimited).
  void setMaxErrors(unsigned n) { maxErrors_ = n; }
  // True once the error limit was hit: producers should stop early.
  bool tooManyErrors() const { return maxErrors_ != 0 && errors_ >= maxErrors_; }
  unsigned maxErrors() const { return maxErrors_; }
  // Errors dropped because the limit was reached (producers may stop before
  // finding more, so this is a lower bound).
  unsigned droppedErrors() const { return dropped_; }

  // Did-you-mean costs a string comparison per candidate, so a hostile spec
  // with thousands of unknown names among thousands of declarations made it
  // quadratic (minutes). None once errors are being dropped (--max-errors),
  // and at most kSuggestionBudget comparisons per engine (diag/suggest.h).
  static constexpr size_t kSuggestionBudget = 2'000'000;
  bool suggestionsAllowed() const { return dropped_ == 0 && suggestionWork_ < kSuggestionBudget; }
  void chargeSuggestions(size_t comparisons) { suggestionWork_ += comparisons; }

 private:
  friend class DiagBuilder;
  DiagBuilder add(DiagCode code, llvm::SMRange range, std::string file, std::string message);

  llvm::SourceMgr& sources_;
  std::vector<Diagnostic> diagnostics_;
  unsigned errors_ = 0;
  unsigned warnings_ = 0;
  unsigned maxErrors_ = 0;
  unsigned dropped_ = 0;
  size_t suggestionWork_ = 0;
  bool warningsAsErrors_ = false;
  std::vector<WarningState> warningStates_ = std::vector<WarningState>(allCodes().size(), WarningState::Default);
};

}  // namespace mlops::diag
