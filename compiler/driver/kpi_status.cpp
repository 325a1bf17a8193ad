#include "driver/kpi_status.h"

#include "runtime/expression.h"
#include "runtime/rollout/kpi_readings.h"
#include "support/display_text.h"

#include <map>

namespace mlops::driver {

namespace {

std::string shown(const std::string& text) { return support::escapeControls(text); }

std::string readingText(const runtime::KpiReading& r, const ir::PipelineGraph& graph) {
  std::string where = r.source == "offline" ? "model " : "monitor ";
  const ir::Node* node = graph.find(r.node);
  where += node ? node->name : shown(r.node);
  std::string out = (r.met ? "met " : "MISSED ") + r.source + " " + runtime::Value{r.value}.describe() + " (" + where +
                    ", run " + std::to_string(r.run) + ", " + shown(r.at) + ")";
  if (!r.met) out += "; alert " + runtime::kpiAlert(graph, r.kpi);
  return out;
}

}  // namespace

void printKpiAndAbStatus(const ir::PipelineGraph& graph, const runtime::Record& record, llvm::raw_ostream& out) {
  bool anyAb = false;
  for (const ir::Node& n : graph.nodes)
    if (n.kind == ir::NodeKind::Deploy && n.strategy.kind == "ab") anyAb = true;
  if (graph.kpis.empty() && !anyAb) return;

  if (!graph.kpis.empty()) {
    // The newest reading of each KPI from each source, as the target is now.
    std::map<std::pair<std::string, std::string>, runtime::KpiReading> latest;
    for (const runtime::KpiReading& r : record.kpiReadings()) latest[{r.kpi, r.source}] = r;
    out << "kpis:\n";
    for (const ir::Kpi& k : graph.kpis) {
      out << "  " << k.name << " (" << shown(k.metric) << ", target " << runtime::kpiTargetText(k) << "): ";
      std::string line;
      for (const char* source : {"offline", "online"}) {
        auto it = latest.find({k.name, source});
        if (it == latest.end()) continue;
        runtime::KpiReading r = it->second;
        // A row read back is judged against today's target, not the one it was written under.
        r.met = runtime::kpiTargetMet(k, r.value);
        line += (line.empty() ? "" : "; ") + readingText(r, graph);
      }
      out << (line.empty() ? "no reading yet (models that declare it write none, or none ran)" : line) << '\n';
    }
  }
  if (anyAb) {
    // The test's conclusion (its final check), and a check since when there is one.
    std::map<std::string, runtime::AbRecord> latest, final;
    for (const runtime::AbRecord& a : record.abConclusions()) {
      latest[a.deploy] = a;
      if (a.stage == "final") final[a.deploy] = a;
    }
    auto line = [&](const runtime::AbRecord& a) {
      out << shown(a.decision) << (a.action.empty() ? "" : ", " + shown(a.action)) << " (" << shown(a.stage)
          << ", run " << a.run << ", " << shown(a.at) << "): " << shown(a.summary) << '\n';
    };
    out << "a/b tests:\n";
    for (const ir::Node& n : graph.nodes) {
      if (n.kind != ir::NodeKind::Deploy || n.strategy.kind != "ab") continue;
      out << "  " << n.name << " (" << shown(n.strategy.metric) << "): ";
      auto f = final.find(n.id);
      auto l = latest.find(n.id);
      if (f == final.end()) out << "not concluded yet" << (l == latest.end() ? "\n" : "; ");
      else line(f->second);
      if (l != latest.end() && (f == final.end() || l->second.id != f->second.id)) {
        if (f != final.end()) out << "    since: ";
        line(l->second);
      }
    }
  }
}

}  // namespace mlops::driver
