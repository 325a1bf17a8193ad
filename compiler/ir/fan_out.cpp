#include "ir/fan_out.h"

#include "ir/ir_builder.h"

#include <llvm/Support/Casting.h>

namespace mlops::ir {
namespace {

using json = nlohmann::ordered_json;
using sema::FanOut;
using sema::FanOutItem;
using sema::ItemText;

// A value as pipeline.json holds it: a string, a number or a bool.
json valueOf(const sema::FanOutValue& v) {
  const ast::Expr* e = v.expr;
  if (auto* b = llvm::dyn_cast_or_null<ast::BoolExpr>(e)) return b->value;
  if (auto* n = llvm::dyn_cast_or_null<ast::NumberExpr>(e)) return number(n->value);
  if (auto* neg = llvm::dyn_cast_or_null<ast::UnaryExpr>(e))
    if (auto* n = llvm::dyn_cast_or_null<ast::NumberExpr>(neg->operand)) return number(-n->value);
  return v.text;
}

// The values an item interpolates, by the name `${…}` reads them.
json valuesOf(const FanOut& fanOut, const FanOutItem& item) {
  json out = json::object();
  if (fanOut.kind == FanOut::Kind::List) {
    out["item"] = valueOf(item.values.front());
    return out;
  }
  if (fanOut.kind == FanOut::Kind::Map) out["key"] = item.name;
  for (const sema::FanOutValue& v : item.values) out["item." + v.key] = valueOf(v);
  return out;
}

struct Fanned {
  const sema::Symbol* symbol = nullptr;  // null for a test fanning out with its target
  const FanOut* fanOut = nullptr;
  std::string follows;                   // a test's target id
};

class Expander {
 public:
  Expander(const sema::Program& program, PipelineGraph& g) : p_(program), g_(g) {}

  FanOutExpansion run() {
    for (const auto& s : p_.symbols)
      if (const FanOut* f = p_.fanOutOf(s.get())) fanned_[sema::kindName(s->kind).str() + ":" + s->name.str()] = {s.get(), f, ""};
    if (fanned_.empty()) return {};
    for (const Node& n : g_.nodes)
      if (n.kind == NodeKind::Test)
        if (auto it = fanned_.find(n.target); it != fanned_.end() && it->second.symbol) {
          const FanOut* target = it->second.fanOut;  // before the insertion rehashes
          fanned_[n.id] = {nullptr, target, n.target};
        }
    FanOutExpansion out;
    for (const auto& [id, f] : fanned_) {
      std::string base = id;
      for (const FanOutItem& item : f.fanOut->items) out.items[id].push_back(base + "@" + item.name);
    }
    std::vector<Node> nodes;
    for (Node& n : g_.nodes) {
      auto it = fanned_.find(n.id);
      if (it == fanned_.end()) {
        nodes.push_back(std::move(n));
        continue;
      }
      for (const FanOutItem& item : it->second.fanOut->items) nodes.push_back(itemNode(n, it->second, item));
    }
    for (Node& n : nodes) n.inputs = expandInputs(n.inputs, out);
    g_.nodes = std::move(nodes);
    std::vector<Edge> edges;
    for (const Edge& e : g_.edges) {
      std::vector<std::string> from = out.ids(e.from), to = out.ids(e.to);
      auto follower = fanned_.find(e.to);
      if (follower != fanned_.end() && follower->second.follows == e.from) {
        for (size_t i = 0; i < from.size() && i < to.size(); ++i) edges.push_back({from[i], to[i], e.kind});
        continue;
      }
      for (const std::string& f : from)
        for (const std::string& t : to) edges.push_back({f, t, e.kind});
    }
    g_.edges = std::move(edges);
    return out;
  }

 private:
  Node itemNode(const Node& decl, const Fanned& f, const FanOutItem& item) {
    Node n = decl;
    n.id = decl.id + "@" + item.name;
    n.name = decl.name + "@" + item.name;
    n.fanOut = FanOutOrigin{decl.name, item.name, valuesOf(*f.fanOut, item)};
    if (!f.symbol) {  // a test: it reads its own item of the target
      n.target = f.follows + "@" + item.name;
      return n;
    }
    const ast::Decl* d = f.symbol->decl;
    if (auto* run = llvm::dyn_cast_or_null<ast::StringExpr>(sema::Program::property(d, "run")))
      n.run = sema::substituteItem(run->value, *f.fanOut, item, ItemText::Command);
    if (auto* outputs = llvm::dyn_cast_or_null<ast::NestedBlockMember>(sema::Program::member(d, "outputs"))) {
      n.outputs.clear();
      for (const ast::Member* m : outputs->body->members)
        if (auto* p = llvm::dyn_cast<ast::PropertyMember>(m)) {
          auto* s = llvm::dyn_cast_or_null<ast::StringExpr>(p->value);
          n.outputs.emplace_back(m->name.text.str(),
                                 s ? sema::substituteItem(s->value, *f.fanOut, item, ItemText::Value) : "");
        }
    }
    if (auto* params = llvm::dyn_cast_or_null<ast::NestedBlockMember>(sema::Program::member(d, "params")))
      for (const ast::Member* m : params->body->members) {
        auto* p = llvm::dyn_cast<ast::PropertyMember>(m);
        auto* s = p ? llvm::dyn_cast_or_null<ast::StringExpr>(p->value) : nullptr;
        if (!s || !sema::usesItem(s->value)) continue;
        for (Param& param : n.params)
          if (param.name == m->name.text) param.value = itemParam(s->value, *f.fanOut, item);
      }
    return n;
  }

  // A param written as exactly one `${item…}` takes the item's value as it
  // is (a number stays a number); any other text is a string.
  static json itemParam(llvm::StringRef written, const FanOut& fanOut, const FanOutItem& item) {
    llvm::StringRef body = written;
    if (body.consume_front("${") && body.consume_back("}") && !body.contains('}'))
      if (const sema::FanOutValue* v = sema::itemValueOf(fanOut, item, body))
        return {{"text", v->text}, {"value", lowerExpression(v->expr).tree}};
    std::string text = sema::substituteItem(written, fanOut, item, ItemText::Value);
    return {{"text", text}, {"value", {{"string", text}}}};
  }

  static std::vector<Input> expandInputs(const std::vector<Input>& inputs, const FanOutExpansion& out) {
    std::vector<Input> expanded;
    for (const Input& in : inputs)
      for (const std::string& id : out.ids(in.node)) expanded.push_back({id, in.output, in.as});
    return expanded;
  }

  const sema::Program& p_;
  PipelineGraph& g_;
  std::unordered_map<std::string, Fanned> fanned_;
};

}  // namespace

std::vector<std::string> FanOutExpansion::ids(const std::string& id) const {
  auto it = items.find(id);
  return it == items.end() ? std::vector<std::string>{id} : it->second;
}

FanOutExpansion expandFanOuts(const sema::Program& program, PipelineGraph& graph) {
  return Expander(program, graph).run();
}

}  // namespace mlops::ir
