// The .mlops AST. Nodes are allocated in an ASTContext arena, never freed
// one by one, and hold only trivially destructible data: text is a StringRef
// into the source buffer or the arena, child lists are ArrayRefs into the
// arena. Every node has a begin/end source range; declarations carry their
// `///` doc comment.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Casting.h>
#include <llvm/Support/SMLoc.h>

#include <cstdint>

namespace mlops::ast {

struct Name {
  llvm::StringRef text;
  llvm::SMRange range;
};

// ------------------------------------------------------------------ expressions and values

enum class ExprKind : uint8_t {
  String,      // "text", """raw"""
  Number,      // 42, 0.75, 1e-3
  Unit,        // 30s, 8Gi, 10%
  Bool,        // true, false
  Path,        // a, a.b.c, baseline.auc
  List,        // [a, b]
  Call,        // f(x, name = y)
  Quorum,      // 2 of validators
  ValueBlock,  // canary { ... }
  Unary,       // -x, not x
  Binary,      // a + b, a and b, a < b, a in [..]
  Member,      // (expr).name where expr is not a plain path
  Index,       // metrics["roc-auc"]
};

class Expr {
 public:
  ExprKind kind() const { return kind_; }
  llvm::SMRange range;
  // Height of the expression tree below and including this node; the parser
  // bounds it so later recursive passes cannot overflow the stack.
  uint16_t depth = 1;
  bool parenthesized = false;  // written inside ( ); the range covers the parentheses

 protected:
  explicit Expr(ExprKind kind) : kind_(kind) {}

 private:
  ExprKind kind_;
};

class StringExpr : public Expr {
 public:
  StringExpr() : Expr(ExprKind::String) {}
  llvm::StringRef value;  // escapes decoded; `${...}` kept as written
  bool raw = false;       // """..."""
  static bool classof(const Expr* e) { return e->kind() == ExprKind::String; }
};

class NumberExpr : public Expr {
 public:
  NumberExpr() : Expr(ExprKind::Number) {}
  double value = 0;
  bool isInteger = false;  // written without `.` or exponent
  llvm::StringRef spelling;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Number; }
};

enum class UnitKind : uint8_t { Duration, Size, Percent };

class UnitExpr : public Expr {
 public:
  UnitExpr() : Expr(ExprKind::Unit) {}
  UnitKind unitKind = UnitKind::Duration;
  double number = 0;     // as written: 30 for 30s
  llvm::StringRef unit;  // "s", "Gi", "%"
  // Canonical value: seconds for durations, bytes for sizes, fraction for percent.
  double canonical = 0;
  llvm::StringRef spelling;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Unit; }
};

class BoolExpr : public Expr {
 public:
  BoolExpr() : Expr(ExprKind::Bool) {}
  bool value = false;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Bool; }
};

class PathExpr : public Expr {
 public:
  PathExpr() : Expr(ExprKind::Path) {}
  llvm::ArrayRef<Name> segments;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Path; }
};

class ListExpr : public Expr {
 public:
  ListExpr() : Expr(ExprKind::List) {}
  llvm::ArrayRef<Expr*> items;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::List; }
};

struct Argument {
  Name name;  // empty text for a positional argument
  Expr* value;
};

class CallExpr : public Expr {
 public:
  CallExpr() : Expr(ExprKind::Call) {}
  Expr* callee = nullptr;  // usually a PathExpr
  llvm::ArrayRef<Argument> args;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Call; }
};

class QuorumExpr : public Expr {
 public:
  QuorumExpr() : Expr(ExprKind::Quorum) {}
  NumberExpr* count = nullptr;
  PathExpr* role = nullptr;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Quorum; }
};

class Block;

class ValueBlockExpr : public Expr {
 public:
  ValueBlockExpr() : Expr(ExprKind::ValueBlock) {}
  PathExpr* head = nullptr;  // canary
  Block* body = nullptr;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::ValueBlock; }
};

enum class UnaryOp : uint8_t { Negate, Not };
enum class BinaryOp : uint8_t { Or, And, Eq, Ne, Lt, Le, Gt, Ge, In, Add, Sub, Mul, Div };
llvm::StringRef spelling(UnaryOp op);
llvm::StringRef spelling(BinaryOp op);
bool isComparison(BinaryOp op);

class UnaryExpr : public Expr {
 public:
  UnaryExpr() : Expr(ExprKind::Unary) {}
  UnaryOp op = UnaryOp::Negate;
  Expr* operand = nullptr;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Unary; }
};

class BinaryExpr : public Expr {
 public:
  BinaryExpr() : Expr(ExprKind::Binary) {}
  BinaryOp op = BinaryOp::Add;
  llvm::SMRange opRange;
  Expr* lhs = nullptr;
  Expr* rhs = nullptr;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Binary; }
};

class MemberExpr : public Expr {
 public:
  MemberExpr() : Expr(ExprKind::Member) {}
  Expr* base = nullptr;
  Name member;
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Member; }
};

// base[key]: a name that is not an identifier (`metrics["roc-auc"]`). Sema
// accepts only a string literal as the key.
class IndexExpr : public Expr {
 public:
  IndexExpr() : Expr(ExprKind::Index) {}
  Expr* base = nullptr;
  Expr* key = nullptr;
  llvm::SMRange bracketRange;  // from `[` to `]`
  static bool classof(const Expr* e) { return e->kind() == ExprKind::Index; }
};

// The keys of a name written with `.name` and `["key"]` parts:
// `metrics["roc-auc"].test` gives {metrics, roc-auc, test}. False when a part
// is something else (a call, a parenthesised expression, an index that is not
// a string literal: then *badKey points at that index's key).
bool keyPath(const Expr* e, llvm::SmallVectorImpl<llvm::StringRef>& keys, const Expr** badKey = nullptr);

// ------------------------------------------------------------------ block members

enum class MemberKind : uint8_t {
  Property,     // name = value
  NestedBlock,  // name { ... }
  Expect,       // expect expr [every value]
  Column,       // name : type [where expr]
  Comparison,   // name >= expr (kpi target)
};

class Member {
 public:
  MemberKind kind() const { return kind_; }
  llvm::SMRange range;
  Name name;  // "expect" for an Expect member

 protected:
  explicit Member(MemberKind kind) : kind_(kind) {}

 private:
  MemberKind kind_;
};

class Block {
 public:
  llvm::SMRange range;  // from `{` to `}`
  llvm::ArrayRef<Member*> members;
};

class PropertyMember : public Member {
 public:
  PropertyMember() : Member(MemberKind::Property) {}
  Expr* value = nullptr;
  static bool classof(const Member* m) { return m->kind() == MemberKind::Property; }
};

class NestedBlockMember : public Member {
 public:
  NestedBlockMember() : Member(MemberKind::NestedBlock) {}
  Block* body = nullptr;
  static bool classof(const Member* m) { return m->kind() == MemberKind::NestedBlock; }
};

class ExpectMember : public Member {
 public:
  ExpectMember() : Member(MemberKind::Expect) {}
  Expr* condition = nullptr;
  Expr* every = nullptr;  // monitors: expect ... every 1h
  static bool classof(const Member* m) { return m->kind() == MemberKind::Expect; }
};

struct TypeRef {
  Name name;          // string, int, float, list
  TypeRef* element;   // list(string): element type, else null
  llvm::SMRange range;
};

class ColumnMember : public Member {
 public:
  ColumnMember() : Member(MemberKind::Column) {}
  TypeRef* type = nullptr;
  Expr* defaultValue = nullptr;  // = value: a typed parameter's default (only inside `params`)
  Expr* constraint = nullptr;    // where ...
  static bool classof(const Member* m) { return m->kind() == MemberKind::Column; }
};

class ComparisonMember : public Member {
 public:
  ComparisonMember() : Member(MemberKind::Comparison) {}
  BinaryOp op = BinaryOp::Ge;
  llvm::SMRange opRange;
  Expr* value = nullptr;
  static bool classof(const Member* m) { return m->kind() == MemberKind::Comparison; }
};

// ------------------------------------------------------------------ declarations

enum class DeclKind : uint8_t {
  Project, Use, Import, Role, Kpi, Data, Step, Model, Test, Gate, Deploy, Monitor, Pipeline, Check,
};
llvm::StringRef keyword(DeclKind kind);

struct CheckParam {
  Name name;
  TypeRef* type;
  Expr* defaultValue;  // may be null
  llvm::SMRange range;
};

class Decl {
 public:
  DeclKind kind() const { return kind_; }
  llvm::SMRange range;         // from the keyword (not the doc comment) to the end
  llvm::SMRange keywordRange;
  Name name;                   // empty for use/import
  llvm::StringRef doc;         // joined `///` lines, markers and one space stripped
  llvm::SMRange docRange;
  Block* body = nullptr;       // may be null (use, import, test without block)
  // The declaration had a syntax error: it was rebuilt from a recovered
  // parse, so semantic checks stay quiet about it instead of cascading.
  bool hasSyntaxError = false;

 protected:
  explicit Decl(DeclKind kind) : kind_(kind) {}

 private:
  DeclKind kind_;
};

// project, kpi, data, step, model, deploy, pipeline: a name and a block.
class SimpleDecl : public Decl {
 public:
  explicit SimpleDecl(DeclKind kind) : Decl(kind) {}
  static bool classof(const Decl* d) {
    switch (d->kind()) {
      case DeclKind::Project: case DeclKind::Kpi: case DeclKind::Data: case DeclKind::Step:
      case DeclKind::Model: case DeclKind::Deploy: case DeclKind::Pipeline: return true;
      default: return false;
    }
  }
};

class UseDecl : public Decl {
 public:
  UseDecl() : Decl(DeclKind::Use) {}
  llvm::ArrayRef<Name> module;  // std, roles
  static bool classof(const Decl* d) { return d->kind() == DeclKind::Use; }
};

class ImportDecl : public Decl {
 public:
  ImportDecl() : Decl(DeclKind::Import) {}
  StringExpr* path = nullptr;
  static bool classof(const Decl* d) { return d->kind() == DeclKind::Import; }
};

class RoleDecl : public Decl {
 public:
  RoleDecl() : Decl(DeclKind::Role) {}
  PathExpr* base = nullptr;  // role x : base
  static bool classof(const Decl* d) { return d->kind() == DeclKind::Role; }
};

class TestDecl : public Decl {
 public:
  TestDecl() : Decl(DeclKind::Test) {}
  PathExpr* target = nullptr;  // on ...
  PathExpr* uses = nullptr;    // uses check
  static bool classof(const Decl* d) { return d->kind() == DeclKind::Test; }
};

class GateDecl : public Decl {
 public:
  GateDecl() : Decl(DeclKind::Gate) {}
  PathExpr* model = nullptr;  // for ...
  static bool classof(const Decl* d) { return d->kind() == DeclKind::Gate; }
};

class MonitorDecl : public Decl {
 public:
  MonitorDecl() : Decl(DeclKind::Monitor) {}
  PathExpr* target = nullptr;  // on ...
  static bool classof(const Decl* d) { return d->kind() == DeclKind::Monitor; }
};

class CheckDecl : public Decl {
 public:
  CheckDecl() : Decl(DeclKind::Check) {}
  llvm::ArrayRef<CheckParam> params;
  Name appliesTo;  // on data | on model
  static bool classof(const Decl* d) { return d->kind() == DeclKind::Check; }
};

class SourceFile {
 public:
  llvm::StringRef path;
  unsigned bufferId = 0;
  llvm::ArrayRef<Decl*> decls;
};

}  // namespace mlops::ast
