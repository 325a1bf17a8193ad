// Pass `graph`: builds the dependency graph (edges run from what a node
// needs to the node; a step's or model's `after` entries are order-only
// edges, walked like the others) and checks it: a cycle is E0401 with every edge of the
// cycle as a note (bounded), a gate requiring a test that is neither on its
// model nor on data upstream of it E0402, a deploy whose `after` gate is for
// another model E0403. Linear in nodes and edges.
#include "sema/pass.h"

#include <llvm/ADT/DenseSet.h>

#include <optional>
#include <string_view>

namespace mlops::sema {
namespace {

using namespace ast;

constexpr size_t kMaxCycleNotes = 20;

class GraphPass : public Pass {
 public:
  llvm::StringRef name() const override { return "graph"; }

  void run(Program& program) override {
    program_ = &program;
    buildEdges();
    findCycles();
    checkGates();
    checkDeploys();
  }

 private:

  void edge(Symbol* from, Symbol* to, llvm::SMRange site, const char* why) {
    if (!from || !to) return;
    program_->edges.push_back({from, to, site, why});
    if (std::string_view(why) == "input") inputsOf_[to].push_back(from);
  }

  void buildEdges() {
    for (const auto& s : program_->symbols) {
      Symbol* node = s.get();
      if (node->module && node->module->stdlib) continue;
      const Decl* d = node->decl;
      switch (node->kind) {
        case SymbolKind::Step: case SymbolKind::Model:
          if (auto* inputs = llvm::dyn_cast_or_null<ListExpr>(Program::property(d, "inputs")))
            for (const Expr* item : inputs->items) edge(program_->resolved(item), node, item->range, "input");
          // Order-only: the node waits for these but does not read them.
          if (auto* after = llvm::dyn_cast_or_null<ListExpr>(Program::property(d, "after")))
            for (const Expr* item : after->items) edge(program_->resolved(item), node, item->range, "after");
          break;
        case SymbolKind::Test:
          if (auto* t = llvm::dyn_cast<TestDecl>(d); t && t->target)
            edge(program_->resolved(t->target), node, t->target->range, "test target");
          break;
        case SymbolKind::Gate: {
          auto* g = llvm::cast<GateDecl>(d);
          if (g->model) edge(program_->resolved(g->model), node, g->model->range, "gated model");
          if (auto* req = llvm::dyn_cast_or_null<ListExpr>(Program::property(d, "require")))
            for (const Expr* item : req->items) edge(program_->resolved(item), node, item->range, "required test");
          break;
        }
        case SymbolKind::Deploy: {
          const Expr* model = Program::property(d, "model");
          const Expr* after = Program::property(d, "after");
          if (model) edge(program_->resolved(model), node, model->range, "deployed model");
          if (after) edge(program_->resolved(after), node, after->range, "gate");
          break;
        }
        case SymbolKind::Monitor:
          if (auto* m = llvm::dyn_cast<MonitorDecl>(d); m && m->target)
            edge(program_->resolved(m->target), node, m->target->range, "monitored deploy");
          break;
        default: break;
      }
    }
  }

  // Iterative DFS; every back edge closes a cycle, reported once.
  void findCycles() {
    llvm::DenseMap<const Symbol*, std::vector<size_t>> out;  // node -> edge indices
    for (size_t i = 0; i < program_->edges.size(); ++i) out[program_->edges[i].from].push_back(i);
    enum State : uint8_t { White, Grey, Black };
    llvm::DenseMap<const Symbol*, State> state;
    for (const auto& s : program_->symbols) {
      if (state.lookup(s.get()) != White) continue;
      struct Frame { const Symbol* node; size_t next; size_t viaEdge; };
      std::vector<Frame> stack{{s.get(), 0, SIZE_MAX}};
      state[s.get()] = Grey;
      while (!stack.empty()) {
        Frame& top = stack.back();
        auto found = out.find(top.node);
        static const std::vector<size_t> none;
        const auto& edges = found == out.end() ? none : found->second;
        if (top.next >= edges.size()) {
          state[top.node] = Black;
          stack.pop_back();
          continue;
        }
        size_t e = edges[top.next++];
        const Symbol* to = program_->edges[e].to;
        State st = state.lookup(to);
        if (st == Grey) {
          reportCycle(stack, to, e);
        } else if (st == White) {
          state[to] = Grey;
          stack.push_back({to, 0, e});
        }
      }
    }
  }

  template <class Frames>
  void reportCycle(const Frames& stack, const Symbol* start, size_t closing) {
    size_t first = 0;
    while (first < stack.size() && stack[first].node != start) ++first;
    std::vector<size_t> cycle;
    for (size_t i = first + 1; i < stack.size(); ++i) cycle.push_back(stack[i].viaEdge);
    cycle.push_back(closing);
    std::string text;
    size_t shown = std::min(cycle.size(), kMaxCycleNotes);
    for (size_t i = 0; i < shown; ++i) text += "`" + program_->edges[cycle[i]].from->name.str() + "` -> ";
    if (cycle.size() > shown) text += "... -> ";
    text += "`" + start->name.str() + "`";
    if (cycle.size() > shown) text += " (" + std::to_string(cycle.size()) + " edges)";
    const Edge& last = program_->edges[closing];
    auto d = program_->diags().report(last.site, diag::kinds::DependencyCycle, text);
    for (size_t i = 0; i < shown; ++i) {
      const Edge& e = program_->edges[cycle[i]];
      d.note(e.site, kindName(e.to->kind).str() + " `" + e.to->name.str() + "` depends on " +
                         kindName(e.from->kind).str() + " `" + e.from->name.str() + "` here (" + e.why + ")");
    }
    if (cycle.size() > shown) d.note("... and " + std::to_string(cycle.size() - shown) + " more edges");
  }

  // Data, steps and models upstream of `model` (through input edges).
  llvm::DenseSet<const Symbol*> upstream(const Symbol* model) {
    llvm::DenseSet<const Symbol*> seen;
    std::vector<const Symbol*> work{model};
    while (!work.empty()) {
      const Symbol* n = work.back();
      work.pop_back();
      auto it = inputsOf_.find(n);
      if (it == inputsOf_.end()) continue;
      for (const Symbol* from : it->second)
        if (seen.insert(from).second) work.push_back(from);
    }
    return seen;
  }

  void checkGates() {
    for (const auto& s : program_->symbols) {
      auto* gate = llvm::dyn_cast<GateDecl>(s->decl);
      if (!gate || (s->module && s->module->stdlib)) continue;
      Symbol* model = program_->resolved(gate->model);
      auto* req = llvm::dyn_cast_or_null<ListExpr>(Program::property(gate, "require"));
      if (!model || !req) continue;
      std::optional<llvm::DenseSet<const Symbol*>> above;
      for (const Expr* item : req->items) {
        Symbol* test = program_->resolved(item);
        if (!test || test->kind != SymbolKind::Test) continue;
        Symbol* target = program_->targetOf(test);
        if (!target || target == model) continue;
        if (!above) above = upstream(model);
        if (target->kind == SymbolKind::Data && above->count(target)) continue;
        program_->diags().report(item->range, diag::kinds::GateRequiresForeignTest, s->name, test->name, model->name)
            .note(llvm::cast<TestDecl>(test->decl)->target->range,
                  "`" + test->name.str() + "` tests " + kindName(target->kind).str() + " `" + target->name.str() + "`");
      }
    }
  }

  void checkDeploys() {
    for (const auto& s : program_->symbols) {
      if (s->kind != SymbolKind::Deploy || (s->module && s->module->stdlib)) continue;
      const Expr* modelSite = Program::property(s->decl, "model");
      const Expr* afterSite = Program::property(s->decl, "after");
      Symbol* model = program_->resolved(modelSite);
      Symbol* gate = program_->resolved(afterSite);
      if (!model || !gate || gate->kind != SymbolKind::Gate) continue;
      Symbol* gated = program_->targetOf(gate);
      if (!gated || gated == model) continue;
      program_->diags().report(afterSite->range, diag::kinds::DeployGateMismatch, s->name, gate->name, gated->name,
                               model->name)
          .note(llvm::cast<GateDecl>(gate->decl)->model->range, "gate `" + gate->name.str() + "` is for `" +
                                                                    gated->name.str() + "`");
    }
  }

  Program* program_ = nullptr;
  llvm::DenseMap<const Symbol*, std::vector<const Symbol*>> inputsOf_;
};

}  // namespace

std::unique_ptr<Pass> createGraphPass() { return std::make_unique<GraphPass>(); }

}  // namespace mlops::sema
