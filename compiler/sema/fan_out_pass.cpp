// Pass `fan_out`: reads each step's and model's `foreach` or `matrix` into
// Program::fanOuts (sema/fan_out.h) and checks how the items are used.
//   E0311  the fan-out itself: both `foreach` and `matrix`, no items, a value
//          that is not a string, number or true/false, two items with one
//          name, a name with a character outside [A-Za-z0-9_.-] or longer
//          than 64, more than 1,000 items.
//   E0409  an output whose path reads no item: every item would write it.
//   E0303  a gate or deploy of a fanned-out model: a gate decides, and a
//          deploy ships, one model.
//   W0711  a `run` that reads no item, no output and no item-dependent param:
//          every item would run the same command.
// Runs after `references` (gates and deploys name their model) and before
// `interpolation`, which checks `${item…}` against these items.
#include "sema/pass.h"
#include "sema/value_description.h"

#include <llvm/ADT/StringMap.h>

namespace mlops::sema {
namespace {

using namespace ast;

// A matrix's item count is counted up to here: many long value lists would
// overflow, and E0311 only needs to say "too many".
constexpr size_t kCounted = 1000000;

class FanOutPass : public Pass {
 public:
  llvm::StringRef name() const override { return "fan_out"; }

  void run(Program& program) override {
    program_ = &program;
    for (const auto& s : program.symbols) {
      if ((s->module && s->module->stdlib) || !s->decl->body || s->decl->hasSyntaxError) continue;
      if (s->kind != SymbolKind::Step && s->kind != SymbolKind::Model) continue;
      symbol_ = s.get();
      const Member* foreach = Program::member(s->decl, "foreach");
      const Member* matrix = Program::member(s->decl, "matrix");
      if (!foreach && !matrix) continue;
      if (foreach && matrix) {
        const Member* second = foreach->range.Start.getPointer() < matrix->range.Start.getPointer() ? matrix : foreach;
        report(second->name.range, second->name.text, "a declaration fans out with `foreach` or with `matrix`, not both")
            .note((second == matrix ? foreach : matrix)->name.range, "the other one is here");
        continue;
      }
      FanOut fanOut;
      fanOut.member = foreach ? foreach : matrix;
      bool ok = foreach ? readForeach(foreach, fanOut) : readMatrix(matrix, fanOut);
      if (ok && checkNames(fanOut)) program.fanOuts.try_emplace(s.get(), std::move(fanOut));
    }
    for (const auto& s : program.symbols)
      if (const FanOut* fanOut = program.fanOutOf(s.get())) {
        symbol_ = s.get();
        checkOutputs(*fanOut);
        checkRun(*fanOut);
      }
    for (const auto& s : program.symbols) {
      if (s->module && s->module->stdlib) continue;
      if (auto* gate = llvm::dyn_cast<GateDecl>(s->decl)) checkSingleModel(gate->model, "gate", "for", *s);
      if (s->kind == SymbolKind::Deploy) checkSingleModel(Program::property(s->decl, "model"), "deploy", "model", *s);
    }
  }

 private:
  diag::DiagBuilder report(llvm::SMRange at, llvm::StringRef keyword, const std::string& why) {
    return program_->diags().report(at, diag::kinds::InvalidFanOut, keyword, kindName(symbol_->kind),
                                    symbol_->name, why);
  }

  // A scalar value: a string, a number (negative too) or true/false.
  bool scalar(const Expr* e, llvm::StringRef keyword, FanOutValue& out) {
    out.expr = e;
    if (auto* s = llvm::dyn_cast_or_null<StringExpr>(e)) {
      if (s->value.contains("${")) return false;  // E0304 from `interpolation`
      out.text = s->value.str();
      for (size_t at = out.text.find("$${"); at != std::string::npos; at = out.text.find("$${", at + 2))
        out.text.erase(at, 1);  // `$${` is a literal `${`
      return true;
    }
    const Expr* number = e;
    if (auto* neg = llvm::dyn_cast_or_null<UnaryExpr>(e); neg && neg->op == UnaryOp::Negate) number = neg->operand;
    if (llvm::isa_and_nonnull<NumberExpr>(number) || llvm::isa_and_nonnull<BoolExpr>(e)) {
      const char* b = e->range.Start.getPointer();
      const char* end = e->range.End.getPointer();
      out.text = b && end > b ? std::string(b, end) : std::string();
      return !out.text.empty();
    }
    if (e)
      report(e->range, keyword, "expected a string, a number or true/false, found " + describeValue(e))
          .note("each value becomes part of an item's name and is substituted into `run`, `outputs` and `params`");
    return false;
  }

  bool readForeach(const Member* m, FanOut& out) {
    if (auto* p = llvm::dyn_cast<PropertyMember>(m)) {
      auto* list = llvm::dyn_cast_or_null<ListExpr>(p->value);
      if (!list) {
        report(m->range, "foreach", "expected a list `[\"us\", \"eu\"]` or a map `{ us { … } eu { … } }`, found " +
                                        describeValue(p->value));
        return false;
      }
      out.kind = FanOut::Kind::List;
      if (list->items.empty()) return empty(m, "`foreach` lists no items");
      if (list->items.size() > kMaxFanOutItems) return tooMany(m, list->items.size());
      bool ok = true;
      for (const Expr* item : list->items) {
        FanOutValue v;
        if (!scalar(item, "foreach", v)) {
          ok = false;
          continue;
        }
        out.items.push_back({v.text, {v}, item->range});
      }
      return ok;
    }
    auto* block = llvm::dyn_cast<NestedBlockMember>(m);
    if (!block) return false;
    out.kind = FanOut::Kind::Map;
    if (block->body->members.empty()) return empty(m, "the map names no items");
    if (block->body->members.size() > kMaxFanOutItems) return tooMany(m, block->body->members.size());
    bool ok = true;
    for (const Member* item : block->body->members) {
      auto* values = llvm::dyn_cast<NestedBlockMember>(item);
      if (!values) {
        report(item->range, "foreach", "a map item is a block of named values, found `" + item->name.text.str() + "`")
            .note("write `" + item->name.text.str() + " { region = \"us-east1\" }`, or a list `foreach = [...]` "
                  "for single values");
        ok = false;
        continue;
      }
      FanOutItem fanned{item->name.text.str(), {}, item->name.range};
      llvm::StringMap<const Member*> seen;
      for (const Member* value : values->body->members) {
        auto* p = llvm::dyn_cast<PropertyMember>(value);
        if (!p) {
          report(value->range, "foreach", "a value of item `" + fanned.name + "` is `NAME = VALUE`, found a block");
          ok = false;
          continue;
        }
        if (!firstTime(seen, value)) {
          ok = false;
          continue;
        }
        FanOutValue v;
        v.key = value->name.text.str();
        if (!scalar(p->value, "foreach", v)) {
          ok = false;
          continue;
        }
        fanned.values.push_back(std::move(v));
      }
      out.items.push_back(std::move(fanned));
    }
    return ok;
  }

  // E0305 for a value name set twice in one item or matrix.
  bool firstTime(llvm::StringMap<const Member*>& seen, const Member* m) {
    auto [it, fresh] = seen.try_emplace(m->name.text, m);
    if (!fresh)
      program_->diags().report(m->name.range, diag::kinds::DuplicateProperty, m->name.text)
          .note(it->second->name.range, "first set here");
    return fresh;
  }

  bool readMatrix(const Member* m, FanOut& out) {
    out.kind = FanOut::Kind::Matrix;
    auto* block = llvm::dyn_cast<NestedBlockMember>(m);
    if (!block) {
      report(m->range, "matrix", "expected a block of named value lists, `matrix { lr = [0.1, 0.01] }`");
      return false;
    }
    if (block->body->members.empty()) return empty(m, "the matrix names no values");
    struct Dimension {
      std::string key;
      std::vector<FanOutValue> values;
    };
    std::vector<Dimension> dims;
    llvm::StringMap<const Member*> seen;
    bool ok = true;
    for (const Member* dim : block->body->members) {
      auto* p = llvm::dyn_cast<PropertyMember>(dim);
      auto* list = p ? llvm::dyn_cast_or_null<ListExpr>(p->value) : nullptr;
      if (!list) {
        report(dim->range, "matrix", "`" + dim->name.text.str() + "` must be a list of values: `" +
                                         dim->name.text.str() + " = [0.1, 0.01]`");
        ok = false;
        continue;
      }
      if (!firstTime(seen, dim)) {
        ok = false;
        continue;
      }
      if (list->items.empty()) {
        report(dim->range, "matrix", "`" + dim->name.text.str() + "` lists no values");
        ok = false;
        continue;
      }
      Dimension d{dim->name.text.str(), {}};
      llvm::StringMap<const Expr*> values;
      for (const Expr* item : list->items) {
        FanOutValue v;
        v.key = d.key;
        if (!scalar(item, "matrix", v)) {
          ok = false;
          continue;
        }
        if (auto [it, fresh] = values.try_emplace(v.text, item); !fresh) {
          report(item->range, "matrix", "value `" + v.text + "` appears twice in `" + d.key + "`")
              .note(it->second->range, "first listed here");
          ok = false;
          continue;
        }
        d.values.push_back(std::move(v));
      }
      dims.push_back(std::move(d));
    }
    if (!ok) return false;
    size_t count = 1;
    for (const Dimension& d : dims) count = count > kCounted / d.values.size() ? kCounted + 1 : count * d.values.size();
    if (count > kMaxFanOutItems) return tooMany(m, count);
    // The cartesian product, the last value list varying fastest.
    std::vector<size_t> at(dims.size(), 0);
    for (size_t n = 0; n < count; ++n) {
      FanOutItem item;
      item.range = m->name.range;
      for (size_t k = 0; k < dims.size(); ++k) {
        const FanOutValue& v = dims[k].values[at[k]];
        item.name += (k ? "-" : "") + v.text;
        item.values.push_back(v);
      }
      out.items.push_back(std::move(item));
      for (size_t k = dims.size(); k-- > 0;) {
        if (++at[k] < dims[k].values.size()) break;
        at[k] = 0;
      }
    }
    return true;
  }

  bool empty(const Member* m, const std::string& why) {
    report(m->range, m->name.text, why).note("remove it for a single node, or list the items");
    return false;
  }

  bool tooMany(const Member* m, size_t count) {
    report(m->name.range, m->name.text,
           "it makes " + (count > kCounted ? "over " + std::to_string(kCounted) : std::to_string(count)) +
               " items, more than the limit of " + std::to_string(kMaxFanOutItems))
        .note("each item is a node and a CI job: sweep a large space with a tuning tool inside one step");
    return false;
  }

  // Item names: unique, of safe characters, not too long.
  bool checkNames(const FanOut& fanOut) {
    llvm::StringMap<const FanOutItem*> seen;
    llvm::StringRef keyword = fanOut.keyword();
    bool ok = true;
    for (const FanOutItem& item : fanOut.items) {
      auto bad = llvm::find_if(item.name, [](char c) { return !itemNameCharacter(c); });
      if (item.name.empty() || bad != item.name.end()) {
        std::string what = item.name.empty() ? "it is empty" : "it holds " + describeCharacter(*bad);
        auto d = report(item.range, keyword, "item name `" + item.name + "` cannot name a node: " + what);
        d.note("item names use letters, digits, `_`, `.` and `-`: they become part of node ids, file names, CI job "
               "names and shell words");
        if (fanOut.kind != FanOut::Kind::Map)
          d.note("name the items yourself with a map: `foreach { NAME { value = … } }`");
        ok = false;
        continue;
      }
      if (item.name.size() > kMaxItemNameLength) {
        report(item.range, keyword,
               "item name `" + item.name.substr(0, 20) + "…` is " + std::to_string(item.name.size()) +
                   " characters long, more than " + std::to_string(kMaxItemNameLength))
            .note("name the items yourself with a map: `foreach { NAME { value = … } }`");
        ok = false;
        continue;
      }
      if (auto [it, fresh] = seen.try_emplace(item.name, &item); !fresh) {
        auto d = report(item.range, keyword, "two items are named `" + item.name + "`");
        if (it->second->range.Start != item.range.Start) d.note(it->second->range, "the first one is here");
        if (fanOut.kind == FanOut::Kind::Matrix)
          d.note("a matrix item is named by its values joined with `-`: choose values that stay distinct");
        ok = false;
      }
    }
    return ok;
  }

  static std::string describeCharacter(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f) return "`" + std::string(1, c) + "`";
    if (c == ' ') return "a space";
    static const char* hex = "0123456789ABCDEF";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
  }

  // E0409: each output's path reads the item.
  void checkOutputs(const FanOut& fanOut) {
    auto* outputs = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(symbol_->decl, "outputs"));
    if (!outputs) return;
    for (const Member* m : outputs->body->members) {
      auto* p = llvm::dyn_cast<PropertyMember>(m);
      auto* s = p ? llvm::dyn_cast_or_null<StringExpr>(p->value) : nullptr;
      if (!s || usesItem(s->value)) continue;
      std::string item = fanOut.kind == FanOut::Kind::List  ? "${item}"
                         : fanOut.kind == FanOut::Kind::Map ? "${key}"
                                                            : "${item." + fanOut.items.front().values.front().key + "}";
      llvm::StringRef path = s->value;
      size_t slash = path.rfind('/');
      std::string suggestion = slash == llvm::StringRef::npos
                                   ? item + "/" + path.str()
                                   : path.substr(0, slash + 1).str() + item + path.substr(slash).str();
      program_->diags()
          .report(s->range, diag::kinds::OutputIgnoresItem, m->name.text, kindName(symbol_->kind), symbol_->name,
                  s->value)
          .note("put the item in the path, e.g. `" + suggestion + "`");
    }
  }

  // W0711: the command differs between items.
  void checkRun(const FanOut& fanOut) {
    auto* run = llvm::dyn_cast_or_null<StringExpr>(Program::property(symbol_->decl, "run"));
    if (!run || usesItem(run->value) || run->value.contains("${outputs.")) return;
    if (auto* params = llvm::dyn_cast_or_null<NestedBlockMember>(Program::member(symbol_->decl, "params")))
      for (const Member* m : params->body->members)
        if (auto* p = llvm::dyn_cast<PropertyMember>(m))
          if (auto* s = llvm::dyn_cast_or_null<StringExpr>(p->value);
              s && usesItem(s->value) && run->value.contains("${params." + m->name.text.str() + "}"))
            return;
    program_->diags()
        .report(run->range, diag::kinds::RunIgnoresItem, kindName(symbol_->kind), symbol_->name)
        .note(fanOut.member->name.range, "it fans out into " + std::to_string(fanOut.items.size()) + " items here")
        .note("pass the item to the command, e.g. `" +
              std::string(fanOut.kind == FanOut::Kind::List ? "--item ${item}"
                          : fanOut.kind == FanOut::Kind::Map ? "--name ${key}"
                                                             : "--" + fanOut.items.front().values.front().key +
                                                                   " ${item." + fanOut.items.front().values.front().key +
                                                                   "}") +
              "`");
  }

  // E0303: a gate and a deploy act on one model.
  void checkSingleModel(const Expr* site, llvm::StringRef what, llvm::StringRef property, const Symbol& from) {
    const Symbol* model = program_->resolved(site);
    const FanOut* fanOut = model ? program_->fanOutOf(model) : nullptr;
    if (!fanOut) return;
    program_->diags()
        .report(site->range, diag::kinds::InvalidValue, property,
                "model `" + model->name.str() + "` fans out into " + std::to_string(fanOut->items.size()) +
                    " items with `" + fanOut->keyword().str() + "`, and " + what.str() + " `" + from.name.str() +
                    "` " + (what == "gate" ? "decides on" : "ships") + " one model")
        .note(fanOut->member->name.range, "the fan-out is here")
        .note("declare the model to promote without `foreach`/`matrix`, with the values the sweep chose; its "
              "tests may read the sweep's outputs");
  }

  Program* program_ = nullptr;
  const Symbol* symbol_ = nullptr;
};

}  // namespace

std::unique_ptr<Pass> createFanOutPass() { return std::make_unique<FanOutPass>(); }

}  // namespace mlops::sema
