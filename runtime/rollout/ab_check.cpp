#include "runtime/rollout/ab_check.h"

#include "runtime/bounded_file.h"

namespace mlops::runtime {

namespace {

// A live source is a small JSON document kept current by the serving side;
// one larger than this is not one.
constexpr size_t kMaxSourceBytes = 16 * 1024 * 1024;

}  // namespace

std::vector<AbSource> abSources(const ir::PipelineGraph& graph, const ir::Node& deploy, bool followLinks) {
  std::vector<AbSource> out;
  for (const ir::Node& m : graph.nodes) {
    if (m.kind != ir::NodeKind::Monitor || m.deploy != deploy.id || m.source.kind != "file") continue;
    std::string path;
    for (const auto& [k, v] : m.source.arguments)
      if (k == "path") path = v;
    if (path.empty()) continue;
    AbSource source{path, nullptr};
    std::string full = graph.root.empty() || path.front() == '/' ? path : graph.root + "/" + path;
    BoundedRead read = readBoundedFile(full, kMaxSourceBytes, followLinks);
    if (read.bytes) {
      nlohmann::ordered_json doc = nlohmann::ordered_json::parse(*read.bytes, nullptr, /*allow_exceptions=*/false);
      if (!doc.is_discarded()) source.document = std::move(doc);
    }
    out.push_back(std::move(source));
  }
  return out;
}

AbSettings abSettings(const ir::PipelineGraph& graph, const ir::Node& deploy) {
  AbSettings settings;
  settings.split = deploy.strategy.split.value_or(0.5);
  settings.higherIsBetter = abHigherIsBetter(graph, deploy.strategy.metric);
  return settings;
}

AbCheck checkAbTest(const ir::PipelineGraph& graph, const ir::Node& deploy, const std::string& stage,
                    const std::string& artifact, int64_t run) {
  AbCheck out;
  out.conclusion = concludeAbTest(abSources(graph, deploy), deploy.strategy.metric, abSettings(graph, deploy));
  AbRecord& r = out.record;
  r.run = run;
  r.deploy = deploy.id;
  r.model = deploy.model;
  r.artifact = artifact;
  r.metric = deploy.strategy.metric;
  r.stage = stage;
  r.decision = abDecisionName(out.conclusion.decision);
  r.conclusion = out.conclusion.toJson().dump();
  r.summary = out.conclusion.describe();
  return out;
}

}  // namespace mlops::runtime
