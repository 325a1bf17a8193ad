// The checked program: every loaded module, the symbol tables and what the
// semantic passes resolved (references, role facts, the dependency graph).
// Passes fill it in order (see pass_pipeline.h); later phases (IR, LSP)
// read it.
#pragma once

#include "ast/ast_context.h"
#include "diag/diagnostic_engine.h"
#include "sema/project_params.h"
#include "sema/fan_out.h"
#include "support/allowed_signers.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/StringMap.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlops::sema {

enum class SymbolKind : uint8_t { Project, Role, Kpi, Data, Step, Model, Test, Gate, Deploy, Monitor, Pipeline, Check };

// The symbol kind a declaration defines; false for use/import.
bool symbolKindOf(ast::DeclKind kind, SymbolKind& out);
llvm::StringRef kindName(SymbolKind kind);  // "role", "data", ...

enum Permission : uint8_t {
  OwnData = 1 << 0,
  OwnModel = 1 << 1,
  OwnDeploy = 1 << 2,
  DefineKpi = 1 << 3,
  Approve = 1 << 4,
  Audit = 1 << 5,
  SetQuota = 1 << 6,
};
// "own_data" -> OwnData; 0 when unknown.
uint8_t permissionFromName(llvm::StringRef name);
llvm::StringRef permissionName(Permission p);
std::vector<llvm::StringRef> allPermissionNames();

struct Module {
  std::string name;         // "std.roles", or the file path as given
  std::string path;         // canonical path on disk
  std::string opened;       // the path it was read from, before symlinks are resolved
  ast::SourceFile* file = nullptr;
  bool stdlib = false;
  bool used = false;        // stdlib: brought in with `use`
};

struct Symbol {
  llvm::StringRef name;
  SymbolKind kind;
  const ast::Decl* decl = nullptr;
  const Module* module = nullptr;
  bool used = false;  // referenced from somewhere (W0601)
};

// Facts about a role after inheritance.
struct RoleFacts {
  uint8_t permissions = 0;
  bool permissionsKnown = true;  // false when a base role could not be resolved
  std::vector<std::pair<std::string, llvm::SMRange>> members;
  bool hasQuota = false;
  double quotaCpu = -1, quotaMemory = -1, quotaGpu = -1;  // -1: not limited
  llvm::SMRange quotaRange;
};

// A resolved reference: a symbol, and for `step.output` references the output.
struct Reference {
  Symbol* symbol = nullptr;
  llvm::StringRef output;  // non-empty for features.table
  llvm::SMRange outputRange;
};

// A place where the spec names a declaration, found by the properties pass
// and resolved by the references pass.
struct ReferenceSite {
  const ast::PathExpr* path;
  uint16_t kinds;             // bit per SymbolKind (schema.h refBit)
  const ast::Decl* from;      // the declaration containing it
  llvm::StringRef property;   // "owner", "inputs", "on", ...
};

struct Edge {
  Symbol* from;
  Symbol* to;
  llvm::SMRange site;  // where the spec creates the edge
  const char* why;     // "input", "test target", "required test", ...
};

// The project's `signers = file("...")` (pass `signers`).
struct SignersFacts {
  std::string path;                       // as written, relative to the root spec's folder
  const ast::StringExpr* site = nullptr;  // the file("...") string
  unsigned bufferId = 0;                  // 0 when the file could not be used
  std::string opened;                     // the path read from disk ("" for in-memory text)
  support::SignersFile file;              // its accepted lines
  bool complete = false;                  // read, and no line refused (E0307)
};

class Program {
 public:
  Program(ast::ASTContext& ast, llvm::SourceMgr& sources, diag::DiagnosticEngine& diags)
      : ast_(ast), sources_(sources), diags_(diags) {}

  ast::ASTContext& ast() { return ast_; }
  llvm::SourceMgr& sources() { return sources_; }
  const llvm::SourceMgr& sources() const { return sources_; }
  diag::DiagnosticEngine& diags() { return diags_; }

  std::vector<std::unique_ptr<Module>> modules;  // root first
  const Module* root() const { return modules.empty() ? nullptr : modules.front().get(); }

  std::vector<std::unique_ptr<Symbol>> symbols;      // every symbol, in declaration order
  llvm::StringMap<Symbol*> scope;                     // unqualified names in scope
  llvm::StringMap<Symbol*> qualified;                 // std.roles.sme
  llvm::DenseMap<const ast::Decl*, Symbol*> symbolOf; // declaration -> its symbol
  const ast::Decl* project = nullptr;

  std::vector<ReferenceSite> referenceSites;                // filled by `properties`
  llvm::DenseMap<const ast::Expr*, Reference> references;  // filled by `references`
  llvm::DenseMap<const Symbol*, RoleFacts> roles;
  std::vector<Edge> edges;
  std::optional<SignersFacts> signers;  // set when the project names `signers`
  std::optional<ParamsFacts> params;    // set when the project has `params` (pass `params`)
  // Project params each step, model and deploy reads in `run`/`rollback`
  // (keys or groups, first use first; filled by `interpolation`).
  llvm::DenseMap<const ast::Decl*, std::vector<std::string>> paramReads;
  // Steps and models with a valid `foreach` or `matrix` (pass `fan_out`).
  llvm::DenseMap<const Symbol*, FanOut> fanOuts;
  const FanOut* fanOutOf(const Symbol* s) const {
    auto it = fanOuts.find(s);
    return it == fanOuts.end() ? nullptr : &it->second;
  }

  // The symbol a reference site resolved to (null when it did not resolve).
  Symbol* resolved(const ast::Expr* site) const {
    if (!site) return nullptr;
    auto it = references.find(site);
    return it == references.end() ? nullptr : it->second.symbol;
  }
  Symbol* lookup(llvm::StringRef name) const {
    auto it = scope.find(name);
    return it == scope.end() ? nullptr : it->second;
  }
  // The value of property `name` in a declaration's body (first one), or null.
  static const ast::Member* member(const ast::Decl* decl, llvm::StringRef name);
  static const ast::Expr* property(const ast::Decl* decl, llvm::StringRef name);
  static const ast::Expr* property(const ast::Block* block, llvm::StringRef name);
  // Column names of a data declaration's schema; false when it has none.
  static bool columnsOf(const ast::Decl* data, std::vector<llvm::StringRef>& out);
  // Reports E0201 when `data` declares a schema without `column`.
  void checkColumn(const ast::Decl* data, llvm::StringRef column, llvm::SMRange at);
  // The owner role of a declaration: its `owner`, or for tests, gates and
  // monitors without one, their target's owner.
  Symbol* ownerOf(const Symbol* symbol) const;
  // The declaration a test/gate/monitor/deploy refers to by its header or `model`.
  Symbol* targetOf(const Symbol* symbol) const;
  // The spec's own gates (not the stdlib's) that list `approvals`, in
  // declaration order.
  std::vector<const Symbol*> gatesTakingApprovals() const;
  // Notes on E0510/W0607 (approvals without signers): where those gates are.
  static void noteGatesTakingApprovals(diag::DiagBuilder& d, const std::vector<const Symbol*>& gates);

 private:
  ast::ASTContext& ast_;
  llvm::SourceMgr& sources_;
  diag::DiagnosticEngine& diags_;
};

}  // namespace mlops::sema
