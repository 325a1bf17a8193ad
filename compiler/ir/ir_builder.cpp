#include "ir/ir_builder.h"

#include "ir/fan_out.h"

#include "diag/source_location.h"
#include "ir/project_path.h"
#include "ir/params_lowering.h"
#include "sema/member_address.h"
#include "sema/value_description.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/Support/SHA256.h>
#include <llvm/ADT/StringExtras.h>

#include <llvm/Support/Path.h>

#include <algorithm>
#include <functional>
#include <string_view>
#include <tuple>
#include <queue>
#include <unordered_map>
#include <set>

namespace mlops::ir {
namespace {

// `$${` in a string is a literal `${` (language.md, strings).
std::string literalText(llvm::StringRef value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '$' && value.substr(i, 3) == "$${") continue;  // drop the first `$`
    out += value[i];
  }
  return out;
}


using json = nlohmann::ordered_json;
using namespace ast;

std::string sourceText(const Expr* e) {
  if (!e || !e->range.Start.isValid() || !e->range.End.isValid()) return "";
  const char* b = e->range.Start.getPointer();
  const char* en = e->range.End.getPointer();
  return en > b ? std::string(b, en) : std::string();
}

json tree(const Expr* e) {
  if (!e) return nullptr;
  switch (e->kind()) {
    case ExprKind::String: return {{"string", literalText(llvm::cast<StringExpr>(e)->value)}};
    case ExprKind::Number: return {{"number", number(llvm::cast<NumberExpr>(e)->value)}};
    case ExprKind::Unit: {
      auto* u = llvm::cast<UnitExpr>(e);
      switch (u->unitKind) {
        case UnitKind::Percent: return {{"number", number(u->canonical)}};
        case UnitKind::Duration: return {{"duration_seconds", number(u->canonical)}};
        case UnitKind::Size: return {{"size_bytes", number(u->canonical)}};
      }
      return nullptr;
    }
    case ExprKind::Bool: return {{"bool", llvm::cast<BoolExpr>(e)->value}};
    case ExprKind::Path: {
      json segments = json::array();
      for (const Name& n : llvm::cast<PathExpr>(e)->segments) segments.push_back(n.text.str());
      return {{"path", segments}};
    }
    case ExprKind::List: {
      json items = json::array();
      for (const Expr* item : llvm::cast<ListExpr>(e)->items) items.push_back(tree(item));
      return {{"list", items}};
    }
    case ExprKind::Call: {
      auto* c = llvm::cast<CallExpr>(e);
      json args = json::array();
      for (const Argument& a : c->args) args.push_back(tree(a.value));
      json callee = json::array();
      if (auto* p = llvm::dyn_cast<PathExpr>(c->callee))
        for (const Name& n : p->segments) callee.push_back(n.text.str());
      return {{"call", callee}, {"args", args}};
    }
    case ExprKind::Unary: {
      auto* u = llvm::cast<UnaryExpr>(e);
      return {{"op", spelling(u->op).str()}, {"args", json::array({tree(u->operand)})}};
    }
    case ExprKind::Binary: {
      auto* b = llvm::cast<BinaryExpr>(e);
      return {{"op", spelling(b->op).str()}, {"args", json::array({tree(b->lhs), tree(b->rhs)})}};
    }
    case ExprKind::Member: case ExprKind::Index: {
      // `metrics["roc-auc"].test`: one path, each key as written.
      llvm::SmallVector<llvm::StringRef, 4> keys;
      if (keyPath(e, keys)) {
        json segments = json::array();
        for (llvm::StringRef k : keys) segments.push_back(k.str());
        return {{"path", segments}};
      }
      if (auto* m = llvm::dyn_cast<MemberExpr>(e)) return {{"member", m->member.text.str()}, {"of", tree(m->base)}};
      return nullptr;  // sema refused it
    }
    default: return nullptr;
  }
}

// A literal value as a param or check argument: its text and its value.
json literal(const Expr* e) {
  json out = {{"text", sourceText(e)}};
  if (auto* s = llvm::dyn_cast_or_null<StringExpr>(e)) out["text"] = literalText(s->value);
  out["value"] = tree(e);
  return out;
}

// Several `expect`s must all hold: one expression, joined with `and`.
Expression allOf(const std::vector<Expression>& parts) {
  if (parts.empty()) return {};
  if (parts.size() == 1) return parts.front();
  Expression out;
  json args = json::array();
  for (size_t i = 0; i < parts.size(); ++i) {
    out.source += (i ? " and " : "") + ("(" + parts[i].source + ")");
    args.push_back(parts[i].tree);
  }
  // A left-nested chain of binary `and`s, like the parser builds.
  json tree = args[0];
  for (size_t i = 1; i < args.size(); ++i) tree = {{"op", "and"}, {"args", json::array({tree, args[i]})}};
  out.tree = tree;
  return out;
}

class Builder {
 public:
  explicit Builder(const sema::Program& program) : p_(program) {}

  PipelineGraph build() {
    PipelineGraph g;
    project(g);
    projectImage_ = g.image;
    sources(g);
    signers(g);
    g.params = lowerProjectParams(p_);
    for (const auto& s : p_.symbols) {
      switch (s->kind) {
        case sema::SymbolKind::Role: g.roles.push_back(role(*s)); break;
        case sema::SymbolKind::Kpi: g.kpis.push_back(kpi(*s)); break;
        default: break;
      }
      if (auto kind = nodeKind(s->kind); kind && !(s->module && s->module->stdlib)) g.nodes.push_back(node(*s, *kind));
    }
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const sema::Edge& e : p_.edges) {
      Edge edge{id(e.from), id(e.to), edgeKind(e.why)};
      // Two outputs of one step read by one model are one dependency.
      if (seen.insert({edge.from, edge.to, edge.kind}).second) g.edges.push_back(edge);
    }
    fanOuts_ = expandFanOuts(p_, g);
    for (const auto& s : p_.symbols)
      if (s->kind == sema::SymbolKind::Pipeline && !(s->module && s->module->stdlib)) g.pipelines.push_back(pipeline(*s, g));
    return g;
  }

 private:
  static std::optional<NodeKind> nodeKind(sema::SymbolKind k) {
    switch (k) {
      case sema::SymbolKind::Data: return NodeKind::Data;
      case sema::SymbolKind::Step: return NodeKind::Step;
      case sema::SymbolKind::Model: return NodeKind::Model;
      case sema::SymbolKind::Test: return NodeKind::Test;
      case sema::SymbolKind::Gate: return NodeKind::Gate;
      case sema::SymbolKind::Deploy: return NodeKind::Deploy;
      case sema::SymbolKind::Monitor: return NodeKind::Monitor;
      default: return std::nullopt;
    }
  }

  static std::string id(const sema::Symbol* s) {
    return s ? sema::kindName(s->kind).str() + ":" + s->name.str() : std::string();
  }

  static std::string edgeKind(llvm::StringRef why) {
    if (why == "input") return "input";
    if (why == "test target") return "test";
    if (why == "gated model") return "gate-model";
    if (why == "required test") return "requires";
    if (why == "deployed model") return "deploys";
    if (why == "gate") return "after";
    if (why == "after") return "order";  // a step's or model's order-only `after`
    if (why == "monitored deploy") return "monitors";
    if (why == "condition") return "condition";
    return why.str();
  }

  Location location(llvm::SMLoc loc) const {
    diag::ResolvedRange r = diag::resolveRange(p_.sources(), llvm::SMRange(loc, loc));
    return {r.file, r.start.line, r.start.column, {}};
  }
  Location location(const ast::Name& name) const {
    Location l = location(name.range.Start);
    l.range = name.range;
    return l;
  }

  // Every member of a declaration's block at its name (docs in
  // pipeline_graph.h, PropertyPosition), nested blocks and value blocks
  // (`strategy = canary { … }`) as `outer.inner`.
  void positions(const Block* block, const std::string& prefix, PropertyPositions& out, int depth = 0) const {
    if (!block || depth > 4) return;
    for (const Member* m : block->members) {
      if (!m || !m->name.range.Start.isValid()) continue;
      std::string key = prefix + m->name.text.str();
      if (!findProperty(out, key)) {
        Location l = location(m->name.range.Start);
        out.push_back({key, l.line, l.column});
      }
      if (auto* nested = llvm::dyn_cast<NestedBlockMember>(m)) positions(nested->body, key + ".", out, depth + 1);
      else if (auto* prop = llvm::dyn_cast<PropertyMember>(m))
        if (auto* vb = llvm::dyn_cast_or_null<ValueBlockExpr>(prop->value)) positions(vb->body, key + ".", out, depth + 1);
    }
  }
  void header(const PathExpr* e, const char* property, PropertyPositions& out) const {
    if (!e || !e->range.Start.isValid() || findProperty(out, property)) return;
    Location l = location(e->range.Start);
    out.push_back({property, l.line, l.column});
  }
  PropertyPositions positions(const Decl* d) const {
    PropertyPositions out;
    if (!d) return out;
    positions(d->body, "", out);
    if (auto* t = llvm::dyn_cast<TestDecl>(d)) {
      header(t->target, "target", out);
      header(t->uses, "uses", out);
    } else if (auto* g = llvm::dyn_cast<GateDecl>(d)) {
      header(g->model, "model", out);
    } else if (auto* m = llvm::dyn_cast<MonitorDecl>(d)) {
      header(m->target, "deploy", out);
    } else if (auto* r = llvm::dyn_cast<RoleDecl>(d)) {
      header(r->base, "base", out);
    }
    return out;
  }

  std::string word(const Expr* e) const {
    auto* p = llvm::dyn_cast_or_null<PathExpr>(e);
    return p ? sema::dottedPath(p) : std::string();
  }
  // A string's value: `$${` is a literal `${` (commands keep it: see command()).
  std::string str(const Expr* e) const {
    auto* s = llvm::dyn_cast_or_null<StringExpr>(e);
    return s ? literalText(s->value) : std::string();
  }
  // `run` and `rollback`: interpolations and `$${` as written, for the runtime.
  std::string command(const Expr* e) const {
    auto* s = llvm::dyn_cast_or_null<StringExpr>(e);
    return s ? s->value.str() : std::string();
  }
  static std::optional<double> amount(const Expr* e) {
    if (auto* n = llvm::dyn_cast_or_null<NumberExpr>(e)) return n->value;
    if (auto* u = llvm::dyn_cast_or_null<UnitExpr>(e)) return u->canonical;
    if (auto* neg = llvm::dyn_cast_or_null<UnaryExpr>(e); neg && neg->op == UnaryOp::Negate)
      if (std::optional<double> v = amount(neg->operand)) return -*v;
    return std::nullopt;
  }
  // Stdlib declarations by their qualified name (std.roles.sme), so a spec
  // role that shadows one stays distinct.
  static std::string nameOf(const sema::Symbol* s) {
    if (!s) return "";
    if (s->module && s->module->stdlib) return s->module->name + "." + s->name.str();
    return s->name.str();
  }
  std::string resolvedName(const Expr* e) const {
    const sema::Symbol* s = p_.resolved(e);
    return s ? nameOf(s) : word(e);
  }

  void project(PipelineGraph& g) {
    const Decl* d = p_.project;
    if (!d) return;
    g.projectName = d->name.text.str();
    g.version = str(sema::Program::property(d, "version"));
    g.riskTier = word(sema::Program::property(d, "risk_tier"));
    g.image = str(sema::Program::property(d, "image"));
    g.projectDoc = d->doc.str();
    g.projectDescription = str(sema::Program::property(d, "description"));
    g.projectLocation = location(d->name);
    g.projectProperties = positions(d);
    if (const sema::Module* root = p_.root()) {
      llvm::StringRef dir = llvm::sys::path::parent_path(root->name);
      g.root = dir.empty() ? "." : dir.str();
    }
  }

  void sources(PipelineGraph& g) {
    for (const auto& m : p_.modules) {
      if (m->stdlib || !m->file) continue;
      llvm::StringRef text = p_.sources().getMemoryBuffer(m->file->bufferId)->getBuffer();
      llvm::SHA256 sha;
      sha.update(text);
      llvm::StringRef digest = sha.final();  // 32 raw bytes
      g.sources.push_back({m->file->path.str(), llvm::toHex(digest, /*LowerCase=*/true)});
    }
  }

  void signers(PipelineGraph& g) {
    if (!p_.signers || !p_.signers->bufferId) return;
    llvm::StringRef text = p_.sources().getMemoryBuffer(p_.signers->bufferId)->getBuffer();
    llvm::SHA256 sha;
    sha.update(text);
    g.signers = SignersRef{p_.signers->path, llvm::toHex(sha.final(), /*LowerCase=*/true)};
  }

  Role role(const sema::Symbol& s) {
    Role r;
    r.name = nameOf(&s);
    r.title = str(sema::Program::property(s.decl, "title"));
    auto* decl = llvm::cast<RoleDecl>(s.decl);
    r.base = decl->base ? resolvedName(decl->base) : "";
    r.stdlib = s.module && s.module->stdlib;
    r.doc = s.decl->doc.str();
    r.location = location(s.decl->name);
    if (!r.stdlib) r.properties = positions(s.decl);
    auto it = p_.roles.find(&s);
    if (it != p_.roles.end()) {
      const sema::RoleFacts& f = it->second;
      for (uint8_t bit = 1; bit && bit <= sema::SetQuota; bit <<= 1)
        if (f.permissions & bit) r.permissions.push_back(sema::permissionName(static_cast<sema::Permission>(bit)).str());
      // Lowercased: `approve --as` normalises the same way (member_address.h).
      for (const auto& m : f.members) r.members.push_back(sema::normalizedAddress(m.first));
      if (f.hasQuota) {
        if (f.quotaCpu >= 0) r.quotaCpu = f.quotaCpu;
        if (f.quotaMemory >= 0) r.quotaMemoryBytes = f.quotaMemory;
        if (f.quotaGpu >= 0) r.quotaGpu = f.quotaGpu;
      }
    }
    return r;
  }

  Kpi kpi(const sema::Symbol& s) {
    Kpi k;
    k.name = s.name.str();
    k.owner = resolvedName(sema::Program::property(s.decl, "owner"));
    k.description = str(sema::Program::property(s.decl, "description"));
    k.metric = str(sema::Program::property(s.decl, "metric"));
    k.doc = s.decl->doc.str();
    k.location = location(s.decl->name);
    k.properties = positions(s.decl);
    if (auto* c = llvm::dyn_cast_or_null<ComparisonMember>(sema::Program::member(s.decl, "target"))) {
      k.comparison = spelling(c->op).str();
      k.target = amount(c->value).value_or(0);
    }
    return k;
  }

  Source source(const Expr* e) {
    Source out;
    auto* call = llvm::dyn_cast_or_null<CallExpr>(e);
    if (!call) return out;
    out.kind = word(call->callee);
    // The positional argument's name by kind (schema.cpp).
    const char* first = out.kind == "file"       ? "path"
                        : out.kind == "postgres" ? "dsn"
                        : out.kind == "bigquery" ? "table"
                        : out.kind == "s3"       ? "uri"
                                                 : "url";
    for (const Argument& a : call->args) {
      std::string name = a.name.text.str();
      if (name.empty()) name = first;
      out.arguments.emplace_back(name, str(a.value));
    }
    return out;
  }

  std::vector<std::pair<std::string, std::string>> stringBlock(const Decl* d, llvm::StringRef name) {
    std::vector<std::pair<std::string, std::string>> out;
    if (auto* b = llvm::dyn_cast_or_null<NestedBlockMember>(sema::Program::member(d, name)))
      for (const Member* m : b->body->members)
        if (auto* prop = llvm::dyn_cast<PropertyMember>(m)) out.emplace_back(m->name.text.str(), str(prop->value));
    return out;
  }

  // `plot(outputs.roc, x = "fpr", y = "tpr")` or `plot("eval/prc.json", …)`:
  // the file and the output it is (or lies in), as the paths pass checked.
  std::vector<Plot> plots(const Expr* e, const std::vector<std::pair<std::string, std::string>>& outputs) {
    std::vector<Plot> out;
    auto* list = llvm::dyn_cast_or_null<ListExpr>(e);
    if (!list) return out;
    auto normalised = [](const std::string& path) {
      std::string why;
      return normaliseProjectPath(path, why).value_or(path);
    };
    for (const Expr* item : list->items) {
      auto* call = llvm::dyn_cast<CallExpr>(item);
      if (!call || call->args.empty()) continue;
      Plot p;
      const Expr* file = call->args[0].value;
      if (auto* path = llvm::dyn_cast_or_null<PathExpr>(file); path && path->segments.size() == 2) {
        p.output = path->segments[1].text.str();
        for (const auto& [name, value] : outputs)
          if (name == p.output) p.path = normalised(value);
      } else {
        p.path = normalised(str(file));
        size_t best = 0;  // the innermost output holding it
        for (const auto& [name, value] : outputs) {
          std::string o = normalised(value);
          if ((o == p.path || insideProjectPath(p.path, o)) && o.size() >= best) {
            p.output = name;
            best = o.size();
          }
        }
      }
      for (const Argument& a : call->args) {
        if (a.name.text == "x") p.x = str(a.value);
        else if (a.name.text == "y") p.y = str(a.value);
        else if (a.name.text == "title") p.title = str(a.value);
        else if (a.name.text == "template") p.chartTemplate = word(a.value);
      }
      out.push_back(std::move(p));
    }
    return out;
  }

  std::vector<std::string> words(const Expr* e) {
    std::vector<std::string> out;
    if (auto* l = llvm::dyn_cast_or_null<ListExpr>(e))
      for (const Expr* item : l->items) out.push_back(word(item));
    return out;
  }

  std::vector<std::string> resolvedNames(const Expr* e) {
    std::vector<std::string> out;
    if (auto* l = llvm::dyn_cast_or_null<ListExpr>(e))
      for (const Expr* item : l->items) out.push_back(resolvedName(item));
    return out;
  }

  Node node(const sema::Symbol& s, NodeKind kind) {
    const Decl* d = s.decl;
    Node n;
    n.kind = kind;
    n.id = id(&s);
    n.name = s.name.str();
    n.owner = nameOf(p_.ownerOf(&s));
    n.doc = d->doc.str();
    n.location = location(d->name);
    n.properties = positions(d);
    auto prop = [&](llvm::StringRef name) { return sema::Program::property(d, name); };
    n.description = str(prop("description"));
    switch (kind) {
      case NodeKind::Data: {
        n.source = source(prop("source"));
        n.format = word(prop("format"));
        n.freshnessSeconds = amount(prop("freshness"));
        n.pii = words(prop("pii"));
        if (auto* schema = llvm::dyn_cast_or_null<NestedBlockMember>(sema::Program::member(d, "schema")))
          for (const Member* m : schema->body->members)
            if (auto* c = llvm::dyn_cast<ColumnMember>(m))
              n.schema.push_back({m->name.text.str(), typeText(c->type), lowerExpression(c->constraint)});
        break;
      }
      case NodeKind::Step: case NodeKind::Model: case NodeKind::Deploy: {
        if (auto* inputs = llvm::dyn_cast_or_null<ListExpr>(prop("inputs")))
          for (const Expr* item : inputs->items) {
            auto it = p_.references.find(item);
            if (it == p_.references.end() || !it->second.symbol) continue;
            n.inputs.push_back({id(it->second.symbol), it->second.output.str(),
                                sema::dottedPath(llvm::cast<PathExpr>(item))});
          }
        n.run = command(prop("run"));
        n.outputs = stringBlock(d, "outputs");
        if (kind != NodeKind::Deploy) {
          if (auto* after = llvm::dyn_cast_or_null<ListExpr>(prop("after")))
            for (const Expr* item : after->items)
              if (const sema::Symbol* s = p_.resolved(item)) n.orderAfter.push_back(id(s));
          if (auto* effects = llvm::dyn_cast_or_null<ListExpr>(prop("effects")))
            for (const Expr* item : effects->items) n.effects.push_back(str(item));
        }
        if (auto* code = llvm::dyn_cast_or_null<ListExpr>(prop("code")))
          for (const Expr* item : code->items) n.code.push_back(str(item));
        if (auto* params = llvm::dyn_cast_or_null<NestedBlockMember>(sema::Program::member(d, "params")))
          for (const Member* m : params->body->members)
            if (auto* pm = llvm::dyn_cast<PropertyMember>(m)) n.params.push_back({m->name.text.str(), literal(pm->value)});
        n.env = stringBlock(d, "env");
        if (kind != NodeKind::Deploy) n.plots = plots(prop("plots"), n.outputs);
        n.paramReads = paramReadsOf(p_, d);
        n.image = str(prop("image"));
        if (n.image.empty()) n.image = projectImage_;  // the resolved value: the project's image
        n.secrets = words(prop("secrets"));
        auto* res = llvm::dyn_cast_or_null<NestedBlockMember>(sema::Program::member(d, "resources"));
        if (res) n.resources.range = res->range;
        if (res)
          for (const Member* m : res->body->members) {
            auto* pm = llvm::dyn_cast<PropertyMember>(m);
            if (!pm) continue;
            std::optional<double> v = amount(pm->value);
            if (m->name.text == "cpu") n.resources.cpu = v;
            else if (m->name.text == "memory") n.resources.memoryBytes = v;
            else if (m->name.text == "gpu") n.resources.gpu = v;
            else if (m->name.text == "timeout") n.resources.timeoutSeconds = v;
            else if (m->name.text == "retries") n.resources.retries = v;
          }
        if (kind == NodeKind::Model) {
          n.framework = str(prop("framework"));
          n.kpi = resolvedName(prop("kpi"));
          if (auto* metrics = llvm::dyn_cast_or_null<PathExpr>(prop("metrics")); metrics && metrics->segments.size() == 2)
            n.metricsOutput = metrics->segments[1].text.str();
        }
        if (kind == NodeKind::Deploy) {
          n.model = id(p_.resolved(prop("model")));
          n.after = id(p_.resolved(prop("after")));
          n.deployTarget = str(prop("target"));
          n.rollback = command(prop("rollback"));
          strategy(prop("strategy"), n.strategy);
        }
        break;
      }
      case NodeKind::Test: {
        auto* t = llvm::cast<TestDecl>(d);
        n.target = id(p_.resolved(t->target));
        n.severity = word(prop("severity"));
        if (n.severity.empty()) n.severity = "blocking";
        std::vector<Expression> conditions;
        if (const sema::Symbol* check = p_.resolved(t->uses)) bindCheck(*check, d, n, conditions);
        for (const Member* m : d->body ? d->body->members : llvm::ArrayRef<Member*>())
          if (auto* e = llvm::dyn_cast<ExpectMember>(m)) conditions.push_back(lowerExpression(e->condition));
        n.expect = allOf(conditions);
        break;
      }
      case NodeKind::Gate: {
        n.model = id(p_.resolved(llvm::cast<GateDecl>(d)->model));
        if (auto* req = llvm::dyn_cast_or_null<ListExpr>(prop("require")))
          for (const Expr* item : req->items) n.require.push_back(id(p_.resolved(item)));
        if (auto* list = llvm::dyn_cast_or_null<ListExpr>(prop("approvals")))
          for (const Expr* item : list->items) {
            if (auto* q = llvm::dyn_cast<QuorumExpr>(item))
              n.approvals.push_back({resolvedName(q->role), static_cast<unsigned>(q->count->value), item->range});
            else
              n.approvals.push_back({resolvedName(item), 1, item->range});
          }
        n.environment = str(prop("environment"));
        break;
      }
      case NodeKind::Monitor: {
        n.deploy = id(p_.resolved(llvm::cast<MonitorDecl>(d)->target));
        n.source = source(prop("source"));
        std::vector<Expression> conditions;
        for (const Member* m : d->body ? d->body->members : llvm::ArrayRef<Member*>())
          if (auto* e = llvm::dyn_cast<ExpectMember>(m)) {
            conditions.push_back(lowerExpression(e->condition));
            if (std::optional<double> every = amount(e->every))
              if (!n.everySeconds || *every < *n.everySeconds) {
                n.everySeconds = *every;
                n.everyRange = e->every->range;
              }
          }
        n.expect = allOf(conditions);
        n.alert = resolvedNames(prop("alert"));
        break;
      }
    }
    if (takesCondition(kind)) condition(s, prop("when"), n);
    return n;
  }

  // `when`: the expression with each path's first name, a node the condition
  // reads, replaced by its id (the runtime finds the node without scopes).
  void condition(const sema::Symbol& s, const Expr* e, Node& n) {
    if (!e) return;
    n.when = lowerExpression(e);
    std::function<void(json&)> walk = [&](json& t) {
      if (!t.is_object()) return;
      if (auto p = t.find("path"); p != t.end() && p->is_array() && !p->empty() && (*p)[0].is_string())
        if (const sema::Symbol* read = p_.lookup((*p)[0].get<std::string>()))
          if (read->kind == sema::SymbolKind::Model || read->kind == sema::SymbolKind::Test) (*p)[0] = id(read);
      if (auto a = t.find("args"); a != t.end() && a->is_array())
        for (json& x : *a) walk(x);
    };
    walk(n.when.tree);
    for (const sema::Edge& edge : p_.edges)
      if (edge.to == &s && std::string_view(edge.why) == "condition") {
        std::string from = id(edge.from);
        if (std::find(n.whenReads.begin(), n.whenReads.end(), from) == n.whenReads.end()) n.whenReads.push_back(from);
      }
  }

  // A `uses` test: the check's expectation, its arguments with defaults.
  void bindCheck(const sema::Symbol& check, const Decl* test, Node& n, std::vector<Expression>& conditions) {
    auto* c = llvm::cast<CheckDecl>(check.decl);
    n.uses.check = nameOf(&check);
    if (c->body)
      for (const Member* m : c->body->members)
        if (auto* e = llvm::dyn_cast<ExpectMember>(m)) conditions.push_back(lowerExpression(e->condition));
    for (const CheckParam& param : c->params) {
      const Expr* given = sema::Program::property(test, param.name.text);
      const Expr* value = given ? given : param.defaultValue;
      if (value) n.uses.arguments.emplace_back(param.name.text.str(), literal(value));
    }
  }

  void strategy(const Expr* e, Strategy& s) {
    if (!e) return;
    if (auto* p = llvm::dyn_cast<PathExpr>(e)) {
      s.kind = sema::dottedPath(p);
      return;
    }
    auto* vb = llvm::dyn_cast<ValueBlockExpr>(e);
    if (!vb) return;
    s.kind = sema::dottedPath(vb->head);
    const Block* b = vb->body;
    if (auto* steps = llvm::dyn_cast_or_null<ListExpr>(sema::Program::property(b, "steps")))
      for (const Expr* item : steps->items)
        if (auto v = amount(item)) s.steps.push_back(*v);
    s.intervalSeconds = amount(sema::Program::property(b, "interval"));
    s.durationSeconds = amount(sema::Program::property(b, "duration"));
    s.split = amount(sema::Program::property(b, "split"));
    s.metric = str(sema::Program::property(b, "metric"));
  }

  Pipeline pipeline(const sema::Symbol& s, const PipelineGraph& g) {
    Pipeline out;
    out.name = s.name.str();
    out.owner = nameOf(p_.ownerOf(&s));
    out.doc = s.decl->doc.str();
    out.location = location(s.decl->name);
    out.properties = positions(s.decl);
    if (auto* on = llvm::dyn_cast_or_null<ListExpr>(sema::Program::property(s.decl, "on")))
      for (const Expr* item : on->items) {
        if (auto* call = llvm::dyn_cast<CallExpr>(item))
          out.triggers.push_back({word(call->callee), call->args.empty() ? "" : str(call->args[0].value), item->range});
        else
          out.triggers.push_back({word(item), "", item->range});
      }
    if (auto* targets = llvm::dyn_cast_or_null<ListExpr>(sema::Program::property(s.decl, "targets")))
      for (const Expr* item : targets->items)
        for (const std::string& target : fanOuts_.ids(id(p_.resolved(item)))) out.targets.push_back(target);
    // Everything upstream of the targets, in topological order (ties by
    // declaration order, so the order is stable). Works on node indices:
    // linear in nodes and edges apart from the heap.
    const size_t n = g.nodes.size();
    std::unordered_map<std::string, size_t> index;
    for (size_t i = 0; i < n; ++i) index.emplace(g.nodes[i].id, i);
    std::vector<std::vector<size_t>> upstream(n), downstream(n);
    for (const Edge& e : g.edges) {
      auto from = index.find(e.from), to = index.find(e.to);
      if (from == index.end() || to == index.end()) continue;
      upstream[to->second].push_back(from->second);
      downstream[from->second].push_back(to->second);
    }
    std::vector<char> selected(n, 0);
    std::vector<size_t> work;
    for (const std::string& t : out.targets)
      if (auto it = index.find(t); it != index.end() && !selected[it->second]) {
        selected[it->second] = 1;
        work.push_back(it->second);
      }
    while (!work.empty()) {
      size_t node = work.back();
      work.pop_back();
      for (size_t from : upstream[node])
        if (!selected[from]) {
          selected[from] = 1;
          work.push_back(from);
        }
    }
    std::vector<size_t> indegree(n, 0);
    for (size_t i = 0; i < n; ++i)
      if (selected[i])
        for (size_t from : upstream[i])
          if (selected[from]) ++indegree[i];
    std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;  // lowest index first
    for (size_t i = 0; i < n; ++i)
      if (selected[i] && !indegree[i]) ready.push(i);
    while (!ready.empty()) {
      size_t node = ready.top();
      ready.pop();
      out.nodes.push_back(g.nodes[node].id);
      for (size_t to : downstream[node])
        if (selected[to] && --indegree[to] == 0) ready.push(to);
    }
    return out;
  }

  static std::string typeText(const TypeRef* t) {
    if (!t) return "";
    std::string out = t->name.text.str();
    if (t->element) out += "(" + typeText(t->element) + ")";
    return out;
  }

  const sema::Program& p_;
  std::string projectImage_;
  FanOutExpansion fanOuts_;  // each fanned-out declaration's items
};

}  // namespace

Expression lowerExpression(const Expr* e) {
  if (!e) return {};
  return {sourceText(e), tree(e)};
}

PipelineGraph buildPipelineGraph(const sema::Program& program) { return Builder(program).build(); }

}  // namespace mlops::ir
