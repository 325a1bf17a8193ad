// mlopsc explain CODE: what a diagnostic means, a spec that triggers it and
// the same spec fixed.
#include "diag/explanations.h"
#include "driver/commands.h"

#include <llvm/Support/ConvertUTF.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::driver {
namespace {

llvm::cl::list<std::string> explainCodes(llvm::cl::Positional, llvm::cl::desc("<CODE>..."), llvm::cl::ZeroOrMore,
                                         llvm::cl::sub(explainCommand), llvm::cl::cat(commandCategory));
llvm::cl::opt<bool> catalogue("catalogue",
                              llvm::cl::desc("Print the whole catalogue as Markdown (the generated part of "
                                             "docs/diagnostics.md)"),
                              llvm::cl::sub(explainCommand), llvm::cl::cat(commandCategory));

// The catalogue section of docs/diagnostics.md, generated so it can't drift
// from the table (tests/docs/diagnostics_doc.sh compares them).
void printCatalogue(llvm::raw_ostream& os) {
  os << "| code | severity | title |\n|---|---|---|\n";
  for (const diag::CodeInfo& info : diag::allCodes())
    os << "| [" << info.name << "](#" << llvm::StringRef(info.name).lower() << ") | "
       << diag::severityName(info.severity) << " | " << info.title << " |\n";
  for (const diag::CodeInfo& info : diag::allCodes()) {
    os << "\n### " << info.name << "\n\n" << info.title << " (" << diag::severityName(info.severity) << ").";
    if (const diag::Explanation* e = diag::findExplanation(info.code)) os << ' ' << e->text;
    os << "\n\nMessages:\n\n";
    for (const diag::MessageInfo& m : diag::allMessages())
      if (m.code == info.code) {
        // A code span holding backticks needs a longer fence and spaces.
        bool ticks = llvm::StringRef(m.format).contains('`');
        os << (ticks ? "- `` " : "- `") << m.format << (ticks ? " ``\n" : "`\n");
      }
    os << "\nRun `mlopsc explain " << info.name << "` for a spec that triggers it and its fix.\n";
  }
}

void indentBlock(llvm::raw_ostream& os, llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 16> lines;
  text.rtrim('\n').split(lines, '\n');
  for (llvm::StringRef line : lines) {
    os << "    ";
    // Examples of invalid input hold raw bytes: show them escaped, keep valid UTF-8.
    for (size_t i = 0; i < line.size();) {
      auto c = static_cast<unsigned char>(line[i]);
      unsigned len = llvm::getNumBytesForUTF8(c);
      bool valid = (c >= 0x20 || c == '\t') && i + len <= line.size() &&
                   llvm::isLegalUTF8Sequence(reinterpret_cast<const llvm::UTF8*>(line.data() + i),
                                             reinterpret_cast<const llvm::UTF8*>(line.data() + i + len));
      if (valid) {
        os << line.substr(i, len);
        i += len;
      } else {
        os << "\\x" << llvm::format_hex_no_prefix(c, 2, true);
        ++i;
      }
    }
    os << '\n';
  }
}

}  // namespace

int runExplain() {
  if (catalogue) {
    printCatalogue(llvm::outs());
    return 0;
  }
  if (explainCodes.empty()) {
    llvm::errs() << "mlopsc: error: expected a diagnostic code, e.g. `mlopsc explain E0101` (or --catalogue)\n";
    return static_cast<int>(ExitCode::Usage);
  }
  int status = 0;
  for (const std::string& name : explainCodes) {
    const diag::CodeInfo* info = diag::findCode(name);
    if (!info) {
      llvm::errs() << "mlopsc: error: unknown diagnostic code `" << name
                   << "`: expected a code like E0101 or W0601 (see docs/diagnostics.md)\n";
      status = static_cast<int>(ExitCode::Usage);
      continue;
    }
    llvm::outs() << info->name << ": " << info->title << " (" << diag::severityName(info->severity) << ")\n\n";
    const diag::Explanation* e = diag::findExplanation(info->code);
    if (!e) {
      llvm::outs() << "No long explanation yet.\n\n";
      continue;
    }
    llvm::outs() << e->text << "\n\nWrong:\n\n";
    indentBlock(llvm::outs(), e->wrong);
    llvm::outs() << "\nRight:\n\n";
    indentBlock(llvm::outs(), e->right);
    llvm::outs() << '\n';
  }
  return status;
}

}  // namespace mlops::driver
