// Parsing into the AST: shapes, ranges, doc comments, and error recovery.
#include "driver/compilation.h"

#include <catch2/catch.hpp>

using namespace mlops;
using llvm::cast;
using llvm::dyn_cast;

namespace {

struct Parsed {
  driver::Compilation compilation;
  ast::SourceFile* file = nullptr;

  explicit Parsed(llvm::StringRef text) { file = compilation.parseText("test.mlops", text); }

  std::vector<std::string> codes() {
    std::vector<std::string> out;
    for (const auto& d : compilation.diags().sorted()) out.push_back(diag::codeInfo(d.code).name);
    return out;
  }
  std::vector<std::string> messages() {
    std::vector<std::string> out;
    for (const auto& d : compilation.diags().sorted()) out.push_back(d.message);
    return out;
  }
  unsigned line(llvm::SMLoc loc) { return compilation.sources().getLineAndColumn(loc).first; }
  unsigned column(llvm::SMLoc loc) { return compilation.sources().getLineAndColumn(loc).second; }
  const ast::Member* member(size_t decl, size_t index) { return file->decls[decl]->body->members[index]; }
};

}  // namespace

TEST_CASE("a declaration with properties becomes a decl with members", "[parser]") {
  Parsed p("model scorer {\n  owner = modelers\n  outputs { model = \"m.json\" }\n}\n");
  REQUIRE(p.codes().empty());
  REQUIRE(p.file->decls.size() == 1);
  const ast::Decl* d = p.file->decls[0];
  CHECK(d->kind() == ast::DeclKind::Model);
  CHECK(d->name.text == "scorer");
  CHECK(p.line(d->range.Start) == 1);
  CHECK(p.line(d->range.End) == 4);
  REQUIRE(d->body->members.size() == 2);
  auto* owner = dyn_cast<ast::PropertyMember>(d->body->members[0]);
  REQUIRE(owner);
  CHECK(owner->name.text == "owner");
  auto* path = dyn_cast<ast::PathExpr>(owner->value);
  REQUIRE(path);
  CHECK(path->segments[0].text == "modelers");
  auto* outputs = dyn_cast<ast::NestedBlockMember>(d->body->members[1]);
  REQUIRE(outputs);
  CHECK(cast<ast::StringExpr>(cast<ast::PropertyMember>(outputs->body->members[0])->value)->value == "m.json");
}

TEST_CASE("declaration headers: role base, test on/uses, gate for, monitor on, check params", "[parser]") {
  Parsed p(R"(role v : model_risk_manager { members = ["a@x"] }
test t on applications uses psi { column = "income" }
test s on applications uses schema
gate g for scorer { require = [t] approvals = [2 of v, owner] }
monitor m on dep { expect live.error_rate < 2% every 1h }
check c(column: string, threshold: float = 0.2) on data { expect drift.psi(column) < threshold }
)");
  REQUIRE(p.codes().empty());
  REQUIRE(p.file->decls.size() == 6);
  CHECK(cast<ast::RoleDecl>(p.file->decls[0])->base->segments[0].text == "model_risk_manager");
  auto* t = cast<ast::TestDecl>(p.file->decls[1]);
  CHECK(t->target->segments[0].text == "applications");
  CHECK(t->uses->segments[0].text == "psi");
  CHECK(cast<ast::TestDecl>(p.file->decls[2])->body == nullptr);
  auto* g = cast<ast::GateDecl>(p.file->decls[3]);
  CHECK(g->model->segments[0].text == "scorer");
  auto* approvals = cast<ast::ListExpr>(cast<ast::PropertyMember>(g->body->members[1])->value);
  auto* quorum = cast<ast::QuorumExpr>(approvals->items[0]);
  CHECK(quorum->count->value == 2);
  CHECK(quorum->role->segments[0].text == "v");
  auto* m = cast<ast::MonitorDecl>(p.file->decls[4]);
  auto* expect = cast<ast::ExpectMember>(m->body->members[0]);
  CHECK(cast<ast::UnitExpr>(expect->every)->canonical == 3600);
  auto* c = cast<ast::CheckDecl>(p.file->decls[5]);
  REQUIRE(c->params.size() == 2);
  CHECK(c->params[0].type->name.text == "string");
  CHECK(c->params[1].defaultValue != nullptr);
  CHECK(c->appliesTo.text == "data");
}

TEST_CASE("expression precedence: or < and < not < comparison < + < * < unary", "[parser]") {
  Parsed p("test t on m { expect not a or b and c + 2 * -d >= 1 }");
  REQUIRE(p.codes().empty());
  auto* e = cast<ast::ExpectMember>(p.member(0, 0))->condition;
  auto* orExpr = cast<ast::BinaryExpr>(e);
  CHECK(orExpr->op == ast::BinaryOp::Or);
  CHECK(cast<ast::UnaryExpr>(orExpr->lhs)->op == ast::UnaryOp::Not);
  auto* andExpr = cast<ast::BinaryExpr>(orExpr->rhs);
  CHECK(andExpr->op == ast::BinaryOp::And);
  auto* ge = cast<ast::BinaryExpr>(andExpr->rhs);
  CHECK(ge->op == ast::BinaryOp::Ge);
  auto* plus = cast<ast::BinaryExpr>(ge->lhs);
  CHECK(plus->op == ast::BinaryOp::Add);
  auto* times = cast<ast::BinaryExpr>(plus->rhs);
  CHECK(times->op == ast::BinaryOp::Mul);
  CHECK(cast<ast::UnaryExpr>(times->rhs)->op == ast::UnaryOp::Negate);
}

TEST_CASE("units are converted to canonical values", "[parser]") {
  Parsed p("data d { a = 500ms b = 2h c = 512Ki d = 1GB e = 10% f = -0.5 g = 1e-3 }");
  REQUIRE(p.codes().empty());
  auto value = [&](size_t i) { return cast<ast::PropertyMember>(p.member(0, i))->value; };
  CHECK(cast<ast::UnitExpr>(value(0))->canonical == Approx(0.5));
  CHECK(cast<ast::UnitExpr>(value(1))->canonical == 7200);
  CHECK(cast<ast::UnitExpr>(value(2))->canonical == 512 * 1024);
  CHECK(cast<ast::UnitExpr>(value(3))->canonical == 1e9);
  CHECK(cast<ast::UnitExpr>(value(4))->canonical == Approx(0.10));
  CHECK(cast<ast::NumberExpr>(value(5))->value == -0.5);
  CHECK(cast<ast::NumberExpr>(value(6))->value == Approx(0.001));
  CHECK_FALSE(cast<ast::NumberExpr>(value(6))->isInteger);
}

TEST_CASE("string escapes are decoded; raw strings are kept verbatim", "[parser]") {
  Parsed p(R"(step s { a = "q\"\\\n\t\u{1F600}" b = """x \n ${y}""" })");
  REQUIRE(p.codes().empty());
  CHECK(cast<ast::StringExpr>(cast<ast::PropertyMember>(p.member(0, 0))->value)->value ==
        "q\"\\\n\t\xF0\x9F\x98\x80");
  auto* raw = cast<ast::StringExpr>(cast<ast::PropertyMember>(p.member(0, 1))->value);
  CHECK(raw->raw);
  CHECK(raw->value == "x \\n ${y}");
}

TEST_CASE("keywords work as property names and path heads", "[parser]") {
  Parsed p("deploy d { model = scorer target = \"k8s://x\" on = [manual] run = \"x\" m = model.outputs.model }");
  REQUIRE(p.codes().empty());
  CHECK(p.member(0, 0)->name.text == "model");
  CHECK(p.member(0, 1)->name.text == "target");
  CHECK(p.member(0, 2)->name.text == "on");
  CHECK(cast<ast::PathExpr>(cast<ast::PropertyMember>(p.member(0, 4))->value)->segments.size() == 3);
}

TEST_CASE("doc comments attach to the next declaration only", "[parser]") {
  Parsed p("/// first line\n/// second line\nmodel a {}\n\n/// detached\n\nmodel b {}\n// plain\nmodel c {}\n");
  REQUIRE(p.codes().empty());
  REQUIRE(p.file->decls.size() == 3);
  CHECK(p.file->decls[0]->doc == "first line\nsecond line");
  CHECK(p.file->decls[1]->doc.empty());
  CHECK(p.file->decls[2]->doc.empty());
}

TEST_CASE("independent syntax errors are each reported once", "[parser][recovery]") {
  Parsed p("model a {\n  owner \"x\"\n}\nstep b {\n  run = \n}\ndata c {\n  format = [a,\n}\nmodel ok { owner = x }\n");
  CHECK(p.codes() == std::vector<std::string>{"E0101", "E0101", "E0101"});
  auto diags = p.compilation.diags().sorted();
  REQUIRE(diags.size() == 3);
  CHECK(p.line(diags[0].range.Start) == 2);
  CHECK(p.line(diags[1].range.Start) == 6);
  CHECK(p.line(diags[2].range.Start) == 9);
  // Declarations after the errors are still parsed.
  CHECK(p.file->decls.back()->name.text == "ok");
}

TEST_CASE("one missing } is one error, with a note at the open brace", "[parser][recovery]") {
  Parsed p("model a {\n  owner = x\n  outputs { m = \"y\" }\n\nstep b { owner = x }\ndata c { owner = x }\n");
  REQUIRE(p.codes() == std::vector<std::string>{"E0101"});
  const auto d = p.compilation.diags().sorted()[0];
  CHECK(d.message == "expected `}` to close the block, found keyword `step`");
  CHECK(p.line(d.range.Start) == 5);
  REQUIRE(d.notes.size() == 1);
  CHECK(p.line(d.notes[0].range.Start) == 1);
  CHECK(p.column(d.notes[0].range.Start) == 9);
  // Both following declarations survive.
  CHECK(p.file->decls.size() == 3);
}

TEST_CASE("syntax errors are in our words", "[parser][messages]") {
  Parsed p("role r : sme {\n  owner \"x\"\n}\n");
  REQUIRE(p.messages().size() == 1);
  CHECK(p.messages()[0] == "expected `=` or `{` after property name `owner`, found string literal");
  for (llvm::StringRef bad : {"extraneous input", "mismatched input", "expecting", "no viable alternative"}) {
    Parsed q("model { x y } ] data d {{ } step s = 3 ]");
    for (const std::string& m : q.messages()) CHECK_FALSE(llvm::StringRef(m).contains(bad));
  }
}

TEST_CASE("nesting deeper than the limit is a diagnostic, not a crash", "[parser][limits]") {
  std::string deep = "data d { x = " + std::string(100000, '[') + " }";
  Parsed p(deep);
  REQUIRE_FALSE(p.codes().empty());
  CHECK(p.codes()[0] == "E0101");
  CHECK(p.messages()[0].find("nesting is too deep") != std::string::npos);
}

TEST_CASE("empty input and comment-only input parse cleanly", "[parser]") {
  Parsed empty("");
  CHECK(empty.codes().empty());
  CHECK(empty.file->decls.empty());
  Parsed comments("// a\n/* b */\n/// c\n");
  CHECK(comments.codes().empty());
  CHECK(comments.file->decls.empty());
}
