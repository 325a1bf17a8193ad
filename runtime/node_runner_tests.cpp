// NodeRunner (runtime/node_runner.h): tests, over the metrics a model
// wrote (and the baseline of its last gate pass) or over CSV data (drift
// against the reference profile of the last gate pass).
#include "runtime/node_runner.h"

#include "ir/metric_path.h"
#include "ir/source_kinds.h"

#include "runtime/data_table.h"
#include "runtime/drift.h"
#include "runtime/runner_support.h"

#include <map>
#include <memory>
#include <set>

namespace mlops::runtime {

using namespace runner_support;
namespace {

// Data functions scan a whole table: within one test each call with the
// same arguments is computed once, and the message's values reuse it.
void memoizeCalls(EvaluationContext& context) {
  if (!context.call) return;
  auto memo = std::make_shared<std::map<std::string, Value>>();
  context.call = [memo, inner = context.call](const std::vector<std::string>& name, const std::vector<Value>& args,
                                               std::string& error) -> std::optional<Value> {
    std::string key;
    for (const std::string& s : name) key += s + ".";
    for (const Value& a : args) key += "," + a.describe();
    if (auto it = memo->find(key); it != memo->end()) return it->second;
    std::optional<Value> v = inner(name, args, error);
    if (v) memo->emplace(key, *v);
    return v;
  };
}

}  // namespace

// ---- tests -------------------------------------------------------------

// A test: its expectation over the metrics its model wrote (and the
// baseline from the model's last gate pass), or over the data it checks
// (a CSV file; drift against the reference profile of the last gate pass).
void NodeRunner::runTest(size_t i, const ir::Node& n) {
  const ir::Node* target = g_.find(n.target);
  bool blocking = n.severity != "warning";
  auto fail = [&](const std::string& why) {
    if (blocking) blockingFailed_ = true;
    immediate(i, !blocking, why, blocking ? "failed" : "warning");
  };
  if (!target) return fail("its target `" + n.target + "` is not in the graph");
  if (n.expect.empty()) return immediate(i, true, "nothing to check", "passed");
  if (o_.dryRun && wouldRun_.count(target->id)) {
    wouldRun_.insert(n.id);
    return immediate(i, true, "after `" + target->id + "` runs", "would run");
  }
  const GatePass* baselinePass = nullptr;
  nlohmann::ordered_json baseline;
  if (ir::readsBaseline(n.expect)) {
    for (auto it = passes_.rbegin(); it != passes_.rend() && !baselinePass; ++it)
      if (it->model == target->id) baselinePass = &*it;
    // Until a gate for the model passes there is no baseline: such a test
    // passes and says so (docs/ir.md 6.2).
    if (!baselinePass) return immediate(i, true, "no baseline yet: no gate for the model has passed", "passed");
    baseline = nlohmann::ordered_json::parse(baselinePass->metrics, nullptr, false);
  }

  EvaluationContext context;
  nlohmann::ordered_json metrics;
  std::string source;
  std::optional<DataTable> table;
  bool noReference = false;
  if (target->kind == ir::NodeKind::Model) {
    for (const auto& [name, path] : target->outputs)
      if (name == target->metricsOutput) source = path;
    if (source.empty()) return fail("model `" + target->name + "` declares no `metrics` output");
    std::string error;
    std::optional<std::string> text = readFile(join(g_.root, source), error);
    if (!text) return fail("cannot read the metrics: " + error);
    metrics = nlohmann::ordered_json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!metrics.is_object()) return fail("the metrics `" + source + "` are not a JSON object");
  } else if (target->kind == ir::NodeKind::Data) {
    std::string error;
    if (!fetchedInCiJob(target->id, error)) return fail(error);
    source = dataPath(*target);
    std::string fileName = ir::sourceFileName(target->source);
    bool csv = target->format == "csv" || (target->format.empty() && fileName.size() > 4 &&
                                           fileName.compare(fileName.size() - 4, 4, ".csv") == 0);
    if (source.empty())
      return fail("data `" + target->name + "` is a " + target->source.kind +
                  " source, which this runtime cannot read: data tests check CSV files (file, http, git)");
    if (!csv) return fail("data `" + target->name + "` is not a CSV file: this runtime checks CSV data only");
    table = DataTable::readProjectCsv(g_.root, source, error);
    if (!table) return fail(error);
    context = dataContext(*target, *table, source);
    auto plain = context.call;
    context.call = [&, plain](const std::vector<std::string>& name, const std::vector<Value>& args,
                              std::string& e) -> std::optional<Value> {
      if (name.size() != 2 || name[0] != "drift" || name[1] != "psi") return plain(name, args, e);
      const std::string* column = args.size() == 1 ? std::get_if<std::string>(&args[0].v) : nullptr;
      if (!column) {
        e = "`drift.psi()` takes a column name";
        return std::nullopt;
      }
      std::optional<size_t> index = table->column(*column, e);
      if (!index) return std::nullopt;
      std::optional<std::string> profile = referenceProfile(target->id, *column);
      if (!profile) {
        noReference = true;
        return Value{0.0};
      }
      std::optional<double> psi = populationStabilityIndex(*profile, *table, *index, e);
      if (!psi) return std::nullopt;
      return Value{*psi};
    };
    memoizeCalls(context);
  } else {
    return fail("a test on " + std::string(ir::nodeKindName(target->kind)) + " `" + target->name +
                "` cannot be evaluated: tests check models and data");
  }
  auto parameters = checkParameters(n);
  context.path = [&](const std::vector<std::string>& path, std::string& error) -> std::optional<Value> {
    if (path.size() >= 2 && (path[0] == "metrics" || path[0] == "baseline")) {
      // Nested keys walk nested objects: `metrics.roc_auc.test`.
      const nlohmann::ordered_json& from = path[0] == "metrics" ? metrics : baseline;
      std::string where = path[0] == "metrics" ? "`" + source + "`"
                                               : "the baseline (gate pass of " + baselinePass->at + ")";
      std::string written = ir::keyPathText(path);
      if (from.is_object()) {
        const nlohmann::ordered_json* v = ir::valueAtKeys(from, llvm::ArrayRef<std::string>(path).drop_front(1));
        if (v && v->is_number()) return Value{v->get<double>()};
        error = "`" + written + "` is " + (v ? "not a number in " : "missing from ") + where;
      } else {
        error = "`" + written + "` cannot be read: " + where + " holds no metrics";
      }
      return std::nullopt;
    }
    return parameters(path, error);
  };
  std::string error;
  std::optional<bool> result = evaluateCondition(n.expect.tree, context, error);
  if (noReference && (result || !error.empty()))
    return immediate(i, true, "no reference profile yet: no gate has passed", "passed");
  if (!result) return fail(error);
  if (*result) return immediate(i, true, n.expect.source + describeValues(n, context), "passed");
  fail("expected " + n.expect.source + describeValues(n, context));
}

// ", with psi = 0.31" — the values a failed expectation read, for the message.
std::string NodeRunner::describeValues(const ir::Node& n, const EvaluationContext& context) {
  std::vector<std::string> parts;
  std::function<void(const nlohmann::ordered_json&)> walk = [&](const nlohmann::ordered_json& t) {
    if (!t.is_object()) return;
    if (auto p = t.find("path"); p != t.end() && p->is_array() && !p->empty()) {
      std::vector<std::string> segments = p->get<std::vector<std::string>>();
      std::string e, name = ir::keyPathText(segments);
      if (segments[0] == "value") return;
      if (std::optional<Value> v = context.path(segments, e)) parts.push_back(name + " = " + v->describe());
      return;
    }
    if (auto c = t.find("call"); c != t.end() && context.call) {
      std::string e;
      if (std::optional<Value> v = evaluate(t, context, e)) {
        std::string name;
        for (const auto& s : *c) name += (name.empty() ? "" : ".") + s.get<std::string>();
        std::string args;
        for (const auto& a : t.value("args", nlohmann::ordered_json::array())) {
          std::string ignored;
          std::optional<Value> av = evaluate(a, context, ignored);
          args += (args.empty() ? "" : ", ") + (av ? av->describe() : std::string("…"));
        }
        parts.push_back(name + "(" + args + ") = " + v->describe());
      }
      return;
    }
    if (auto a = t.find("args"); a != t.end())
      for (const auto& x : *a) walk(x);
  };
  walk(n.expect.tree);
  std::string out;
  std::set<std::string> seen;
  for (const std::string& p : parts)
    if (seen.insert(p).second) out += (out.empty() ? ", with " : ", ") + p;
  return out;
}

}  // namespace mlops::runtime
