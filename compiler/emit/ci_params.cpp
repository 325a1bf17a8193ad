#include "emit/ci_params.h"

#include "emit/ci_plan.h"
#include "ir/project_params.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace mlops::emit {
namespace {

using json = nlohmann::ordered_json;

bool readByPipeline(const ir::PipelineGraph& graph, const ir::Pipeline& pipeline, const std::string& key) {
  for (const std::string& id : pipeline.nodes)
    if (const ir::Node* n = graph.find(id))
      for (const std::string& r : n->paramReads)
        if (r == key || (key.size() > r.size() && key.compare(0, r.size(), r) == 0 && key[r.size()] == '.'))
          return true;
  return false;
}

// `where value in [a, b]`: the choices, as text.
std::vector<std::string> choicesOf(const ir::Expression& where) {
  const json& t = where.tree;
  if (where.empty() || !t.is_object() || t.value("op", "") != "in" || !t.contains("args") || t["args"].size() != 2)
    return {};
  const json& lhs = t["args"][0];
  const json& rhs = t["args"][1];
  if (!lhs.contains("path") || lhs["path"] != json::array({"value"}) || !rhs.contains("list")) return {};
  std::vector<std::string> out;
  for (const json& item : rhs["list"]) {
    if (item.contains("string") && item["string"].is_string()) out.push_back(item["string"].get<std::string>());
    else if (item.contains("number")) out.push_back(item["number"].dump());
    else if (item.contains("bool")) out.push_back(item["bool"].dump());
    else return {};
  }
  return out;
}

std::string upperWord(const std::string& key) {
  std::string out;
  for (char c : key) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  return out;
}

}  // namespace

std::vector<CiParam> ciParams(const ir::PipelineGraph& graph, const ir::Pipeline& pipeline) {
  std::vector<CiParam> out;
  IdAllocator inputs(/*caseInsensitive=*/true);
  IdAllocator variables(/*caseInsensitive=*/false);
  for (const ir::ProjectParam& p : graph.params.entries) {
    if (p.type.empty() || !readByPipeline(graph, pipeline, p.key)) continue;
    std::string name;
    for (char c : p.key) name += c == '.' ? '_' : c;
    std::string variable = variables.take("MLOPS_PARAM_" + upperWord(p.key));
    std::replace(variable.begin(), variable.end(), '-', '_');  // a suffix `-2`: not in a variable's name
    out.push_back({&p, inputs.take(name), variable, choicesOf(p.where)});
  }
  return out;
}

std::string runCommandWithParams(const std::vector<CiParam>& params) {
  std::string command = kRunCommand;
  // ${VAR:+…}: nothing when the input is empty, so the param keeps its
  // default; the value stays one word inside the double quotes.
  for (const CiParam& p : params)
    command += " ${" + p.variable + ":+-P \"" + p.param->key + "=$" + p.variable + "\"}";
  return command;
}

std::string defaultText(const ir::ProjectParam& param) {
  return param.value ? ir::paramText(*param.value) : std::string();
}

void reportParamInputs(const ir::PipelineGraph& graph, const char* platform, diag::DiagnosticEngine& diags) {
  std::set<const ir::ProjectParam*> reported;
  for (const ir::Pipeline& pipeline : graph.pipelines)
    for (const CiParam& p : ciParams(graph, pipeline)) {
      if (p.param->type.rfind("list", 0) != 0 || !reported.insert(p.param).second) continue;
      diags.report(p.param->location.range, diag::kinds::CiParamType, platform, p.param->type, p.param->key)
          .note("compensating measure: the workflow's input `" + p.input + "` is a string, which the job passes "
                "with `-P " + p.param->key + "=…`; the run refuses a value that is not a JSON list of the "
                "param's type");
    }
}

}  // namespace mlops::emit
