#include "runtime/condition.h"

#include "ir/metric_path.h"
#include "ir/project_params.h"
#include "runtime/expression.h"
#include "runtime/interpolation.h"

#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlops::runtime {
namespace {

// A metrics file is a small JSON document; a larger one is not read whole.
constexpr uint64_t kMaxMetricsBytes = 16u << 20;

std::optional<nlohmann::ordered_json> readMetrics(const std::string& root, const std::string& path, std::string& error) {
  std::string full = projectPath(root, path);
  auto buffer = llvm::MemoryBuffer::getFile(full, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read `" + path + "`: " + buffer.getError().message();
    return std::nullopt;
  }
  if ((*buffer)->getBufferSize() > kMaxMetricsBytes) {
    error = "`" + path + "` is larger than 16 MiB: not a metrics file";
    return std::nullopt;
  }
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse((*buffer)->getBuffer(), nullptr, false);
  if (!doc.is_object()) {
    error = "`" + path + "` is not a JSON object";
    return std::nullopt;
  }
  return doc;
}

// A param's JSON value as an expression value: numbers, booleans, strings
// and lists of them (what a param may hold).
std::optional<Value> paramAsValue(const nlohmann::ordered_json& v) {
  if (v.is_number()) return Value{v.get<double>()};
  if (v.is_boolean()) return Value{v.get<bool>()};
  if (v.is_string()) return Value{v.get<std::string>()};
  if (v.is_array()) {
    std::vector<Value> items;
    for (const auto& item : v) {
      std::optional<Value> x = paramAsValue(item);
      if (!x) return std::nullopt;
      items.push_back(std::move(*x));
    }
    return Value{std::move(items)};
  }
  return std::nullopt;
}

}  // namespace

std::string conditionPathText(const std::vector<std::string>& segments) {
  std::vector<std::string> shown = segments;
  if (!shown.empty())
    if (size_t colon = shown[0].find(':'); colon != std::string::npos) shown[0] = shown[0].substr(colon + 1);
  return ir::keyPathText(shown);
}

std::optional<ConditionResult> evaluateWhen(const ir::PipelineGraph& g, const ir::Node& n, const std::string& root,
                                            const TestStatusLookup& testStatus, std::string& error) {
  std::map<std::string, nlohmann::ordered_json> metrics;  // by model id, read once
  std::vector<std::pair<std::string, std::string>> read;  // path text, value
  EvaluationContext context;
  context.path = [&](const std::vector<std::string>& p, std::string& e) -> std::optional<Value> {
    std::string written = conditionPathText(p);
    if (p.size() >= 2 && p[0] == "params") {  // a project param, with the run's -P
      std::string key;
      for (size_t i = 1; i < p.size(); ++i) key += (i > 1 ? "." : "") + p[i];
      std::optional<nlohmann::ordered_json> v = ir::paramValue(g, key);
      std::optional<Value> out = v ? paramAsValue(*v) : std::nullopt;
      if (!out) {
        e = "`" + written + "` has no value" + (v ? " a condition can read" : "");
        return std::nullopt;
      }
      read.emplace_back(written, out->describe());
      return out;
    }
    const ir::Node* node = p.empty() ? nullptr : g.find(p[0]);
    if (!node || std::find(n.whenReads.begin(), n.whenReads.end(), node->id) == n.whenReads.end()) {
      e = "`" + written + "` names no node this condition reads";
      return std::nullopt;
    }
    if (node->kind == ir::NodeKind::Model && p.size() >= 3 && p[1] == "metrics") {
      auto it = metrics.find(node->id);
      std::string path;
      for (const auto& [name, out] : node->outputs)
        if (name == node->metricsOutput) path = out;
      if (path.empty()) {
        e = "model `" + node->name + "` declares no metrics output";
        return std::nullopt;
      }
      if (it == metrics.end()) {
        std::optional<nlohmann::ordered_json> doc = readMetrics(root, path, e);
        if (!doc) return std::nullopt;
        it = metrics.emplace(node->id, std::move(*doc)).first;
      }
      const nlohmann::ordered_json* v = ir::valueAtKeys(it->second, llvm::ArrayRef<std::string>(p).drop_front(2));
      if (!v || !v->is_number()) {
        e = "`" + written + "` is " + (v ? "not a number in" : "missing from") + " `" + path + "`";
        return std::nullopt;
      }
      Value out{v->get<double>()};
      read.emplace_back(written, out.describe());
      return out;
    }
    if (node->kind == ir::NodeKind::Test && p.size() == 2 && p[1] == "passed") {
      std::optional<std::string> status = testStatus(node->id);
      if (!status) {
        e = "test `" + node->name + "` has no result in this run";
        return std::nullopt;
      }
      Value out{*status == "passed"};
      read.emplace_back(written, out.describe());
      return out;
    }
    e = "`" + written + "` cannot be read in a condition";
    return std::nullopt;
  };
  std::optional<bool> holds = evaluateCondition(n.when.tree, context, error);
  if (!holds) return std::nullopt;
  ConditionResult result{*holds, ""};
  std::set<std::string> seen;
  for (const auto& [path, value] : read)
    if (seen.insert(path).second) result.values += (result.values.empty() ? ", with " : ", ") + path + " = " + value;
  return result;
}

}  // namespace mlops::runtime
