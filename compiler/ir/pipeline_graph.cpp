#include "ir/pipeline_graph.h"

namespace mlops::ir {
namespace {

using json = nlohmann::ordered_json;

json location(const Location& l) { return {{"file", l.file}, {"line", l.line}, {"column", l.column}}; }

}  // namespace

json number(double v) {
  // Whole numbers as JSON integers: consumers with integer fields (Go, serde)
  // refuse 2.0.
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v > -9e15 && v < 9e15) return static_cast<int64_t>(v);
  return v;
}

namespace {

void putOptional(json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = number(*v);
}

json optionalNumber(const std::optional<double>& v) { return v ? number(*v) : json(nullptr); }

json textOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json expression(const Expression& e) {
  if (e.empty()) return nullptr;
  return {{"source", e.source}, {"tree", e.tree}};
}

json pairs(const std::vector<std::pair<std::string, std::string>>& items) {
  json out = json::object();
  for (const auto& [k, v] : items) out[k] = v;
  return out;
}

json nodeJson(const Node& n) {
  json j;
  j["id"] = n.id;
  j["kind"] = nodeKindName(n.kind);
  j["name"] = n.name;
  j["owner"] = n.owner.empty() ? json(nullptr) : json(n.owner);
  j["doc"] = n.doc;
  j["description"] = textOrNull(n.description);
  j["location"] = location(n.location);
  switch (n.kind) {
    case NodeKind::Data: {
      json source = {{"kind", n.source.kind}};
      json args = json::object();
      for (const auto& [k, v] : n.source.arguments) args[k] = v;
      source["arguments"] = args;
      j["source"] = source;
      j["format"] = n.format.empty() ? json(nullptr) : json(n.format);
      j["freshness_seconds"] = optionalNumber(n.freshnessSeconds);
      j["pii"] = n.pii;
      json columns = json::array();
      for (const Column& c : n.schema)
        columns.push_back({{"name", c.name}, {"type", c.type}, {"where", expression(c.where)}});
      j["schema"] = columns;
      break;
    }
    case NodeKind::Step: case NodeKind::Model: case NodeKind::Deploy: {
      if (n.kind != NodeKind::Deploy) {
        json inputs = json::array();
        for (const Input& in : n.inputs)
          inputs.push_back({{"node", in.node}, {"output", in.output.empty() ? json(nullptr) : json(in.output)},
                            {"as", in.as}});
        j["inputs"] = inputs;
        j["outputs"] = pairs(n.outputs);
        json params = json::object();
        for (const Param& p : n.params) params[p.name] = p.value;
        j["params"] = params;
      }
      j["run"] = n.run;
      json res = json::object();
      putOptional(res, "cpu", n.resources.cpu);
      putOptional(res, "memory_bytes", n.resources.memoryBytes);
      putOptional(res, "gpu", n.resources.gpu);
      putOptional(res, "timeout_seconds", n.resources.timeoutSeconds);
      putOptional(res, "retries", n.resources.retries);
      j["resources"] = res;
      j["secrets"] = n.secrets;
      j["image"] = n.image.empty() ? json(nullptr) : json(n.image);
      j["env"] = pairs(n.env);
      if (n.kind == NodeKind::Model) {
        j["framework"] = n.framework.empty() ? json(nullptr) : json(n.framework);
        j["kpi"] = n.kpi.empty() ? json(nullptr) : json(n.kpi);
        j["metrics_output"] = n.metricsOutput.empty() ? json(nullptr) : json(n.metricsOutput);
      }
      if (n.kind == NodeKind::Deploy) {
        j["model"] = n.model;
        j["after"] = n.after;
        j["target"] = n.deployTarget.empty() ? json(nullptr) : json(n.deployTarget);
        json s = {{"kind", n.strategy.kind}};
        if (!n.strategy.steps.empty()) {
          json steps = json::array();
          for (double step : n.strategy.steps) steps.push_back(number(step));
          s["steps"] = steps;
        }
        putOptional(s, "interval_seconds", n.strategy.intervalSeconds);
        putOptional(s, "duration_seconds", n.strategy.durationSeconds);
        putOptional(s, "split", n.strategy.split);
        if (!n.strategy.metric.empty()) s["metric"] = n.strategy.metric;
        j["strategy"] = s;
        j["rollback"] = n.rollback.empty() ? json(nullptr) : json(n.rollback);
      }
      break;
    }
    case NodeKind::Test: {
      j["target"] = n.target;
      j["severity"] = n.severity;
      j["expect"] = expression(n.expect);
      if (n.uses.check.empty()) {
        j["uses"] = nullptr;
      } else {
        json args = json::object();
        for (const auto& [k, v] : n.uses.arguments) args[k] = v;
        j["uses"] = {{"check", n.uses.check}, {"arguments", args}};
      }
      break;
    }
    case NodeKind::Gate: {
      j["model"] = n.model;
      j["require"] = n.require;
      json approvals = json::array();
      for (const Approval& a : n.approvals) approvals.push_back({{"role", a.role}, {"quorum", a.quorum}});
      j["approvals"] = approvals;
      j["environment"] = n.environment.empty() ? json(nullptr) : json(n.environment);
      break;
    }
    case NodeKind::Monitor: {
      j["deploy"] = n.deploy;
      json source = {{"kind", n.source.kind}};
      json args = json::object();
      for (const auto& [k, v] : n.source.arguments) args[k] = v;
      source["arguments"] = args;
      j["source"] = n.source.kind.empty() ? json(nullptr) : source;
      j["expect"] = expression(n.expect);
      j["every_seconds"] = optionalNumber(n.everySeconds);
      j["alert"] = n.alert;
      break;
    }
  }
  return j;
}

}  // namespace

const char* nodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::Data: return "data";
    case NodeKind::Step: return "step";
    case NodeKind::Model: return "model";
    case NodeKind::Test: return "test";
    case NodeKind::Gate: return "gate";
    case NodeKind::Deploy: return "deploy";
    case NodeKind::Monitor: return "monitor";
  }
  return "?";
}

const Node* PipelineGraph::find(const std::string& id) const {
  if (index_.size() != nodes.size()) {
    index_.clear();
    for (size_t i = 0; i < nodes.size(); ++i) index_.emplace(nodes[i].id, i);
  }
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes[it->second];
}

json toJson(const PipelineGraph& g) {
  json j;
  j["ir_version"] = kIrVersion;
  j["project"] = {{"name", g.projectName},
                  {"version", g.version},
                  {"risk_tier", g.riskTier},
                  {"image", textOrNull(g.image)},
                  {"doc", g.projectDoc},
                  {"description", textOrNull(g.projectDescription)},
                  {"root", g.root},
                  {"location", location(g.projectLocation)}};
  json sources = json::array();
  for (const SourceFile& s : g.sources) sources.push_back({{"path", s.path}, {"sha256", s.sha256}});
  j["sources"] = sources;
  json roles = json::array();
  for (const Role& r : g.roles) {
    json role = {{"name", r.name},
                 {"title", textOrNull(r.title)},
                 {"base", textOrNull(r.base)},
                 {"stdlib", r.stdlib},
                 {"permissions", r.permissions},
                 {"members", r.members}};
    json quota = json::object();
    putOptional(quota, "cpu", r.quotaCpu);
    putOptional(quota, "memory_bytes", r.quotaMemoryBytes);
    putOptional(quota, "gpu", r.quotaGpu);
    role["quota"] = quota.empty() ? json(nullptr) : quota;
    role["doc"] = r.doc;
    role["location"] = location(r.location);
    roles.push_back(role);
  }
  j["roles"] = roles;
  json kpis = json::array();
  for (const Kpi& k : g.kpis)
    kpis.push_back({{"name", k.name},
                    {"owner", k.owner},
                    {"metric", k.metric},
                    {"target", {{"op", k.comparison}, {"value", number(k.target)}}},
                    {"doc", k.doc},
                    {"description", textOrNull(k.description)},
                    {"location", location(k.location)}});
  j["kpis"] = kpis;
  json nodes = json::array();
  for (const Node& n : g.nodes) nodes.push_back(nodeJson(n));
  j["nodes"] = nodes;
  json edges = json::array();
  for (const Edge& e : g.edges) edges.push_back({{"from", e.from}, {"to", e.to}, {"kind", e.kind}});
  j["edges"] = edges;
  json pipelines = json::array();
  for (const Pipeline& p : g.pipelines) {
    json triggers = json::array();
    for (const Trigger& t : p.triggers) {
      json trigger = {{"kind", t.kind}};
      if (t.kind == "push") trigger["branch"] = t.value;
      if (t.kind == "schedule") trigger["cron"] = t.value;
      triggers.push_back(trigger);
    }
    pipelines.push_back({{"name", p.name},
                         {"owner", p.owner.empty() ? json(nullptr) : json(p.owner)},
                         {"doc", p.doc},
                         {"triggers", triggers},
                         {"targets", p.targets},
                         {"nodes", p.nodes},
                         {"location", location(p.location)}});
  }
  j["pipelines"] = pipelines;
  return j;
}

}  // namespace mlops::ir
