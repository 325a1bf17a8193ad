// Pass `signers`: reads the project's `signers = file("...")`, the OpenSSH
// allowed_signers file saying whose SSH key may sign approvals, and fills
// Program::signers for the policy rules (E0509, E0510) and the IR.
//   E0307  the file cannot be used, or a line of it is refused (the strict
//          subset of support/allowed_signers.h; each principal must also be
//          a member address, sema/member_address.h).
// Per-line diagnostics quote the file's lines, so the path must be a signers
// file: inside the project root, no hidden part (as imports), and named
// `allowed_signers` or `*.allowed_signers`: `signers = file("data/customers.csv")`
// must not print customer rows in a public CI log. A refused path is never
// opened. The file joins the SourceMgr like an import, so every renderer
// (text, JSON, SARIF, GitHub) points into it.
#include "sema/member_address.h"
#include "sema/pass.h"
#include "syntax/source_loader.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace mlops::sema {
namespace {

using namespace ast;

constexpr uint64_t kMaxSignersBytes = 1 << 20;  // 1 MiB: a file of 10,000 keys fits

bool isSignersName(llvm::StringRef name) {
  return name == "allowed_signers" || (name.endswith(".allowed_signers") && name.size() > 16);
}

class SignersPass : public Pass {
 public:
  explicit SignersPass(const SemaOptions& options) : options_(options) {}
  llvm::StringRef name() const override { return "signers"; }

  void run(Program& program) override {
    program_ = &program;
    const StringExpr* site = signersSite();
    const Module* root = program.root();
    if (!site || !root) return;
    SignersFacts facts;
    facts.path = site->value.str();
    facts.site = site;
    facts.bufferId = load(*root, *site, facts.opened);
    if (facts.bufferId) {
      llvm::StringRef bytes = program.sources().getMemoryBuffer(facts.bufferId)->getBuffer();
      std::vector<support::SignersProblem> problems;
      facts.file = support::parseAllowedSigners(bytes, problems);
      for (const auto& p : problems) reportProblem(facts.bufferId, p);
      const bool addressesValid = checkPrincipals(facts);
      facts.complete = problems.empty() && addressesValid;
    }
    program.signers = std::move(facts);
  }

 private:
  // The string of the project's `signers = file("...")`, or null.
  const StringExpr* signersSite() const {
    auto* call = llvm::dyn_cast_or_null<CallExpr>(Program::property(program_->project, "signers"));
    if (!call || call->args.empty()) return nullptr;
    auto* callee = llvm::dyn_cast_or_null<PathExpr>(call->callee);
    if (!callee || callee->segments.size() != 1 || callee->segments[0].text != "file") return nullptr;
    return llvm::dyn_cast_or_null<StringExpr>(call->args[0].value);
  }

  // Loads the signers file into the SourceMgr; its buffer, or 0 after E0307.
  unsigned load(const Module& root, const StringExpr& site, std::string& opened) {
    auto& diags = program_->diags();
    llvm::StringRef written = site.value;
    auto refuse = [&](llvm::StringRef why) {
      diags.report(site.range, diag::kinds::SignersFileUnusable, written, why)
          .note("name the repository's allowed_signers file, relative to the spec's folder, as in "
                "`signers = file(\"allowed_signers\")`");
      return 0u;
    };
    if (written.contains("${")) return refuse("holds `${`: name the file literally");
    // Shown as the user named it, relative to the root spec: examples/x/allowed_signers.
    llvm::SmallString<256> display(llvm::sys::path::parent_path(root.name));
    llvm::sys::path::append(display, written);
    llvm::sys::path::remove_dots(display, true);

    if (options_.virtualFiles) {
      llvm::SmallString<128> relative(written);
      llvm::sys::path::remove_dots(relative, true);
      auto found = options_.virtualFiles->find(relative);
      if (found != options_.virtualFiles->end()) {
        if (!isSignersName(llvm::sys::path::filename(relative))) return refuse(kNameRule);
        return syntax::addSourceText(program_->sources(), diags, display, found->second).bufferId;
      }
    }
    llvm::SmallString<256> path;
    if (llvm::sys::path::is_absolute(written)) {
      path = written;
    } else {
      path = llvm::sys::path::parent_path(root.path);
      llvm::sys::path::append(path, written);
    }
    llvm::sys::path::remove_dots(path, true);
    const std::string key = canonicalPath(path);
    const std::string rootDir = projectRootOf(llvm::sys::path::parent_path(root.path));
    if (std::optional<PathRefusal> refused = refusedProjectPath(rootDir, key)) return refuse(refused->why);
    // Both the name written and the file a symlink leads to.
    if (!isSignersName(llvm::sys::path::filename(path)) || !isSignersName(llvm::sys::path::filename(key)))
      return refuse(kNameRule);
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(path, status) || !llvm::sys::fs::exists(status)) return refuse("does not exist");
    if (llvm::sys::fs::is_directory(status)) return refuse("is a directory");
    if (!llvm::sys::fs::is_regular_file(status)) return refuse("is not a regular file (a device, pipe or socket)");
    opened = path.str().str();
    return syntax::loadSourceFile(program_->sources(), diags, path, kMaxSignersBytes, display).bufferId;
  }

  void reportProblem(unsigned bufferId, const support::SignersProblem& p) {
    const char* start = program_->sources().getMemoryBuffer(bufferId)->getBufferStart();
    auto at = [&](size_t offset, size_t length) {
      return llvm::SMRange(llvm::SMLoc::getFromPointer(start + offset),
                           llvm::SMLoc::getFromPointer(start + offset + length));
    };
    auto d = program_->diags().report(at(p.offset, p.length), diag::kinds::SignersLine, p.message);
    if (!p.note.empty()) {
      if (p.noteOffset)
        d.note(at(*p.noteOffset, 0), p.note);
      else
        d.note(p.note);
    }
    if (p.fixIt) d.fixit(at(p.fixIt->offset, p.fixIt->length), p.fixIt->text);
  }

  // E0307 for principals that are not member addresses; drops their lines.
  bool checkPrincipals(SignersFacts& facts) {
    bool valid = true;
    auto& lines = facts.file.lines;
    for (auto it = lines.begin(); it != lines.end();) {
      std::optional<AddressProblem> problem = checkMemberAddress(it->principal);
      if (!problem) {
        ++it;
        continue;
      }
      llvm::SMLoc loc = program_->sources().FindLocForLineAndColumn(facts.bufferId, it->line,
                                                                    static_cast<unsigned>(it->principalCol));
      llvm::SMRange range(loc, llvm::SMLoc::getFromPointer(loc.getPointer() + it->principal.size()));
      program_->diags().report(range, diag::kinds::SignersPrincipal, printableAddress(it->principal), problem->why)
          .note("a principal is one person's e-mail address, written as in the roles' `members`");
      it = lines.erase(it);
      valid = false;
    }
    return valid;
  }

  static constexpr const char* kNameRule = "must be named `allowed_signers` or end in `.allowed_signers`";

  SemaOptions options_;
  Program* program_ = nullptr;
};

}  // namespace

std::unique_ptr<Pass> createSignersPass(const SemaOptions& options) { return std::make_unique<SignersPass>(options); }

}  // namespace mlops::sema
