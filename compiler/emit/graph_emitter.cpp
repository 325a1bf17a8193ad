#include "emit/graph_emitter.h"

#include "emit/value_text.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <charconv>
#include <cmath>
#include <map>

namespace mlops::emit {
namespace {

using ir::Node;
using ir::NodeKind;

// ---- text

std::string number(double value) { return numberText(value); }
std::string duration(double seconds) { return durationText(seconds); }
std::string bytes(double amount) { return bytesText(amount); }

std::string percent(double fraction) { return number(std::round(fraction * 100 * 1e6) / 1e6) + "%"; }

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Cuts `text` to at most `limit` code points (an ellipsis marks the cut),
// never inside a UTF-8 sequence.
std::string shorten(std::string_view text, std::size_t limit) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points++ == limit - 1) {
      std::size_t rest = 0;
      for (std::size_t j = i; j < text.size(); ++j) rest += (static_cast<unsigned char>(text[j]) & 0xC0) != 0x80;
      if (rest > 1) return std::string(text.substr(0, i)) + "…";
      return std::string(text);
    }
  }
  return std::string(text);
}

// Expressions and strings are shown on one line: a run of white space that
// breaks a line (a multi-line raw string, an expression over two lines)
// becomes one space; other text is kept as written.
std::string oneLine(std::string_view text, std::size_t limit = 48) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::string flat;
  for (std::size_t i = 0; i < text.size();) {
    if (!isSpace(text[i])) {
      flat += text[i++];
      continue;
    }
    std::size_t end = i;
    bool breaks = false;
    while (end < text.size() && isSpace(text[end])) breaks |= text[end++] != ' ';
    if (!breaks) flat.append(text.substr(i, end - i));
    else if (i > 0 && end < text.size()) flat += ' ';
    i = end;
  }
  return shorten(flat, limit);
}

// A literal argument (`{"text": ..., "value": ...}`) as written in the spec.
std::string literalText(const nlohmann::ordered_json& literal) {
  std::string text = literal.value("text", std::string());
  const auto value = literal.find("value");
  if (value != literal.end() && value->is_object() && value->contains("string")) return '"' + text + '"';
  return text;
}

// The IR names stdlib declarations in full (`std.roles.devops`); the
// picture uses the short name a spec writes after `use std.roles`.
std::string shortName(const std::string& name) {
  if (name.rfind("std.", 0) != 0) return name;
  return name.substr(name.rfind('.') + 1);
}

std::vector<std::string> shortNames(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) out.push_back(shortName(name));
  return out;
}

std::string quorum(const std::vector<ir::Approval>& approvals) {
  std::vector<std::string> parts;
  for (const ir::Approval& a : approvals)
    parts.push_back(a.quorum > 1 ? std::to_string(a.quorum) + " of " + shortName(a.role) : shortName(a.role));
  return join(parts, ", ");
}

std::string strategyText(const ir::Strategy& s) {
  std::string out = s.kind;
  if (s.kind == "canary" && !s.steps.empty()) {
    std::vector<std::string> steps;
    for (double step : s.steps) steps.push_back(percent(step));
    out += " " + join(steps, " → ");
  }
  if (s.split) out += " split " + percent(*s.split);
  if (!s.metric.empty()) out += " on " + s.metric;
  if (s.intervalSeconds) out += ", every " + duration(*s.intervalSeconds);
  if (s.durationSeconds) out += ", for " + duration(*s.durationSeconds);
  return out;
}

std::string resourcesText(const ir::Resources& r) {
  std::vector<std::string> parts;
  if (r.cpu) parts.push_back(number(*r.cpu) + " cpu");
  if (r.memoryBytes) parts.push_back(bytes(*r.memoryBytes));
  if (r.gpu && *r.gpu > 0) parts.push_back(number(*r.gpu) + " gpu");
  if (r.timeoutSeconds) parts.push_back(duration(*r.timeoutSeconds));
  return join(parts, " · ");
}

// The lines of a node's label: its name, then what matters about its kind.
std::vector<std::string> labelLines(const Node& n) {
  std::vector<std::string> lines{n.name};
  auto add = [&](std::string line) {
    if (!line.empty()) lines.push_back(std::move(line));
  };
  switch (n.kind) {
    case NodeKind::Data: {
      std::string source = n.source.kind;
      if (!n.source.arguments.empty()) source += (source.empty() ? "" : " ") + oneLine(n.source.arguments.front().second, 40);
      add(oneLine(n.format.empty() ? source : n.format + " · " + source));
      if (!n.pii.empty()) add("PII: " + oneLine(join(n.pii, ", ")));
      break;
    }
    case NodeKind::Step:
      add(resourcesText(n.resources));
      for (const std::string& effect : n.effects) add(oneLine("effect " + effect, 48));
      break;
    case NodeKind::Model: {
      std::vector<std::string> parts;
      if (!n.framework.empty()) parts.push_back(oneLine(n.framework, 24));
      if (!n.kpi.empty()) parts.push_back("KPI " + n.kpi);
      add(join(parts, " · "));
      add(resourcesText(n.resources));
      for (const std::string& effect : n.effects) add(oneLine("effect " + effect, 48));
      break;
    }
    case NodeKind::Test: {
      if (!n.uses.check.empty()) {
        std::vector<std::string> args;
        for (const auto& [name, value] : n.uses.arguments) args.push_back(name + " = " + literalText(value));
        add(oneLine("uses " + shortName(n.uses.check) + (args.empty() ? "" : "(" + join(args, ", ") + ")")));
      }
      add(oneLine(n.expect.source));
      if (n.severity == "warning") add("(warning only)");
      break;
    }
    case NodeKind::Gate:
      add(oneLine(quorum(n.approvals)));
      if (!n.environment.empty() && n.environment != n.name) add("environment " + oneLine(n.environment, 32));
      break;
    case NodeKind::Deploy:
      add(oneLine(strategyText(n.strategy)));
      add(oneLine(n.deployTarget));
      break;
    case NodeKind::Monitor:
      add(oneLine(n.expect.source, 40) + (n.everySeconds ? " every " + duration(*n.everySeconds) : ""));
      if (!n.alert.empty()) add(oneLine("alert " + join(shortNames(n.alert), ", ")));
      break;
  }
  if (!n.when.empty()) add(oneLine("when " + n.when.source, 40));
  return lines;
}

// Lines joined by `\n` (centred) or each ended by `\l` (left-justified).
std::string label(const std::vector<std::string>& lines, bool leftJustified = false) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty() && !leftJustified) out += "\\n";
    out += graphvizText(line);
    if (leftJustified) out += "\\l";
  }
  return out;
}

// ---- style

struct KindStyle {
  const char* shape;
  const char* fill;
  const char* border;
};

KindStyle kindStyle(NodeKind kind) {
  switch (kind) {
    case NodeKind::Data: return {"cylinder", "#dbeafe", "#1d4ed8"};
    case NodeKind::Step: return {"box", "#f1f5f9", "#475569"};
    case NodeKind::Model: return {"box3d", "#fef3c7", "#b45309"};
    case NodeKind::Test: return {"note", "#dcfce7", "#15803d"};
    case NodeKind::Gate: return {"doubleoctagon", "#fee2e2", "#b91c1c"};
    case NodeKind::Deploy: return {"house", "#ede9fe", "#6d28d9"};
    case NodeKind::Monitor: return {"ellipse", "#cffafe", "#0e7490"};
  }
  return {"box", "white", "black"};
}

struct EdgeStyle {
  const char* color;
  const char* style;
  const char* arrowhead;
};

// Data flow is solid and dark; evidence (tests, requirements) is dashed
// green; the release path (gate, rollout) is bold red/purple; monitoring is
// dotted; a step's or model's order-only `after` is dashed grey.
EdgeStyle edgeStyle(const std::string& kind) {
  if (kind == "input") return {"#334155", "solid", "normal"};
  if (kind == "order") return {"#64748b", "dashed", "empty"};  // `after`: waits, reads nothing
  if (kind == "test") return {"#15803d", "dashed", "odot"};
  if (kind == "requires") return {"#15803d", "dashed", "normal"};
  if (kind == "gate-model") return {"#b91c1c", "solid", "normal"};
  if (kind == "after") return {"#b91c1c", "bold", "normal"};
  if (kind == "deploys") return {"#6d28d9", "solid", "normal"};
  if (kind == "monitors") return {"#0e7490", "dotted", "normal"};
  if (kind == "condition") return {"#b45309", "dashed", "diamond"};  // a `when` reads the node
  return {"#334155", "solid", "normal"};
}

// ---- cgraph plumbing

char* mutableText(const char* text) { return const_cast<char*>(text); }

// The attribute symbols of the graph being built, by object kind and name:
// agsafeset looks the symbol up by name on every call, which a 28k-node
// graph does half a million times. Reset when the graph is closed.
struct SymbolCache {
  Agraph_t* root = nullptr;
  std::unordered_map<std::string, Agsym_t*> byKind[3];  // AGRAPH, AGNODE, AGEDGE
};
SymbolCache symbolCache;

// agsafeset: declares the attribute (default "") the first time, then sets it.
void set(void* object, const char* name, const std::string& value) {
  int kind = AGTYPE(object);
  if (kind == AGINEDGE || kind == AGOUTEDGE) kind = AGEDGE;
  Agraph_t* root = agroot(object);
  if (symbolCache.root != root) {
    symbolCache = {};
    symbolCache.root = root;
  }
  Agsym_t*& sym = symbolCache.byKind[kind == AGRAPH ? 0 : kind == AGNODE ? 1 : 2][name];
  if (!sym) sym = agattr(root, kind, mutableText(name), nullptr);
  if (!sym) sym = agattr(root, kind, mutableText(name), mutableText(""));
  agxset(object, sym, mutableText(value.c_str()));
}

// Default attributes, declared once so the DOT says them once.
void declare(Agraph_t* g, int kind, const char* name, const char* value) {
  agattr(g, kind, mutableText(name), mutableText(value));
}

// agwrite goes through the graph's I/O discipline: this one appends to the
// std::string passed as the channel, so DOT is written to memory.
int appendToString(void* channel, const char* text) {
  static_cast<std::string*>(channel)->append(text);
  return 0;
}
int flushNothing(void*) { return 0; }
Agiodisc_t stringOutput = {nullptr, appendToString, flushNothing};

// cgraph's default IDs for named objects are the addresses of their interned
// names, and it keeps subgraphs ordered by ID: cluster order (in the DOT,
// and so in the layout) would follow malloc. These IDs count up in creation
// order instead: even for named objects (cgraph's convention), odd for
// anonymous ones. Names are cgraph strings (agstrdup): cgraph reads a
// header in front of them (is it an HTML string?).
struct IdTable {
  Agraph_t* root;
  std::map<std::string, IDTYPE, std::less<>> ids;
  std::vector<char*> names;  // names[id / 2 - 1]
  IDTYPE nextAnonymous = 1;
};

void* openIds(Agraph_t* root, Agdisc_t*) { return new IdTable{root, {}, {}, 1}; }

long mapId(void* state, int, char* name, IDTYPE* id, int create) {
  auto* table = static_cast<IdTable*>(state);
  if (!name) {
    *id = table->nextAnonymous;
    table->nextAnonymous += 2;
    return 1;
  }
  if (auto it = table->ids.find(std::string_view(name)); it != table->ids.end()) {
    *id = it->second;
    return 1;
  }
  if (!create) return 0;
  *id = 2 * (table->names.size() + 1);
  table->ids.emplace(name, *id);
  table->names.push_back(agstrdup(table->root, name));
  return 1;
}

long allocId(void*, int, IDTYPE) { return 0; }
void freeId(void*, int, IDTYPE) {}

char* printId(void* state, int, IDTYPE id) {
  auto* table = static_cast<IdTable*>(state);
  if (id % 2 != 0 || id == 0 || id / 2 > table->names.size()) return nullptr;
  return table->names[id / 2 - 1];
}

// The names go with the graph's string table, after this.
void closeIds(void* state) { delete static_cast<IdTable*>(state); }
void registerId(void*, int, void*) {}

Agiddisc_t creationOrderIds = {openIds, mapId, allocId, freeId, printId, closeIds, registerId};
Agdisc_t discipline = {&AgMemDisc, &creationOrderIds, &stringOutput};

// Graphviz reports through agerr to stderr; the emitter collects the
// messages instead, so they reach the user as mlopsc diagnostics.
std::vector<std::string>* graphvizMessages = nullptr;

// One Graphviz context for the process, never freed: the pango plugin keeps
// a pointer to the last font name, which lives in the context, so a second
// context after freeing the first reads freed memory (found by ASan).
// gvContext reads the plugin configuration installed with libgvc
// (config6a, written by `dot -c`); the shared libgvc has no
// lt_preloaded_symbols to link the plugins in statically.
GVC_t* context() {
  static GVC_t* shared = gvContext();
  return shared;
}

int collectGraphvizMessage(char* message) {
  if (!graphvizMessages) return 0;
  std::string_view text(message);
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty()) graphvizMessages->emplace_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return 0;
}

}  // namespace

std::string graphvizText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\\') out += "\\\\";
    else if (c == '&') out += "&amp;";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += ' ';
    else if (c < 0x20 || c == 0x7F) out += "\uFFFD";
    // U+FFFE and U+FFFF: EF BF BE, EF BF BF.
    else if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
             (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
      out += "\uFFFD";
      i += 2;
    } else out += static_cast<char>(c);
  }
  return out;
}

std::optional<GraphFormat> parseGraphFormat(std::string_view name) {
  if (name == "dot") return GraphFormat::Dot;
  if (name == "svg") return GraphFormat::Svg;
  if (name == "png") return GraphFormat::Png;
  return std::nullopt;
}

const char* graphFormatName(GraphFormat format) {
  switch (format) {
    case GraphFormat::Dot: return "dot";
    case GraphFormat::Svg: return "svg";
    case GraphFormat::Png: return "png";
  }
  return "?";
}

struct GraphEmitter::Impl {
  const ir::PipelineGraph& ir;
  NodeLink link;
  Agraph_t* graph = nullptr;
  bool laidOut = false;
  std::string dot;  // written before layout adds coordinates
  bool dotWritten = false;
  std::vector<std::string> messages;
  agusererrf previousErrorFunction = nullptr;

  Impl(const ir::PipelineGraph& graph, NodeLink nodeLink) : ir(graph), link(std::move(nodeLink)) {
    graphvizMessages = &messages;
    previousErrorFunction = agseterrf(collectGraphvizMessage);
    build();
  }

  ~Impl() {
    symbolCache = {};
    if (laidOut) gvFreeLayout(context(), graph);
    if (graph) agclose(graph);
    agseterrf(previousErrorFunction);
    graphvizMessages = nullptr;
  }

  void build() {
    std::string name = ir.projectName.empty() ? "pipeline" : ir.projectName;
    graph = agopen(mutableText(name.c_str()), Agdirected, &discipline);
    // Top to bottom: a pipeline has few ranks but wide labels, so left to
    // right gives a long thin strip that shrinks to nothing on screen.
    declare(graph, AGRAPH, "rankdir", "TB");
    declare(graph, AGRAPH, "newrank", "true");
    declare(graph, AGRAPH, "nodesep", "0.25");
    declare(graph, AGRAPH, "ranksep", "0.45");
    declare(graph, AGRAPH, "pad", "0.2");
    declare(graph, AGRAPH, "bgcolor", "white");
    declare(graph, AGRAPH, "fontname", "Helvetica");
    declare(graph, AGRAPH, "fontsize", "12");
    declare(graph, AGNODE, "fontname", "Helvetica");
    declare(graph, AGNODE, "fontsize", "11");
    declare(graph, AGNODE, "style", "filled");
    declare(graph, AGNODE, "penwidth", "1.2");
    declare(graph, AGEDGE, "fontname", "Helvetica");
    declare(graph, AGEDGE, "fontsize", "9");
    declare(graph, AGEDGE, "arrowsize", "0.7");

    std::vector<std::string> title{ir.projectName + (ir.version.empty() ? "" : " " + ir.version)};
    if (!ir.riskTier.empty()) title.back() += " · risk tier " + ir.riskTier;
    set(graph, "label", label(title));
    set(graph, "labelloc", "t");
    set(graph, "labeljust", "l");
    set(graph, "fontsize", "14");
    if (!ir.projectDoc.empty()) set(graph, "tooltip", graphvizText(ir.projectDoc));

    std::map<std::string, Agraph_t*> clusters;
    auto clusterFor = [&](const std::string& owner) -> Agraph_t* {
      if (owner.empty()) return graph;
      if (auto it = clusters.find(owner); it != clusters.end()) return it->second;
      const ir::Role* role = nullptr;
      for (const ir::Role& r : ir.roles)
        if (r.name == owner) role = &r;
      Agraph_t* cluster = agsubg(graph, mutableText(("cluster_" + owner).c_str()), 1);
      set(cluster, "label", label(clusterLabel(owner, role), /*leftJustified=*/true));
      set(cluster, "labeljust", "l");
      set(cluster, "fontsize", "11");
      set(cluster, "style", "rounded,filled");
      set(cluster, "fillcolor", "#f8fafc");
      set(cluster, "color", "#94a3b8");
      // Set on every cluster: a cluster would inherit the project's tooltip.
      set(cluster, "tooltip", graphvizText(role && !role->doc.empty() ? owner + "\n\n" + role->doc : owner));
      clusters.emplace(owner, cluster);
      return cluster;
    };

    // Clusters appear in the order their roles are declared, so the layout
    // does not depend on which node happens to come first.
    for (const ir::Role& r : ir.roles)
      for (const Node& n : ir.nodes)
        if (n.owner == r.name) {
          clusterFor(r.name);
          break;
        }

    // The items of one fan-out sit in a box of their own inside their
    // owner's, labelled with the declaration and how it fans out.
    std::map<std::string, size_t> itemCount;
    for (const Node& n : ir.nodes)
      if (n.fanOut) ++itemCount[fanOutKey(n)];
    std::map<std::string, Agraph_t*> fanOuts;
    auto parentOf = [&](const Node& n) -> Agraph_t* {
      Agraph_t* owner = clusterFor(n.owner);
      if (!n.fanOut) return owner;
      std::string key = fanOutKey(n);
      if (auto it = fanOuts.find(key); it != fanOuts.end()) return it->second;
      Agraph_t* box = agsubg(owner, mutableText(("cluster_fan_out_" + key).c_str()), 1);
      const char* how = n.fanOut->values.contains("key") || n.fanOut->values.contains("item") ? "foreach" : "matrix";
      std::string text = n.fanOut->of + " · " + how + " · " + std::to_string(itemCount[key]) + " items";
      set(box, "label", label({text}, /*leftJustified=*/true));
      set(box, "labeljust", "l");
      set(box, "fontsize", "10");
      set(box, "style", "dashed,rounded");
      set(box, "color", "#64748b");
      set(box, "tooltip", graphvizText(text));
      fanOuts.emplace(key, box);
      return box;
    };

    std::map<std::string, Agnode_t*> nodes;
    for (const Node& n : ir.nodes) {
      Agnode_t* node = agnode(parentOf(n), mutableText(n.id.c_str()), 1);
      nodes.emplace(n.id, node);
      KindStyle style = kindStyle(n.kind);
      set(node, "id", graphvizText(n.id));
      set(node, "label", label(labelLines(n)));
      set(node, "shape", style.shape);
      set(node, "fillcolor", style.fill);
      set(node, "color", style.border);
      set(node, "tooltip", graphvizText(tooltip(n)));
      if (n.kind == NodeKind::Test && n.severity == "warning") set(node, "style", "filled,dashed");
      if (n.kind == NodeKind::Gate) set(node, "penwidth", "1.6");
      if (link)
        if (std::string href = link(n); !href.empty()) set(node, "href", href);
    }

    for (const ir::Edge& e : ir.edges) {
      auto from = nodes.find(e.from), to = nodes.find(e.to);
      if (from == nodes.end() || to == nodes.end()) continue;
      Agedge_t* edge = agedge(graph, from->second, to->second, nullptr, 1);
      EdgeStyle style = edgeStyle(e.kind);
      set(edge, "color", style.color);
      set(edge, "style", style.style);
      set(edge, "arrowhead", style.arrowhead);
      set(edge, "tooltip", graphvizText(e.from + " → " + e.to + " (" + e.kind + ")"));
      if (std::string output = inputOutput(e); !output.empty()) {
        set(edge, "label", graphvizText(output));
        set(edge, "fontcolor", "#475569");
      }
    }
    dotWritten = agwrite(graph, &dot) == 0;
  }

  // `step:featurize` for `step:featurize@us`: the declaration of an item.
  static std::string fanOutKey(const Node& n) { return n.id.substr(0, n.id.rfind('@')); }

  // Hovering over a node in the SVG shows its id, the whole expectation
  // (the label may cut it), its description and its doc comment.
  static std::string tooltip(const Node& n) {
    std::string text = n.id;
    if (!n.expect.empty()) text += "\nexpect " + n.expect.source;
    if (!n.description.empty()) text += "\n\n" + n.description;
    if (!n.doc.empty()) text += "\n\n" + n.doc;
    return text;
  }

  // An input edge from a step output is labelled with the output's name.
  std::string inputOutput(const ir::Edge& e) const {
    if (e.kind != "input") return {};
    const Node* to = ir.find(e.to);
    if (!to) return {};
    for (const ir::Input& in : to->inputs)
      if (in.node == e.from) return in.output;
    return {};
  }

  static std::vector<std::string> clusterLabel(const std::string& owner, const ir::Role* role) {
    std::string name = shortName(owner);
    std::vector<std::string> lines{role && !role->base.empty() ? name + " : " + shortName(role->base) : name};
    if (!role) return lines;
    if (!role->title.empty()) lines.push_back(oneLine(role->title));
    // At most three members per line and six in all, so a big team does not
    // widen its cluster past the nodes it owns.
    constexpr std::size_t kShown = 6, kPerLine = 3;
    std::vector<std::string> line;
    for (std::size_t i = 0; i < role->members.size() && i < kShown; ++i) {
      line.push_back(oneLine(role->members[i], 40));
      if (line.size() == kPerLine) {
        lines.push_back(join(line, ", "));
        line.clear();
      }
    }
    if (role->members.size() > kShown) line.push_back("+" + std::to_string(role->members.size() - kShown) + " more");
    if (!line.empty()) lines.push_back(join(line, ", "));
    return lines;
  }

  bool layOut(std::string& error) {
    if (laidOut) return true;
    if (!context()) {
      error = "cannot start Graphviz";
      return false;
    }
    if (gvLayout(context(), graph, "dot") != 0) {
      error = "Graphviz could not lay out the graph" + detail();
      return false;
    }
    laidOut = true;
    return true;
  }

  std::string detail() const { return messages.empty() ? std::string() : ": " + messages.back(); }
};

GraphEmitter::GraphEmitter(const ir::PipelineGraph& graph, NodeLink link)
    : impl_(std::make_unique<Impl>(graph, std::move(link))) {}

GraphEmitter::~GraphEmitter() = default;

const std::vector<std::string>& GraphEmitter::messages() const { return impl_->messages; }

std::optional<std::string> GraphEmitter::render(GraphFormat format, std::string& error) {
  if (format == GraphFormat::Dot) {
    if (!impl_->dotWritten) {
      error = "Graphviz could not write DOT" + impl_->detail();
      return std::nullopt;
    }
    return impl_->dot;
  }
  if (!impl_->layOut(error)) return std::nullopt;
  char* data = nullptr;
  unsigned int length = 0;
  const char* name = graphFormatName(format);
  if (gvRenderData(context(), impl_->graph, name, &data, &length) != 0) {
    if (data) gvFreeRenderData(data);
    error = std::string("Graphviz cannot render ") + name + impl_->detail() +
            " (is its plugin configuration missing? `dot -c` as root writes it)";
    return std::nullopt;
  }
  std::string out(data, length);
  gvFreeRenderData(data);
  return out;
}

}  // namespace mlops::emit

#if defined(__SANITIZE_ADDRESS__)
#define MLOPS_LEAK_CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MLOPS_LEAK_CHECKED 1
#endif
#endif
#ifdef MLOPS_LEAK_CHECKED
// LeakSanitizer reads this hook. Graphviz 2.42 leaks in its layout (dot's
// virtual edges around clusters), in its plugin configuration, and through
// pango and fontconfig, however carefully the graph and its layout are
// freed (they are, in ~Impl); the shared context is kept on purpose. Only
// those libraries are ignored.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgvc.so\n"
         "leak:libcgraph.so\n"
         "leak:libgvplugin_\n"
         "leak:libpango\n"
         "leak:libfontconfig.so\n"
         "leak:libcairo.so\n";
}
// Without this LeakSanitizer lists the suppressions it used on stderr at
// every exit, and stderr is part of what the tests check.
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }
#endif
