#include "ir/ir_reader.h"

#include "ir/project_path.h"
#include "ir/source_kinds.h"
#include "ir/project_params.h"

#include <llvm/Support/Path.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace mlops::ir {
namespace {

using json = nlohmann::ordered_json;

struct Invalid {
  std::string pointer, message;
};

// JSON pointer escaping (RFC 6901): `~` → `~0`, `/` → `~1`.
std::string pointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}


// A value and where it is, for messages.
struct At {
  const json& value;
  std::string pointer;

  [[noreturn]] void fail(const std::string& message) const { throw Invalid{pointer, message}; }

  At operator[](std::string_view key) const {
    if (!value.is_object()) fail(std::string("expected an object, found ") + jsonTypeName(value));
    auto it = value.find(std::string(key));
    std::string p = pointer + "/" + pointerToken(key);
    if (it == value.end()) throw Invalid{pointer, "missing key `" + std::string(key) + "`"};
    return {*it, p};
  }
  bool has(std::string_view key) const { return value.is_object() && value.contains(std::string(key)); }
  At at(size_t i) const { return {value[i], pointer + "/" + std::to_string(i)}; }

  const json& array() const {
    if (!value.is_array()) fail(std::string("expected an array, found ") + jsonTypeName(value));
    return value;
  }
  const json& object() const {
    if (!value.is_object()) fail(std::string("expected an object, found ") + jsonTypeName(value));
    return value;
  }
  std::string string() const {
    if (!value.is_string()) fail(std::string("expected a string, found ") + jsonTypeName(value));
    return value.get<std::string>();
  }
  // A string, or "" for null.
  std::string stringOrNull() const { return value.is_null() ? std::string() : string(); }
  double number() const {
    if (!value.is_number()) fail(std::string("expected a number, found ") + jsonTypeName(value));
    return value.get<double>();
  }
  std::optional<double> numberOrNull() const {
    if (value.is_null()) return std::nullopt;
    return number();
  }
  unsigned whole(unsigned max = 0xffffffffu) const {
    if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > max)
      fail(std::string("expected a whole number, found ") + (value.is_number() ? value.dump() : jsonTypeName(value)));
    return static_cast<unsigned>(value.get<int64_t>());
  }
  bool boolean() const {
    if (!value.is_boolean()) fail(std::string("expected a boolean, found ") + jsonTypeName(value));
    return value.get<bool>();
  }
  std::vector<std::string> strings() const {
    std::vector<std::string> out;
    const json& a = array();
    for (size_t i = 0; i < a.size(); ++i) out.push_back(at(i).string());
    return out;
  }
  // An object of strings, in document order.
  std::vector<std::pair<std::string, std::string>> stringMap() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [k, v] : object().items())
      out.emplace_back(k, At{v, pointer + "/" + pointerToken(k)}.string());
    return out;
  }
  std::optional<double> optionalKey(std::string_view key) const {
    if (!has(key)) return std::nullopt;
    return (*this)[key].number();
  }
};

// A path a spec named (`signers`, `params`), read from the project folder:
// one the compiler would have refused (absolute, hidden, `..`) never is.
std::string projectFilePath(const At& a) {
  std::string path = a.string();
  llvm::StringRef p(path);
  bool hidden = false;
  for (auto it = llvm::sys::path::begin(p), end = llvm::sys::path::end(p); it != end; ++it)
    hidden = hidden || (it->startswith(".") && *it != ".");  // `..` included
  if (p.empty() || llvm::sys::path::is_absolute(p) || hidden) a.fail("expected a path inside the project, not hidden");
  return path;
}

size_t depthOf(const json& v) {
  size_t deepest = 0;
  if (v.is_structured())
    for (const json& item : v) deepest = std::max(deepest, depthOf(item));
  return deepest + 1;
}

Location location(const At& a) {
  At l = a["location"];
  return {l["file"].string(), l["line"].whole(), l["column"].whole(), {}};
}

Expression expression(const At& a) {
  if (a.value.is_null()) return {};
  At tree = a["tree"];
  if (!tree.value.is_object()) tree.fail(std::string("expected an expression tree, found ") + jsonTypeName(tree.value));
  return {a["source"].string(), tree.value};
}

Source source(const At& a) {
  Source s;
  s.kind = a["kind"].string();
  s.arguments = a["arguments"].stringMap();
  return s;
}

// A literal: {text, value}.
const json& literal(const At& a) {
  a["text"].string();
  a["value"];
  return a.value;
}

// `project.params` (docs/ir.md): each key a dotted path of valid segments,
// no key twice or both a leaf and a group, values of their declared type.
ProjectParams projectParams(const At& a) {
  a.object();
  ProjectParams out;
  At file = a["file"];
  if (!file.value.is_null()) out.file = SourceFile{projectFilePath(file["path"]), file["sha256"].string()};
  At entries = a["entries"];
  for (size_t i = 0; i < entries.array().size(); ++i) {
    At e = entries.at(i);
    ProjectParam param;
    At key = e["key"];
    param.key = key.string();
    llvm::SmallVector<llvm::StringRef, 4> segments;
    llvm::StringRef(param.key).split(segments, '.');
    for (llvm::StringRef s : segments)
      if (!isParamKeySegment(std::string_view(s.data(), s.size())))
        key.fail("param key `" + param.key + "` is not a dotted path of letters, digits, `_` and `-`");
    if (hasParam(out, param.key)) key.fail("param key `" + param.key + "` is given twice, or is a group of other keys");
    for (llvm::StringRef group = llvm::StringRef(param.key).rsplit('.').first; group != param.key && !group.empty();
         group = group.contains('.') ? group.rsplit('.').first : llvm::StringRef())
      if (findParam(out, std::string_view(group.data(), group.size())))
        key.fail("param key `" + param.key + "` lies under the param `" + group.str() + "`");
    param.type = e["type"].stringOrNull();
    if (!param.type.empty() && !isParamType(param.type))
      e["type"].fail("unknown param type `" + param.type + "`: expected string, int, float, bool or list(T)");
    if (e.has("value")) {
      At value = e["value"];
      if (depthOf(value.value) > 33) value.fail("a param value nested deeper than 32 levels");
      if (!valueHasType(value.value, param.type))
        value.fail("param `" + param.key + "` of type `" + param.type + "` holds " + describeParamValue(value.value));
      param.value = value.value;
    } else if (param.type.empty()) {
      e.fail("param `" + param.key + "` has neither a value nor a type");
    }
    param.where = expression(e["where"]);
    param.location = location(e);
    param.overridden = e.has("overridden") && e["overridden"].boolean();
    out.entries.push_back(std::move(param));
  }
  return out;
}

Resources resources(const At& a) {
  a.object();
  Resources r;
  r.cpu = a.optionalKey("cpu");
  r.memoryBytes = a.optionalKey("memory_bytes");
  r.gpu = a.optionalKey("gpu");
  r.timeoutSeconds = a.optionalKey("timeout_seconds");
  r.retries = a.optionalKey("retries");
  return r;
}

// A node's plots: each file must be one of the node's outputs or lie inside
// it (readers open it under the project folder: never an absolute path or a
// `..`), the columns non-empty, the template a known one.
std::vector<Plot> plots(const At& a, const std::vector<std::pair<std::string, std::string>>& outputs) {
  std::vector<Plot> out;
  for (size_t i = 0; i < a.array().size(); ++i) {
    At p = a.at(i);
    Plot plot{p["path"].string(), p["output"].string(), p["x"].string(), p["y"].string(),
              p["title"].stringOrNull(), p["template"].string()};
    std::string why;
    std::optional<std::string> path = normaliseProjectPath(plot.path, why);
    if (!path || *path != plot.path)
      p["path"].fail("expected a normalised path inside the project folder, found \"" + plot.path + "\"");
    auto output = std::find_if(outputs.begin(), outputs.end(), [&](const auto& o) { return o.first == plot.output; });
    if (output == outputs.end()) p["output"].fail("no output `" + plot.output + "` in this node");
    if (output->second.find("${") == std::string::npos) {
      std::optional<std::string> folder = normaliseProjectPath(output->second, why);
      if (!folder || (*path != *folder && !insideProjectPath(*path, *folder)))
        p["path"].fail("expected output `" + plot.output + "` (\"" + output->second + "\") or a file inside it");
    }
    if (plot.x.empty()) p["x"].fail("expected a column name, found \"\"");
    if (plot.y.empty()) p["y"].fail("expected a column name, found \"\"");
    if (plot.chartTemplate != "line" && plot.chartTemplate != "scatter" && plot.chartTemplate != "bar")
      p["template"].fail("expected line, scatter or bar, found \"" + plot.chartTemplate + "\"");
    out.push_back(std::move(plot));
  }
  return out;
}

// An item of a fan-out (docs/ir.md): `of` and `item` name it, as the node's
// name `OF@ITEM` says; an item name keeps to [A-Za-z0-9_.-] (at most 64) as
// the compiler makes it, since it reaches file and job names; the values are
// scalars keyed `item`, `key` or `item.NAME`.
FanOutOrigin fanOut(const At& a, const Node& n) {
  a.object();
  FanOutOrigin f{a["of"].string(), a["item"].string(), json::object()};
  if (n.kind != NodeKind::Step && n.kind != NodeKind::Model && n.kind != NodeKind::Test)
    a.fail(std::string("a ") + nodeKindName(n.kind) + " does not fan out: only steps, models and their tests do");
  bool safe = !f.item.empty() && f.item.size() <= 64;
  for (char c : f.item)
    safe = safe && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-');
  if (!safe) a["item"].fail("an item name is 1 to 64 of the characters A-Z a-z 0-9 _ . -");
  if (n.name != f.of + "@" + f.item) a["of"].fail("node `" + n.name + "` is not item `" + f.item + "` of `" + f.of + "`");
  At values = a["values"];
  for (const auto& [k, v] : values.object().items()) {
    At value{v, values.pointer + "/" + pointerToken(k)};
    if (k != "item" && k != "key" && k.rfind("item.", 0) != 0)
      value.fail("unknown item value `" + k + "`: expected item, key or item.NAME");
    if (!v.is_string() && !v.is_number() && !v.is_boolean())
      value.fail(std::string("expected a string, number or boolean, found ") + jsonTypeName(v));
  }
  f.values = values.value;
  return f;
}

NodeKind nodeKind(const At& a) {
  std::string k = a.string();
  for (NodeKind kind : {NodeKind::Data, NodeKind::Step, NodeKind::Model, NodeKind::Test, NodeKind::Gate,
                        NodeKind::Deploy, NodeKind::Monitor})
    if (k == nodeKindName(kind)) return kind;
  a.fail("unknown node kind `" + k + "`: expected data, step, model, test, gate, deploy or monitor");
}

Node node(const At& a) {
  Node n;
  n.kind = nodeKind(a["kind"]);
  n.id = a["id"].string();
  n.name = a["name"].string();
  if (n.id != std::string(nodeKindName(n.kind)) + ":" + n.name)
    a["id"].fail("node id `" + n.id + "` is not `" + nodeKindName(n.kind) + ":" + n.name + "`");
  n.owner = a["owner"].stringOrNull();
  n.doc = a["doc"].string();
  n.description = a["description"].stringOrNull();
  n.location = location(a);
  if (a.has("fan_out")) n.fanOut = fanOut(a["fan_out"], n);
  else if (n.name.find('@') != std::string::npos)
    a["name"].fail("node `" + n.name + "` is named like an item of a fan-out but has no `fan_out`");
  switch (n.kind) {
    case NodeKind::Data: {
      n.source = source(a["source"]);
      // The runtime downloads and fetches by these arguments.
      if (std::string why = sourceProblem(n.source, /*monitor=*/false); !why.empty()) a["source"].fail(why);
      n.format = a["format"].stringOrNull();
      n.freshnessSeconds = a["freshness_seconds"].numberOrNull();
      n.pii = a["pii"].strings();
      At schema = a["schema"];
      for (size_t i = 0; i < schema.array().size(); ++i) {
        At c = schema.at(i);
        n.schema.push_back({c["name"].string(), c["type"].string(), expression(c["where"])});
      }
      break;
    }
    case NodeKind::Step: case NodeKind::Model: case NodeKind::Deploy: {
      if (n.kind != NodeKind::Deploy) {
        At inputs = a["inputs"];
        for (size_t i = 0; i < inputs.array().size(); ++i) {
          At in = inputs.at(i);
          n.inputs.push_back({in["node"].string(), in["output"].stringOrNull(), in["as"].string()});
        }
        n.outputs = a["outputs"].stringMap();
        n.effects = a["effects"].strings();
        for (size_t i = 0; i < n.effects.size(); ++i)
          if (std::string why = effectUriProblem(n.effects[i]); !why.empty())
            a["effects"].at(i).fail("`" + n.effects[i] + "` is not " + why);
        n.orderAfter = a["after"].strings();
        n.code = a["code"].strings();
        At params = a["params"];
        for (const auto& [k, v] : params.object().items())
          n.params.push_back({k, literal(At{v, params.pointer + "/" + pointerToken(k)})});
      }
      n.run = a["run"].string();
      if (a.has("project_params")) n.paramReads = a["project_params"].strings();
      n.resources = resources(a["resources"]);
      n.secrets = a["secrets"].strings();
      n.image = a["image"].stringOrNull();
      n.env = a["env"].stringMap();
      if (n.kind != NodeKind::Deploy && a.has("plots")) n.plots = plots(a["plots"], n.outputs);
      if (n.kind == NodeKind::Model) {
        n.framework = a["framework"].stringOrNull();
        n.kpi = a["kpi"].stringOrNull();
        n.metricsOutput = a["metrics_output"].stringOrNull();
      }
      if (n.kind == NodeKind::Deploy) {
        n.model = a["model"].string();
        n.after = a["after"].string();
        n.deployTarget = a["target"].stringOrNull();
        At s = a["strategy"];
        n.strategy.kind = s["kind"].string();
        if (s.has("steps")) {
          At steps = s["steps"];
          for (size_t i = 0; i < steps.array().size(); ++i) n.strategy.steps.push_back(steps.at(i).number());
        }
        n.strategy.intervalSeconds = s.optionalKey("interval_seconds");
        n.strategy.durationSeconds = s.optionalKey("duration_seconds");
        n.strategy.split = s.optionalKey("split");
        if (s.has("metric")) n.strategy.metric = s["metric"].string();
        n.rollback = a["rollback"].stringOrNull();
      }
      break;
    }
    case NodeKind::Test: {
      n.target = a["target"].string();
      n.severity = a["severity"].string();
      if (n.severity != "blocking" && n.severity != "warning")
        a["severity"].fail("unknown severity `" + n.severity + "`: expected blocking or warning");
      n.expect = expression(a["expect"]);
      At uses = a["uses"];
      if (!uses.value.is_null()) {
        n.uses.check = uses["check"].string();
        At args = uses["arguments"];
        for (const auto& [k, v] : args.object().items())
          n.uses.arguments.emplace_back(k, literal(At{v, args.pointer + "/" + pointerToken(k)}));
      }
      break;
    }
    case NodeKind::Gate: {
      n.model = a["model"].string();
      n.require = a["require"].strings();
      At approvals = a["approvals"];
      for (size_t i = 0; i < approvals.array().size(); ++i) {
        At ap = approvals.at(i);
        n.approvals.push_back({ap["role"].string(), ap["quorum"].whole(), {}});
      }
      n.environment = a["environment"].stringOrNull();
      break;
    }
    case NodeKind::Monitor: {
      n.deploy = a["deploy"].string();
      At src = a["source"];
      if (!src.value.is_null()) {
        n.source = source(src);
        if (std::string why = sourceProblem(n.source, /*monitor=*/true); !why.empty()) src.fail(why);
      }
      n.expect = expression(a["expect"]);
      n.everySeconds = a["every_seconds"].numberOrNull();
      n.alert = a["alert"].strings();
      break;
    }
  }
  if (takesCondition(n.kind)) {
    if (!a["when"].value.is_null()) n.when = expression(a["when"]);
    n.whenReads = a["when_reads"].strings();
  }
  return n;
}

PipelineGraph graph(const At& doc) {
  doc.object();
  At version = doc["ir_version"];
  if (!version.value.is_number_integer() || version.value.get<int64_t>() != kIrVersion)
    version.fail("unsupported ir_version " + version.value.dump() + ": this mlopsc reads version " +
                 std::to_string(kIrVersion) + " (rebuild pipeline.json with this mlopsc)");
  PipelineGraph g;
  At p = doc["project"];
  g.projectName = p["name"].string();
  g.version = p["version"].string();
  g.riskTier = p["risk_tier"].string();
  g.image = p["image"].stringOrNull();
  g.projectDoc = p["doc"].string();
  g.projectDescription = p["description"].stringOrNull();
  g.root = p["root"].string();
  g.projectLocation = location(p);
  At sources = doc["sources"];
  for (size_t i = 0; i < sources.array().size(); ++i)
    g.sources.push_back({sources.at(i)["path"].string(), sources.at(i)["sha256"].string()});
  At signers = doc["signers"];
  if (!signers.value.is_null()) {
    signers.object();
    // Read by every gate: never a file outside the project.
    g.signers = ir::SignersRef{projectFilePath(signers["path"]), signers["sha256"].string()};
  }
  if (p.has("params")) g.params = projectParams(p["params"]);
  At roles = doc["roles"];
  for (size_t i = 0; i < roles.array().size(); ++i) {
    At r = roles.at(i);
    Role role;
    role.name = r["name"].string();
    role.title = r["title"].stringOrNull();
    role.base = r["base"].stringOrNull();
    role.stdlib = r["stdlib"].boolean();
    role.permissions = r["permissions"].strings();
    role.members = r["members"].strings();
    At quota = r["quota"];
    if (!quota.value.is_null()) {
      quota.object();
      role.quotaCpu = quota.optionalKey("cpu");
      role.quotaMemoryBytes = quota.optionalKey("memory_bytes");
      role.quotaGpu = quota.optionalKey("gpu");
    }
    role.doc = r["doc"].string();
    role.location = location(r);
    g.roles.push_back(std::move(role));
  }
  At kpis = doc["kpis"];
  for (size_t i = 0; i < kpis.array().size(); ++i) {
    At k = kpis.at(i);
    g.kpis.push_back({k["name"].string(), k["owner"].string(), k["metric"].string(), k["doc"].string(),
                      k["description"].stringOrNull(), k["target"]["op"].string(), k["target"]["value"].number(),
                      location(k), {}});
  }
  At nodes = doc["nodes"];
  std::unordered_set<std::string> ids;
  for (size_t i = 0; i < nodes.array().size(); ++i) {
    g.nodes.push_back(node(nodes.at(i)));
    if (!ids.insert(g.nodes.back().id).second) nodes.at(i)["id"].fail("duplicate node id `" + g.nodes.back().id + "`");
    const std::vector<std::string>& reads = g.nodes.back().paramReads;
    for (size_t r = 0; r < reads.size(); ++r)
      if (!hasParam(g.params, reads[r]))
        nodes.at(i)["project_params"].at(r).fail("no project param `" + reads[r] + "` in `project.params`");
  }
  auto known = [&](const At& ref) {
    std::string id = ref.string();
    if (!g.find(id)) ref.fail("no node `" + id + "` in `nodes`");
    return id;
  };
  At edges = doc["edges"];
  for (size_t i = 0; i < edges.array().size(); ++i) {
    At e = edges.at(i);
    g.edges.push_back({known(e["from"]), known(e["to"]), e["kind"].string()});
  }
  At pipelines = doc["pipelines"];
  for (size_t i = 0; i < pipelines.array().size(); ++i) {
    At pl = pipelines.at(i);
    Pipeline out;
    out.name = pl["name"].string();
    out.owner = pl["owner"].stringOrNull();
    out.doc = pl["doc"].string();
    At triggers = pl["triggers"];
    for (size_t t = 0; t < triggers.array().size(); ++t) {
      At tr = triggers.at(t);
      Trigger trigger{tr["kind"].string(), "", {}};
      if (trigger.kind == "push") trigger.value = tr["branch"].string();
      else if (trigger.kind == "pull_request") {
        trigger.value = tr["branch"].stringOrNull();
        if (!tr["branch"].value.is_null() && trigger.value.empty()) tr["branch"].fail("expected a branch, found \"\"");
      }
      else if (trigger.kind == "schedule") trigger.value = tr["cron"].string();
      else if (trigger.kind != "manual") tr["kind"].fail("unknown trigger `" + trigger.kind + "`");
      out.triggers.push_back(std::move(trigger));
    }
    At targets = pl["targets"];
    for (size_t t = 0; t < targets.array().size(); ++t) out.targets.push_back(known(targets.at(t)));
    At members = pl["nodes"];
    for (size_t t = 0; t < members.array().size(); ++t) out.nodes.push_back(known(members.at(t)));
    out.location = location(pl);
    g.pipelines.push_back(std::move(out));
  }
  // Every reference between nodes names a node of the graph.
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    At at = nodes.at(i);
    for (size_t k = 0; k < n.inputs.size(); ++k) known(at["inputs"].at(k)["node"]);
    for (size_t k = 0; k < n.orderAfter.size(); ++k) {
      At ref = at["after"].at(k);
      const Node* waited = g.find(known(ref));
      if (waited->kind == NodeKind::Deploy || waited->kind == NodeKind::Monitor)
        ref.fail("a step or model waits for data, steps, models, tests and gates, not a " +
                 std::string(nodeKindName(waited->kind)));
    }
    if (n.kind == NodeKind::Test) known(at["target"]);
    if (n.kind == NodeKind::Gate) {
      known(at["model"]);
      for (size_t k = 0; k < n.require.size(); ++k) known(at["require"].at(k));
      // What E0503 refuses in a spec is refused in a hand-made graph too:
      // a high risk gate never passes on its tests alone.
      if (n.approvals.empty() && g.riskTier == "high")
        at["approvals"].fail("a gate of a high risk project needs approvals (E0503), found none");
    }
    if (n.kind == NodeKind::Deploy) known(at["model"]), known(at["after"]);
    if (n.kind == NodeKind::Monitor) known(at["deploy"]);
  }
  return g;
}

}  // namespace

const char* jsonTypeName(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

std::optional<PipelineGraph> readPipelineJson(std::string_view text, ReadError& error) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e999
    error = {"", "not valid JSON: " + std::string(e.what()).substr(std::string(e.what()).find(']') + 2)};
    return std::nullopt;
  }
  try {
    return graph(At{doc, ""});
  } catch (const Invalid& invalid) {
    error = {invalid.pointer, invalid.message};
    return std::nullopt;
  }
}

}  // namespace mlops::ir
