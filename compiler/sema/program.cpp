#include "sema/program.h"

#include "diag/suggest.h"

#include <llvm/ADT/STLExtras.h>

namespace mlops::sema {

bool symbolKindOf(ast::DeclKind kind, SymbolKind& out) {
  switch (kind) {
    case ast::DeclKind::Project: out = SymbolKind::Project; return true;
    case ast::DeclKind::Role: out = SymbolKind::Role; return true;
    case ast::DeclKind::Kpi: out = SymbolKind::Kpi; return true;
    case ast::DeclKind::Data: out = SymbolKind::Data; return true;
    case ast::DeclKind::Step: out = SymbolKind::Step; return true;
    case ast::DeclKind::Model: out = SymbolKind::Model; return true;
    case ast::DeclKind::Test: out = SymbolKind::Test; return true;
    case ast::DeclKind::Gate: out = SymbolKind::Gate; return true;
    case ast::DeclKind::Deploy: out = SymbolKind::Deploy; return true;
    case ast::DeclKind::Monitor: out = SymbolKind::Monitor; return true;
    case ast::DeclKind::Pipeline: out = SymbolKind::Pipeline; return true;
    case ast::DeclKind::Check: out = SymbolKind::Check; return true;
    case ast::DeclKind::Use: case ast::DeclKind::Import: return false;
  }
  return false;
}

llvm::StringRef kindName(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::Project: return "project";
    case SymbolKind::Role: return "role";
    case SymbolKind::Kpi: return "kpi";
    case SymbolKind::Data: return "data";
    case SymbolKind::Step: return "step";
    case SymbolKind::Model: return "model";
    case SymbolKind::Test: return "test";
    case SymbolKind::Gate: return "gate";
    case SymbolKind::Deploy: return "deploy";
    case SymbolKind::Monitor: return "monitor";
    case SymbolKind::Pipeline: return "pipeline";
    case SymbolKind::Check: return "check";
  }
  return "?";
}

uint8_t permissionFromName(llvm::StringRef name) {
  if (name == "own_data") return OwnData;
  if (name == "own_model") return OwnModel;
  if (name == "own_deploy") return OwnDeploy;
  if (name == "define_kpi") return DefineKpi;
  if (name == "approve") return Approve;
  if (name == "audit") return Audit;
  if (name == "set_quota") return SetQuota;
  return 0;
}

llvm::StringRef permissionName(Permission p) {
  switch (p) {
    case OwnData: return "own_data";
    case OwnModel: return "own_model";
    case OwnDeploy: return "own_deploy";
    case DefineKpi: return "define_kpi";
    case Approve: return "approve";
    case Audit: return "audit";
    case SetQuota: return "set_quota";
  }
  return "?";
}

std::vector<llvm::StringRef> allPermissionNames() {
  return {"own_data", "own_model", "own_deploy", "define_kpi", "approve", "audit", "set_quota"};
}

const ast::Member* Program::member(const ast::Decl* decl, llvm::StringRef name) {
  if (!decl || !decl->body) return nullptr;
  for (const ast::Member* m : decl->body->members)
    if (m->name.text == name) return m;
  return nullptr;
}

const ast::Expr* Program::property(const ast::Block* block, llvm::StringRef name) {
  if (!block) return nullptr;
  for (const ast::Member* m : block->members)
    if (m->name.text == name)
      if (auto* p = llvm::dyn_cast<ast::PropertyMember>(m)) return p->value;
  return nullptr;
}

const ast::Expr* Program::property(const ast::Decl* decl, llvm::StringRef name) {
  if (auto* p = llvm::dyn_cast_or_null<ast::PropertyMember>(member(decl, name))) return p->value;
  return nullptr;
}

bool Program::columnsOf(const ast::Decl* data, std::vector<llvm::StringRef>& out) {
  auto* schema = llvm::dyn_cast_or_null<ast::NestedBlockMember>(member(data, "schema"));
  if (!schema) return false;
  for (const ast::Member* m : schema->body->members)
    if (llvm::isa<ast::ColumnMember>(m)) out.push_back(m->name.text);
  return true;
}

void Program::checkColumn(const ast::Decl* data, llvm::StringRef column, llvm::SMRange at) {
  std::vector<llvm::StringRef> columns;
  if (!columnsOf(data, columns) || llvm::is_contained(columns, column)) return;
  auto d = diags_.report(at, diag::kinds::UndefinedColumn, data->name.text, column);
  if (auto s = diag::closestMatch(diags_, column, columns)) d.note("did you mean `" + *s + "`?");
  d.note(member(data, "schema")->range, "the schema of `" + data->name.text.str() + "` is declared here");
}

Symbol* Program::targetOf(const Symbol* symbol) const {
  const ast::Expr* site = nullptr;
  if (auto* t = llvm::dyn_cast<ast::TestDecl>(symbol->decl)) site = t->target;
  else if (auto* g = llvm::dyn_cast<ast::GateDecl>(symbol->decl)) site = g->model;
  else if (auto* m = llvm::dyn_cast<ast::MonitorDecl>(symbol->decl)) site = m->target;
  else if (symbol->kind == SymbolKind::Deploy) site = property(symbol->decl, "model");
  return resolved(site);
}

std::vector<const Symbol*> Program::gatesTakingApprovals() const {
  std::vector<const Symbol*> out;
  for (const auto& s : symbols) {
    if (s->kind != SymbolKind::Gate || (s->module && s->module->stdlib)) continue;
    auto* list = llvm::dyn_cast_or_null<ast::ListExpr>(property(s->decl, "approvals"));
    if (list && !list->items.empty()) out.push_back(s.get());
  }
  return out;
}

void Program::noteGatesTakingApprovals(diag::DiagBuilder& d, const std::vector<const Symbol*>& gates) {
  const size_t shown = 3;
  for (size_t i = 0; i < gates.size() && i < shown; ++i)
    d.note(gates[i]->decl->name.range, "gate `" + gates[i]->name.str() + "` takes approvals");
  if (gates.size() > shown) d.note("... and " + std::to_string(gates.size() - shown) + " more gates");
}

Symbol* Program::ownerOf(const Symbol* symbol) const {
  // Bounded walk: test -> model -> owner; monitor -> deploy -> owner.
  for (int depth = 0; symbol && depth < 4; ++depth) {
    if (const ast::Expr* owner = property(symbol->decl, "owner")) return resolved(owner);
    if (symbol->kind != SymbolKind::Test && symbol->kind != SymbolKind::Gate && symbol->kind != SymbolKind::Monitor)
      return nullptr;
    symbol = targetOf(symbol);
  }
  return nullptr;
}

}  // namespace mlops::sema
