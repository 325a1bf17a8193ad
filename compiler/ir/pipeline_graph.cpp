#include "ir/pipeline_graph.h"

#include "ir/json_writer.h"

namespace mlops::ir {
namespace {

using json = nlohmann::ordered_json;

}  // namespace

json number(double v) {
  // Whole numbers as JSON integers: consumers with integer fields (Go, serde)
  // refuse 2.0.
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v > -9e15 && v < 9e15) return static_cast<int64_t>(v);
  return v;
}

namespace {

void location(JsonWriter& w, const Location& l) {
  w.key("location");
  w.beginObject();
  w.field("file", l.file);
  w.key("line");
  w.integer(l.line);
  w.key("column");
  w.integer(l.column);
  w.endObject();
}

void putOptional(JsonWriter& w, const char* key, const std::optional<double>& v) {
  if (!v) return;
  w.key(key);
  w.number(*v);
}

void optionalNumber(JsonWriter& w, const char* key, const std::optional<double>& v) {
  w.key(key);
  v ? w.number(*v) : w.null();
}

void expression(JsonWriter& w, const char* key, const Expression& e) {
  w.key(key);
  if (e.empty()) return w.null();
  w.beginObject();
  w.field("source", e.source);
  w.key("tree");
  w.tree(e.tree);
  w.endObject();
}

void pairs(JsonWriter& w, const char* key, const std::vector<std::pair<std::string, std::string>>& items) {
  w.key(key);
  w.beginObject();
  for (const auto& [k, v] : items) w.field(k, v);
  w.endObject();
}

void source(JsonWriter& w, const Source& s) {
  w.key("source");
  w.beginObject();
  w.field("kind", s.kind);
  pairs(w, "arguments", s.arguments);
  w.endObject();
}

// `project.params`, written only when the project has params (docs/ir.md).
void params(JsonWriter& w, const ProjectParams& p) {
  if (p.entries.empty() && !p.file) return;
  w.key("params");
  w.beginObject();
  w.key("file");
  if (!p.file) {
    w.null();
  } else {
    w.beginObject();
    w.field("path", p.file->path);
    w.field("sha256", p.file->sha256);
    w.endObject();
  }
  w.key("entries");
  w.beginArray();
  for (const ProjectParam& e : p.entries) {
    w.beginObject();
    w.field("key", e.key);
    if (e.value) {
      w.key("value");
      w.tree(*e.value);
    }
    w.fieldOrNull("type", e.type);
    expression(w, "where", e.where);
    location(w, e.location);
    if (e.overridden) {
      w.key("overridden");
      w.boolean(true);
    }
    w.endObject();
  }
  w.endArray();
  w.endObject();
}

void node(JsonWriter& w, const Node& n) {
  w.beginObject();
  w.field("id", n.id);
  w.field("kind", nodeKindName(n.kind));
  w.field("name", n.name);
  w.fieldOrNull("owner", n.owner);
  w.field("doc", n.doc);
  w.fieldOrNull("description", n.description);
  location(w, n.location);
  if (n.fanOut) {  // only on the items of a fan-out
    w.key("fan_out");
    w.beginObject();
    w.field("of", n.fanOut->of);
    w.field("item", n.fanOut->item);
    w.key("values");
    w.tree(n.fanOut->values);
    w.endObject();
  }
  switch (n.kind) {
    case NodeKind::Data: {
      source(w, n.source);
      w.fieldOrNull("format", n.format);
      optionalNumber(w, "freshness_seconds", n.freshnessSeconds);
      w.stringArray("pii", n.pii);
      w.key("schema");
      w.beginArray();
      for (const Column& c : n.schema) {
        w.beginObject();
        w.field("name", c.name);
        w.field("type", c.type);
        expression(w, "where", c.where);
        w.endObject();
      }
      w.endArray();
      break;
    }
    case NodeKind::Step: case NodeKind::Model: case NodeKind::Deploy: {
      if (n.kind != NodeKind::Deploy) {
        w.key("inputs");
        w.beginArray();
        for (const Input& in : n.inputs) {
          w.beginObject();
          w.field("node", in.node);
          w.fieldOrNull("output", in.output);
          w.field("as", in.as);
          w.endObject();
        }
        w.endArray();
        pairs(w, "outputs", n.outputs);
        w.stringArray("effects", n.effects);
        w.stringArray("after", n.orderAfter);
        w.stringArray("code", n.code);
        w.key("params");
        w.beginObject();
        for (const Param& p : n.params) {
          w.key(p.name);
          w.tree(p.value);
        }
        w.endObject();
      }
      w.field("run", n.run);
      if (!n.paramReads.empty()) w.stringArray("project_params", n.paramReads);
      w.key("resources");
      w.beginObject();
      putOptional(w, "cpu", n.resources.cpu);
      putOptional(w, "memory_bytes", n.resources.memoryBytes);
      putOptional(w, "gpu", n.resources.gpu);
      putOptional(w, "timeout_seconds", n.resources.timeoutSeconds);
      putOptional(w, "retries", n.resources.retries);
      w.endObject();
      w.stringArray("secrets", n.secrets);
      w.fieldOrNull("image", n.image);
      pairs(w, "env", n.env);
      if (!n.plots.empty()) {  // only where declared: most nodes have none
        w.key("plots");
        w.beginArray();
        for (const Plot& p : n.plots) {
          w.beginObject();
          w.field("path", p.path);
          w.field("output", p.output);
          w.field("x", p.x);
          w.field("y", p.y);
          w.fieldOrNull("title", p.title);
          w.field("template", p.chartTemplate);
          w.endObject();
        }
        w.endArray();
      }
      if (n.kind == NodeKind::Model) {
        w.fieldOrNull("framework", n.framework);
        w.fieldOrNull("kpi", n.kpi);
        w.fieldOrNull("metrics_output", n.metricsOutput);
      }
      if (n.kind == NodeKind::Deploy) {
        w.field("model", n.model);
        w.field("after", n.after);
        w.fieldOrNull("target", n.deployTarget);
        w.key("strategy");
        w.beginObject();
        w.field("kind", n.strategy.kind);
        if (!n.strategy.steps.empty()) {
          w.key("steps");
          w.beginArray();
          for (double step : n.strategy.steps) w.number(step);
          w.endArray();
        }
        putOptional(w, "interval_seconds", n.strategy.intervalSeconds);
        putOptional(w, "duration_seconds", n.strategy.durationSeconds);
        putOptional(w, "split", n.strategy.split);
        if (!n.strategy.metric.empty()) w.field("metric", n.strategy.metric);
        w.endObject();
        w.fieldOrNull("rollback", n.rollback);
      }
      break;
    }
    case NodeKind::Test: {
      w.field("target", n.target);
      w.field("severity", n.severity);
      expression(w, "expect", n.expect);
      w.key("uses");
      if (n.uses.check.empty()) {
        w.null();
      } else {
        w.beginObject();
        w.field("check", n.uses.check);
        w.key("arguments");
        w.beginObject();
        for (const auto& [k, v] : n.uses.arguments) {
          w.key(k);
          w.tree(v);
        }
        w.endObject();
        w.endObject();
      }
      break;
    }
    case NodeKind::Gate: {
      w.field("model", n.model);
      w.stringArray("require", n.require);
      w.key("approvals");
      w.beginArray();
      for (const Approval& a : n.approvals) {
        w.beginObject();
        w.field("role", a.role);
        w.key("quorum");
        w.integer(a.quorum);
        w.endObject();
      }
      w.endArray();
      w.fieldOrNull("environment", n.environment);
      break;
    }
    case NodeKind::Monitor: {
      w.field("deploy", n.deploy);
      if (n.source.kind.empty()) {
        w.key("source");
        w.null();
      } else {
        source(w, n.source);
      }
      expression(w, "expect", n.expect);
      optionalNumber(w, "every_seconds", n.everySeconds);
      w.stringArray("alert", n.alert);
      break;
    }
  }
  if (takesCondition(n.kind)) {
    expression(w, "when", n.when);
    w.stringArray("when_reads", n.whenReads);
  }
  w.endObject();
}

}  // namespace

bool takesCondition(NodeKind kind) {
  return kind == NodeKind::Step || kind == NodeKind::Model || kind == NodeKind::Test || kind == NodeKind::Gate ||
         kind == NodeKind::Deploy;
}

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

namespace {

// Whether an expression tree has a `key` node whose segments start with
// `first` (`baseline.…` paths, `drift.psi(…)` calls).
bool mentions(const json& tree, const char* key, const char* first) {
  if (tree.is_object()) {
    if (auto it = tree.find(key); it != tree.end() && it->is_array() && !it->empty() && (*it)[0] == first) return true;
    for (const auto& [k, v] : tree.items())
      if (mentions(v, key, first)) return true;
  } else if (tree.is_array()) {
    for (const auto& v : tree)
      if (mentions(v, key, first)) return true;
  }
  return false;
}

}  // namespace

bool readsBaseline(const Expression& e) { return mentions(e.tree, "path", "baseline"); }
bool readsDrift(const Expression& e) { return mentions(e.tree, "call", "drift"); }

bool needsRecord(const Node& n) {
  switch (n.kind) {
    case NodeKind::Data:
    case NodeKind::Step: return false;
    case NodeKind::Test: return readsBaseline(n.expect) || readsDrift(n.expect);
    default: return true;
  }
}

const PropertyPosition* findProperty(const PropertyPositions& positions, std::string_view property) {
  for (const PropertyPosition& p : positions)
    if (p.property == property) return &p;
  return nullptr;
}

const Node* PipelineGraph::find(const std::string& id) const {
  if (index_.size() != nodes.size()) {
    index_.clear();
    for (size_t i = 0; i < nodes.size(); ++i) index_.emplace(nodes[i].id, i);
  }
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &nodes[it->second];
}

void writeJson(const PipelineGraph& g, std::string& out) {
  JsonWriter w(out);
  w.beginObject();
  w.key("ir_version");
  w.integer(kIrVersion);
  w.key("project");
  w.beginObject();
  w.field("name", g.projectName);
  w.field("version", g.version);
  w.field("risk_tier", g.riskTier);
  w.fieldOrNull("image", g.image);
  w.field("doc", g.projectDoc);
  w.fieldOrNull("description", g.projectDescription);
  w.field("root", g.root);
  location(w, g.projectLocation);
  params(w, g.params);
  w.endObject();
  w.key("sources");
  w.beginArray();
  for (const SourceFile& s : g.sources) {
    w.beginObject();
    w.field("path", s.path);
    w.field("sha256", s.sha256);
    w.endObject();
  }
  w.endArray();
  w.key("signers");
  if (!g.signers) {
    w.null();
  } else {
    w.beginObject();
    w.field("path", g.signers->path);
    w.field("sha256", g.signers->sha256);
    w.endObject();
  }
  w.key("roles");
  w.beginArray();
  for (const Role& r : g.roles) {
    w.beginObject();
    w.field("name", r.name);
    w.fieldOrNull("title", r.title);
    w.fieldOrNull("base", r.base);
    w.key("stdlib");
    w.boolean(r.stdlib);
    w.stringArray("permissions", r.permissions);
    w.stringArray("members", r.members);
    w.key("quota");
    if (!r.quotaCpu && !r.quotaMemoryBytes && !r.quotaGpu) {
      w.null();
    } else {
      w.beginObject();
      putOptional(w, "cpu", r.quotaCpu);
      putOptional(w, "memory_bytes", r.quotaMemoryBytes);
      putOptional(w, "gpu", r.quotaGpu);
      w.endObject();
    }
    w.field("doc", r.doc);
    location(w, r.location);
    w.endObject();
  }
  w.endArray();
  w.key("kpis");
  w.beginArray();
  for (const Kpi& k : g.kpis) {
    w.beginObject();
    w.field("name", k.name);
    w.field("owner", k.owner);
    w.field("metric", k.metric);
    w.key("target");
    w.beginObject();
    w.field("op", k.comparison);
    w.key("value");
    w.number(k.target);
    w.endObject();
    w.field("doc", k.doc);
    w.fieldOrNull("description", k.description);
    location(w, k.location);
    w.endObject();
  }
  w.endArray();
  w.key("nodes");
  w.beginArray();
  for (const Node& n : g.nodes) node(w, n);
  w.endArray();
  w.key("edges");
  w.beginArray();
  for (const Edge& e : g.edges) {
    w.beginObject();
    w.field("from", e.from);
    w.field("to", e.to);
    w.field("kind", e.kind);
    w.endObject();
  }
  w.endArray();
  w.key("pipelines");
  w.beginArray();
  for (const Pipeline& p : g.pipelines) {
    w.beginObject();
    w.field("name", p.name);
    w.fieldOrNull("owner", p.owner);
    w.field("doc", p.doc);
    w.key("triggers");
    w.beginArray();
    for (const Trigger& t : p.triggers) {
      w.beginObject();
      w.field("kind", t.kind);
      if (t.kind == "push") w.field("branch", t.value);
      if (t.kind == "pull_request") w.fieldOrNull("branch", t.value);  // null: any target branch
      if (t.kind == "schedule") w.field("cron", t.value);
      w.endObject();
    }
    w.endArray();
    w.stringArray("targets", p.targets);
    w.stringArray("nodes", p.nodes);
    location(w, p.location);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  out += '\n';
}

std::string writeJson(const PipelineGraph& graph) {
  std::string out;
  writeJson(graph, out);
  return out;
}

json toJson(const PipelineGraph& g) { return json::parse(writeJson(g)); }

}  // namespace mlops::ir
