// Golden test runner. Every .mlops file under the given paths carries its
// expected diagnostics inline, clang -verify style:
//
//   owner "x"   // expect-error E0101 {{expected `=` or `{`}}
//   // expect-error@+1 E0102
//   // expect-note@-2 {{this `{` is not closed}}
//   // expect-warning@+1 W0601 {{unused}}
//
// The code is required for errors and warnings; the {{substring}} is
// optional. `@+N` / `@-N` shift the expected line; `@FILE:LINE` expects it in
// another file (an import, the stdlib), FILE matching the end of its path:
//   // expect-error@imports/second.part:4 E0306
//   // expect-note@std/roles.mlops:12 {{declared here}} The file must produce
// exactly the expected diagnostics: a missing or an unexpected one fails.
// A file named fail_*.mlops must expect at least one error; any other file
// must expect none. When FILE.ast sits next to FILE.mlops, the AST dump must
// match it byte for byte (--update rewrites .ast files).
//
// --require-coverage: also fail unless every diagnostic code of the
// catalogue is expected (and produced) by at least one file.
//
// Files are checked like `mlopsc check` (parse and every semantic pass,
// with --stdlib DIR); paths after --syntax-only are only parsed, paths after
// --full are checked again, and paths after --targets are built like
// `mlopsc build` for every CI target, so the backends' W07xx count too.
#include "ast/ast_dump.h"
#include "diag/source_location.h"
#include "driver/compilation.h"
#include "emit/mlopsc_install.h"
#include "emit/target_limits.h"
#include "ir/ir_builder.h"
#include "syntax/spec_files.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Regex.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace mlops;

namespace {

struct Expectation {
  diag::Severity severity;
  std::string file;       // the root file, or a path suffix from @FILE:LINE
  bool suffix = false;    // `file` is a suffix to match
  unsigned line;
  std::string code;       // empty for notes
  std::string substring;  // may be empty
  unsigned sourceLine;    // where the expect- comment is
  bool matched = false;
};

struct Actual {
  diag::Severity severity;
  std::string file;
  unsigned line;
  std::string code;
  std::string message;
};

bool parseExpectations(llvm::StringRef path, llvm::StringRef text, std::vector<Expectation>& out,
                       std::vector<std::string>& errors) {
  static const llvm::Regex re(
      "//[ \t]*expect-(error|warning|note)(@([+-][0-9]+|[^ \t:]+:[0-9]+))?([ \t]+([EW][0-9]{4}))?"
      "([ \t]*\\{\\{(.*)\\}\\})?");
  llvm::SmallVector<llvm::StringRef, 8> lines;
  text.split(lines, '\n');
  bool ok = true;
  for (size_t i = 0; i < lines.size(); ++i) {
    llvm::StringRef line = lines[i];
    size_t at = line.find("expect-");
    if (at == llvm::StringRef::npos) continue;
    llvm::SmallVector<llvm::StringRef, 8> m;
    if (!re.match(line, &m)) {
      errors.push_back((path + ":" + llvm::Twine(i + 1) + ": malformed expectation").str());
      ok = false;
      continue;
    }
    Expectation e;
    e.severity = m[1] == "error" ? diag::Severity::Error : m[1] == "warning" ? diag::Severity::Warning
                                                                            : diag::Severity::Note;
    int offset = 0;
    e.sourceLine = static_cast<unsigned>(i + 1);
    e.file = path.str();
    llvm::StringRef where = m[3];
    if (!where.empty() && (where[0] == '+' || where[0] == '-')) {
      llvm::StringRef digits = where.drop_front(1);  // getAsInteger rejects a leading '+'
      digits.getAsInteger(10, offset);
      if (where.startswith("-")) offset = -offset;
      e.line = static_cast<unsigned>(static_cast<int>(i + 1) + offset);
    } else if (!where.empty()) {
      auto [file, lineText] = where.rsplit(':');
      unsigned line = 0;
      lineText.getAsInteger(10, line);
      e.file = file.str();
      e.suffix = true;
      e.line = line;
    } else {
      e.line = static_cast<unsigned>(i + 1);
    }
    e.code = m[5].str();
    e.substring = m[7].str();
    if (e.severity != diag::Severity::Note && e.code.empty()) {
      errors.push_back((path + ":" + llvm::Twine(i + 1) + ": expect-" + m[1] + " needs a code").str());
      ok = false;
      continue;
    }
    out.push_back(std::move(e));
  }
  return ok;
}

std::set<std::string> coveredCodes;

enum class Mode { Syntax, Full, Targets };

// Where the CI jobs of a --targets case get mlopsc (W0706 is about the
// build's options, not the spec): a pinned mirror, unless the case says
//   // ci-release: defaults
// (the project's default addresses) or gives some of
//   // ci-release: url=TEMPLATE sha256=HEX action=REF image=REF
// on a line of its own.
emit::CiOptions ciReleaseOf(llvm::StringRef text) {
  emit::CiOptions o;
  o.mlopsc.version = "1.0.0";
  size_t at = text.find("// ci-release:");
  if (at != llvm::StringRef::npos) {
    llvm::StringRef line = text.substr(at + 14);
    line = line.substr(0, line.find('\n')).trim();
    if (line == "defaults") return o;
    o.mlopsc.urlTemplate = o.mlopsc.sha256 = o.mlopsc.setupAction = o.mlopsc.image = "";
    llvm::SmallVector<llvm::StringRef, 4> words;
    line.split(words, ' ', -1, false);
    for (llvm::StringRef w : words) {
      auto [key, value] = w.split('=');
      if (key == "url") o.mlopsc.urlTemplate = value.str();
      else if (key == "sha256") o.mlopsc.sha256 = value.str();
      else if (key == "action") o.mlopsc.setupAction = value.str();
      else if (key == "image") o.mlopsc.image = value.str();
    }
    return o;
  }
  o.mlopsc.urlTemplate = "https://mirror.example/mlopsc-{version}-linux-x86_64.tar.gz";
  o.mlopsc.sha256 = std::string(64, 'a');
  o.mlopsc.setupAction = "shop/ci-actions/setup-mlopsc@v1";
  o.mlopsc.image = "registry.example/mlopsc@sha256:" + std::string(64, 'b');
  return o;
}

struct RunOptions {
  bool requireCoverage = false;
  bool update = false;
  Mode mode = Mode::Full;  // mode for the paths that follow
  std::string stdlib;
};

bool runFile(const std::string& path, Mode mode, const RunOptions& options, unsigned& failures) {
  bool update = options.update;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    llvm::errs() << path << ": cannot read\n";
    return false;
  }
  std::vector<Expectation> expected;
  std::vector<std::string> problems;
  parseExpectations(path, (*buffer)->getBuffer(), expected, problems);

  driver::Compilation compilation;
  if (mode == Mode::Syntax) {
    compilation.parseFiles({path});
  } else {
    sema::SemaOptions sema;
    sema.stdlibDir = options.stdlib;
    compilation.checkFiles({path}, sema);
    if (mode == Mode::Targets && !compilation.diags().hasErrors() && !compilation.programs().empty()) {
      ir::PipelineGraph graph = ir::buildPipelineGraph(*compilation.programs().front());
      emit::CiOptions ci = ciReleaseOf((*buffer)->getBuffer());
      for (emit::CiTarget t : {emit::CiTarget::GitHub, emit::CiTarget::GitLab, emit::CiTarget::Argo}) {
        emit::reportTargetLimits(graph, t, compilation.diags());
        emit::reportReleaseSource(graph, t, ci, compilation.diags());
      }
    }
  }
  std::vector<Actual> actual;
  for (const diag::Diagnostic& d : compilation.diags().sorted()) {
    diag::ResolvedRange r = diag::resolveRange(compilation.sources(), d.range, d.file);
    unsigned line = r.valid ? r.start.line : 0;
    actual.push_back({d.severity, r.file, line, diag::codeInfo(d.code).name, d.message});
    for (const diag::Note& n : d.notes) {
      diag::ResolvedRange nr = diag::resolveRange(compilation.sources(), n.range);
      // A note without a location belongs to its diagnostic's line.
      actual.push_back({diag::Severity::Note, nr.valid ? nr.file : r.file, nr.valid ? nr.start.line : line, "",
                        n.message});
    }
  }

  for (const Actual& a : actual) {
    auto sameFile = [&](const Expectation& e) {
      if (!e.suffix) return a.file == e.file || a.file.empty();
      llvm::StringRef f(a.file);
      return f == e.file || f.endswith("/" + e.file);
    };
    auto it = std::find_if(expected.begin(), expected.end(), [&](const Expectation& e) {
      return !e.matched && e.severity == a.severity && e.line == a.line && sameFile(e) &&
             (e.code.empty() || e.code == a.code) && llvm::StringRef(a.message).contains(e.substring);
    });
    if (it != expected.end()) {
      it->matched = true;
      continue;
    }
    problems.push_back((a.file.empty() ? path : a.file) + ":" + std::to_string(a.line) + ": unexpected " +
                       diag::severityName(a.severity).str() + (a.code.empty() ? "" : " " + a.code) + ": " +
                       a.message);
  }
  for (const Expectation& e : expected) {
    if (e.matched) continue;
    problems.push_back(path + ":" + std::to_string(e.sourceLine) + ": missing " +
                       diag::severityName(e.severity).str() + (e.code.empty() ? "" : " " + e.code) + " on " +
                       (e.suffix ? e.file + ":" : "line ") + std::to_string(e.line) +
                       (e.substring.empty() ? "" : " {{" + e.substring + "}}"));
  }
  bool expectsError = std::any_of(expected.begin(), expected.end(),
                                  [](const Expectation& e) { return e.severity == diag::Severity::Error; });
  bool namedFail = llvm::sys::path::filename(path).startswith("fail_");
  for (const Expectation& e : expected)
    if (e.matched && !e.code.empty()) coveredCodes.insert(e.code);
  if (namedFail && !expectsError) problems.push_back(path + ": named fail_* but expects no error");
  if (!namedFail && expectsError) problems.push_back(path + ": expects errors but is not named fail_*");

  std::string astPath = path.substr(0, path.size() - 6) + ".ast";
  if (llvm::sys::fs::exists(astPath) || (update && !namedFail && !compilation.files().empty())) {
    std::string dump;
    llvm::raw_string_ostream os(dump);
    for (const ast::SourceFile* f : compilation.files()) ast::dumpAst(os, *f, compilation.sources());
    os.flush();
    // The dump names the file by the path it was given; make it stable.
    std::string given = "File \"" + path + "\"";
    std::string stable = "File \"" + llvm::sys::path::filename(path).str() + "\"";
    for (size_t p = dump.find(given); p != std::string::npos; p = dump.find(given, p + stable.size()))
      dump.replace(p, given.size(), stable);
    if (update) {
      std::error_code ec;
      llvm::raw_fd_ostream out(astPath, ec);
      out << dump;
    } else {
      auto golden = llvm::MemoryBuffer::getFile(astPath);
      if (!golden || (*golden)->getBuffer() != dump)
        problems.push_back(astPath + ": AST dump differs (run tests/update-golden to refresh)");
    }
  }

  for (const std::string& p : problems) llvm::errs() << "FAIL " << p << "\n";
  if (!problems.empty()) ++failures;
  return problems.empty();
}

}  // namespace

int main(int argc, char** argv) {
  RunOptions options;
  std::vector<std::pair<std::string, Mode>> files;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--update") {
      options.update = true;
      continue;
    }
    if (arg == "--require-coverage") {
      options.requireCoverage = true;
      continue;
    }
    if (arg == "--syntax-only" || arg == "--full" || arg == "--targets") {
      options.mode = arg == "--syntax-only" ? Mode::Syntax : arg == "--full" ? Mode::Full : Mode::Targets;
      continue;
    }
    if (arg == "--stdlib" && i + 1 < argc) {
      options.stdlib = argv[++i];
      continue;
    }
    if (llvm::sys::fs::is_directory(arg)) {
      std::error_code ec;
      for (const std::string& file : syntax::findSpecFiles(arg.str(), ec)) files.emplace_back(file, options.mode);
    } else {
      files.emplace_back(arg.str(), options.mode);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    llvm::errs() << "golden_runner: no .mlops files given\n";
    return 2;
  }
  unsigned failures = 0;
  bool anyFull = std::any_of(files.begin(), files.end(), [](const auto& f) { return f.second != Mode::Syntax; });
  if (anyFull && options.stdlib.empty()) {
    llvm::errs() << "golden_runner: --stdlib DIR is required to check files (or use --syntax-only)\n";
    return 2;
  }
  for (const auto& [f, mode] : files) runFile(f, mode, options, failures);
  llvm::errs() << files.size() - failures << " of " << files.size() << " golden files passed\n";
  if (options.requireCoverage) {
    std::vector<std::string> missing;
    for (const diag::CodeInfo& info : diag::allCodes())
      if (!coveredCodes.count(info.name)) missing.push_back(info.name);
    if (!missing.empty()) {
      llvm::errs() << "FAIL coverage: no golden case expects";
      for (const std::string& code : missing) llvm::errs() << ' ' << code;
      llvm::errs() << '\n';
      return 1;
    }
    llvm::errs() << "every one of " << diag::allCodes().size() << " diagnostic codes has a failing golden case\n";
  }
  return failures ? 1 : 0;
}
