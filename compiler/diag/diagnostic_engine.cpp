#include "diag/diagnostic_engine.h"

#include <algorithm>

namespace mlops::diag {

DiagBuilder& DiagBuilder::note(llvm::SMRange range, std::string message) {
  if (diag_) diag_->notes.push_back({range, std::move(message)});
  return *this;
}

DiagBuilder& DiagBuilder::fixit(llvm::SMRange range, std::string replacement) {
  if (diag_) diag_->fixits.push_back({range, std::move(replacement)});
  return *this;
}

DiagBuilder DiagnosticEngine::add(DiagCode code, llvm::SMRange range, std::string file,
                                  std::string message) {
  Severity severity = codeInfo(code).severity;
  if (severity == Severity::Warning) {
    WarningState state = warningStates_[static_cast<size_t>(code)];
    if (state == WarningState::Ignored) return DiagBuilder(nullptr);
    if (state == WarningState::Error || warningsAsErrors_)
      severity = Severity::Error;
  }
  if (severity == Severity::Error && tooManyErrors()) {
    ++dropped_;
    return DiagBuilder(nullptr);
  }
  if (severity == Severity::Error) ++errors_;
  if (severity == Severity::Warning) ++warnings_;
  diagnostics_.push_back(Diagnostic{code, severity, range, std::move(file), std::move(message), {}, {}});
  return DiagBuilder(&diagnostics_.back());
}

std::vector<Diagnostic> DiagnosticEngine::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  auto key = [this](const Diagnostic& d) {
    if (!d.range.isValid()) return std::pair<unsigned, const char*>(0, nullptr);
    unsigned id = sources_.FindBufferContainingLoc(d.range.Start);
    return std::pair<unsigned, const char*>(id, d.range.Start.getPointer());
  };
  std::stable_sort(out.begin(), out.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    auto ka = key(a), kb = key(b);
    if (ka.first != kb.first) return ka.first < kb.first;
    return std::less<const char*>()(ka.second, kb.second);
  });
  return out;
}

}  // namespace mlops::diag
