#include "runtime/interpolation.h"

#include "ir/source_kinds.h"
#include "ir/project_params.h"
#include "support/shell_quote.h"

#include <algorithm>

namespace mlops::runtime {
namespace {

bool shellSafe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == '/' || c == ',' || c == ':' || c == '@' || c == '+' || c == '%' || c == '=' || c >= 0x80;
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

template <class Map>
const std::string* lookup(const Map& items, const std::string& key) {
  for (const auto& [k, v] : items)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace

std::string projectPath(const std::string& root, const std::string& path) {
  if (path.empty() || path[0] == '/' || root.empty() || root == ".") return path;
  return root + "/" + path;
}

std::string shellWord(std::string_view value) {
  bool safe = !value.empty();
  for (char c : value) safe = safe && shellSafe(static_cast<unsigned char>(c));
  if (safe) return std::string(value);
  return support::shellQuote(value);
}

std::optional<std::string> inputPath(const ir::PipelineGraph& graph, const ir::Input& input, std::string& error) {
  const ir::Node* producer = graph.find(input.node);
  if (!producer) {
    error = "input `" + input.as + "` names `" + input.node + "`, which is not in the graph";
    return std::nullopt;
  }
  if (producer->kind == ir::NodeKind::Data) {
    // A file's path; an http or git source's copy under .mlops/sources.
    if (std::optional<std::string> path = ir::localDataPath(producer->source)) return *path;
    error = "input `" + input.as + "` is " + (producer->source.kind.empty() ? "data" : producer->source.kind) +
            " data without a file path";
    return std::nullopt;
  }
  if (const std::string* path = lookup(producer->outputs, input.output)) return *path;
  error = "input `" + input.as + "`: `" + producer->name + "` has no output `" + input.output + "`";
  return std::nullopt;
}

std::optional<Interpolated> interpolate(const ir::PipelineGraph& graph, const ir::Node& node, std::string_view text,
                                        std::string& error) {
  // The compiler refused these (E0304); a hand-edited pipeline.json or an
  // interpolation spelled with `\u{24}` reaches here unchecked.
  std::vector<ir::InterpolationSite> sites = ir::interpolationSites(text);
  for (const ir::InterpolationSite& site : sites)
    if (!ir::allowedIn(site.context, text.substr(site.begin, site.end - site.begin))) {
      error = "`" + std::string(text.substr(site.begin, std::min<size_t>(site.end - site.begin, 60))) + "` sits " +
              ir::describe(site.context) + ", where its quoting does not hold: an interpolation must start a shell word";
      return std::nullopt;
    }
  Interpolated out;
  auto nextSite = sites.begin();
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "$${") == 0) {  // a literal `${`
      out.command += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out.command += text[i++];
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      error = "unterminated interpolation `" + std::string(text.substr(i, 20)) + "`";
      return std::nullopt;
    }
    while (nextSite != sites.end() && nextSite->begin < i) ++nextSite;
    bool quoted = nextSite != sites.end() && nextSite->begin == i && nextSite->context != ir::ShellContext::Bare;
    std::string path = trim(text.substr(i + 2, close - i - 2));
    std::string written = "${" + path + "}";
    i = close + 1;
    auto rest = [&](std::string_view prefix) -> std::optional<std::string> {
      if (path.compare(0, prefix.size(), prefix) != 0 || path.size() == prefix.size()) return std::nullopt;
      return path.substr(prefix.size());
    };
    if (auto as = rest("inputs.")) {
      // An output of a fan-out is one input per item: each path its own word.
      std::string words;
      std::vector<std::string> seen;
      for (const ir::Input& in : node.inputs) {
        if (in.as != *as || std::find(seen.begin(), seen.end(), in.node) != seen.end()) continue;
        seen.push_back(in.node);
        std::optional<std::string> p = inputPath(graph, in, error);
        if (!p) return std::nullopt;
        words += (words.empty() ? "" : " ") + shellWord(*p);
      }
      if (words.empty()) {
        error = "`" + written + "`: " + ir::nodeKindName(node.kind) + " `" + node.name + "` has no input `" + *as + "`";
        return std::nullopt;
      }
      out.command += words;
    } else if (auto name = rest("outputs.")) {
      const std::string* p = lookup(node.outputs, *name);
      if (!p) {
        error = "`" + written + "`: " + ir::nodeKindName(node.kind) + " `" + node.name + "` has no output `" + *name + "`";
        return std::nullopt;
      }
      out.command += shellWord(*p);
    } else if (auto name = rest("params.")) {
      const ir::Param* param = nullptr;
      for (const ir::Param& p : node.params)
        if (p.name == *name) param = &p;
      if (param && param->value.contains("text") && param->value["text"].is_string()) {
        out.command += shellWord(param->value["text"].get<std::string>());
      } else if (std::optional<nlohmann::ordered_json> value = ir::paramValue(graph, *name); value && !param) {
        out.command += shellWord(ir::paramText(*value));  // the project's (ir/project_params.h)
      } else {
        error = "`" + written + "`: " + ir::nodeKindName(node.kind) + " `" + node.name + "` has no parameter `" + *name +
                "`" + (ir::findParam(graph.params, *name) ? ": no `-P " + *name + "=VALUE` gave it" : "");
        return std::nullopt;
      }
    } else if (auto name = rest("secrets.")) {
      if (std::find(node.secrets.begin(), node.secrets.end(), *name) == node.secrets.end()) {
        error = "`" + written + "`: `" + *name + "` is not in the `secrets` of " + ir::nodeKindName(node.kind) + " `" +
                node.name + "`";
        return std::nullopt;
      }
      // Inside the command's double quotes the reference needs no quotes of its own.
      out.command += quoted ? "${" + *name + "}" : "\"$" + *name + "\"";
      if (std::find(out.secrets.begin(), out.secrets.end(), *name) == out.secrets.end()) out.secrets.push_back(*name);
    } else if (auto name = rest("model.outputs.")) {
      const ir::Node* model = node.kind == ir::NodeKind::Deploy ? graph.find(node.model) : nullptr;
      const std::string* p = model ? lookup(model->outputs, *name) : nullptr;
      if (!p) {
        error = "`" + written + "`: " +
                (model ? "model `" + model->name + "` has no output `" + *name + "`"
                       : std::string("only a deploy has a `model`"));
        return std::nullopt;
      }
      out.command += shellWord(*p);
    } else if (path == "project.version") {
      out.command += shellWord(graph.version);
    } else {
      error = "`" + written + "` is not an interpolation the runtime knows: expected inputs.NAME, outputs.NAME, "
              "params.NAME, secrets.NAME, model.outputs.NAME or project.version";
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace mlops::runtime
