#include "emit/audit_document.h"

#include "emit/dashboard/html_text.h"
#include "emit/plot_svg.h"

namespace mlops::emit {
namespace {

using Json = nlohmann::ordered_json;

std::string str(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
  return j.dump();
}

std::string list(const Json& j, const char* empty = "none") {
  if (!j.is_array() || j.empty()) return empty;
  std::string out;
  for (const Json& x : j) out += (out.empty() ? "" : ", ") + str(x);
  return out;
}

Cell plain(const std::string& s) { return {s, Tone::Plain, false}; }
Cell code(const std::string& s) { return {s, Tone::Plain, !s.empty()}; }
Cell muted(const std::string& s) { return {s, Tone::Muted, false}; }

Cell orNone(const std::string& s, const char* none = "none") { return s.empty() ? muted(none) : plain(s); }

Tone statusTone(const std::string& s) {
  if (s == "passed" || s == "succeeded" || s == "cached" || s == "holds" || s == "verified") return Tone::Good;
  if (s == "warning" || s == "pending" || s == "waiting" || s == "unknown" || s == "finding") return Tone::Warn;
  if (s == "failed" || s == "error" || s == "skipped") return Tone::Bad;
  return Tone::Plain;
}

Block facts(std::vector<std::pair<std::string, Cell>> f, std::string heading = "") {
  Block b;
  b.kind = Block::Kind::Facts;
  b.facts = std::move(f);
  b.heading = std::move(heading);
  return b;
}

Block table(std::vector<std::string> columns, std::string heading = "") {
  Block b;
  b.kind = Block::Kind::Table;
  b.columns = std::move(columns);
  b.heading = std::move(heading);
  return b;
}

Block paragraph(std::vector<Cell> text) {
  Block b;
  b.kind = Block::Kind::Paragraph;
  b.text = std::move(text);
  return b;
}

// A plot: what it shows and its first and last points (all a Markdown
// reader gets), then the chart (HTML).
void plotBlocks(const Json& p, std::vector<Block>& blocks) {
  PlotData data;
  for (const Json& pt : p["points"]) data.points.push_back({pt[0].get<double>(), pt[1].get<double>()});
  PlotChart chart{p["title"].is_null() ? "" : str(p["title"]), str(p["x"]), str(p["y"]), str(p["template"]), &data};
  auto point = [](const PlotPoint& pt) {
    return "(" + dashboard::number(pt.x) + ", " + dashboard::number(pt.y) + ")";
  };
  std::string counted = std::to_string(data.points.size());
  if (p["skipped"].get<size_t>()) counted += ", " + str(p["skipped"]) + " record(s) skipped: no numeric x and y";
  if (p["dropped"].get<size_t>()) counted += ", " + str(p["dropped"]) + " left out past " + std::to_string(kMaxPlotPoints);
  std::vector<std::pair<std::string, Cell>> f{
      {"Node", code(str(p["node"]))},
      {"File", code(str(p["file"]))},
      {"Columns", plain("x: " + str(p["x"]) + ", y: " + str(p["y"]) + " (" + str(p["template"]) + ")")}};
  if (!p["problem"].is_null()) {
    f.push_back({"Data", {"none: " + str(p["problem"]), Tone::Warn, false}});
  } else {
    f.push_back({"Points", plain(counted)});
    f.push_back({"First point", code(point(data.points.front()))});
    f.push_back({"Last point", code(point(data.points.back()))});
  }
  blocks.push_back(facts(std::move(f), "Plot: " + plotTitle(chart)));
  if (std::string svg = renderPlotSvg(chart); !svg.empty()) {
    Block b;
    b.kind = Block::Kind::Chart;
    b.svg = std::move(svg);
    blocks.push_back(std::move(b));
  }
}

}  // namespace

Document auditDocument(const Json& r) {
  Document doc;
  const Json& s = r["summary"];
  doc.title = "Audit report: " + str(s["project"]) + " " + str(s["version"]);

  // 1. summary
  {
    Section sec{"summary", "1. Summary", {}};
    const Json& v = s["verdict"];
    Tone overall = v["errors"].get<int>() > 0 ? Tone::Bad
                   : v["gates_pending"].get<int>() > 0 || s["state"].is_null() ? Tone::Warn
                                                                               : Tone::Good;
    sec.blocks.push_back(paragraph({{"Verdict: " + str(v["overall"]), overall, false}}));
    sec.blocks.push_back(facts({
        {"Project", plain(str(s["project"]))},
        {"Version", plain(str(s["version"]))},
        {"Risk tier", {str(s["risk_tier"]), str(s["risk_tier"]) == "high" ? Tone::Warn : Tone::Plain, false}},
        {"Purpose", orNone(str(s["purpose"]), "not documented")},
        {"Compiler", code("mlopsc " + str(s["compiler_version"]))},
        {"Pipeline graph (IR) SHA-256", code(str(s["ir_sha256"]))},
        {"Errors", {std::to_string(v["errors"].get<int>()), v["errors"].get<int>() ? Tone::Bad : Tone::Good, false}},
        {"Warnings", {std::to_string(v["warnings"].get<int>()), v["warnings"].get<int>() ? Tone::Warn : Tone::Good, false}},
        {"Audit findings", {std::to_string(v["findings"].get<int>()), v["findings"].get<int>() ? Tone::Warn : Tone::Good, false}},
        {"Gates passed / pending", plain(std::to_string(v["gates_passed"].get<int>()) + " / " +
                                         std::to_string(v["gates_pending"].get<int>()))},
        {"Run history", s["state"].is_null() ? muted("none recorded") : code(str(s["state"]))},
    }));
    Block files = table({"source file", "SHA-256"}, "Sources");
    for (const Json& f : s["sources"]) files.rows.push_back({code(str(f["path"])), code(str(f["sha256"]))});
    sec.blocks.push_back(files);
    doc.sections.push_back(sec);
  }

  // 2. model inventory
  {
    Section sec{"models", "2. Model inventory", {}};
    if (r["models"].empty()) sec.blocks.push_back(paragraph({muted("The spec declares no model.")}));
    for (const Json& m : r["models"]) {
      std::string params, outputs;
      for (const Json& p : m["params"]) params += (params.empty() ? "" : ", ") + str(p["name"]) + " = " + str(p["value"]);
      for (const Json& o : m["outputs"]) outputs += (outputs.empty() ? "" : ", ") + str(o["name"]) + ": " + str(o["path"]);
      const Json& k = m["kpi"];
      std::string validation = str(m["validation"]);
      std::vector<std::pair<std::string, Cell>> item;
      if (m.contains("fan_out")) {  // one item of a `foreach` or `matrix`, listed with its siblings
        std::string values;
        const Json& all = m["fan_out"]["values"];
        for (auto v = all.begin(); v != all.end(); ++v) {
          std::string key = v.key().rfind("item.", 0) == 0 ? v.key().substr(5) : v.key();
          values += (values.empty() ? "" : ", ") + key + " = " + (v->is_string() ? v->get<std::string>() : v->dump());
        }
        item.push_back({"Fan-out item", plain(str(m["fan_out"]["item"]) + " of " + str(m["fan_out"]["of"]) + " (" +
                                              values + ")")});
      }
      std::vector<std::pair<std::string, Cell>> rows = item;
      rows.insert(rows.end(),
          {
              {"Purpose", orNone(str(m["purpose"]), "not documented")},
              {"Owner", plain(str(m["owner"]["role"]) + " (" + list(m["owner"]["members"], "no members") + ")")},
              {"Framework", orNone(str(m["framework"]), "not declared")},
              {"Parameters", orNone(params)},
              {"Inputs", orNone(list(m["inputs"], ""))},
              {"Outputs", orNone(outputs)},
              {"KPI", k.is_null() ? Cell{"none linked", Tone::Warn, false}
                                  : plain(str(k["name"]) + ": " + str(k["metric"]) + " " + str(k["target"]) +
                                          " (owner " + str(k["owner"]) + ")")},
              {"Validation status", {validation, validation.find("passed") != std::string::npos ? Tone::Good : Tone::Warn, false}},
          });
      sec.blocks.push_back(facts(std::move(rows), "Model " + str(m["name"])));
    }
    doc.sections.push_back(sec);
  }

  // 3. data lineage
  {
    Section sec{"data", "3. Data lineage", {}};
    for (const Json& d : r["data"]) {
      sec.blocks.push_back(facts(
          {
              {"Description", orNone(str(d["description"]), "not documented")},
              {"Owner", plain(str(d["owner"]["role"]) + " (" + list(d["owner"]["members"], "no members") + ")")},
              {"Source", orNone(str(d["source"]), "not declared")},
              {"Format", orNone(str(d["format"]), "not declared")},
              {"Freshness", orNone(str(d["freshness"]), "not required")},
              {"PII columns", d["pii"].empty() ? muted("none declared") : Cell{list(d["pii"]), Tone::Warn, false}},
          },
          "Data " + str(d["name"])));
      if (!d["schema"].empty()) {
        Block t = table({"column", "type", "constraint", "PII"});
        for (const Json& c : d["schema"])
          t.rows.push_back({code(str(c["column"])), plain(str(c["type"])), c["constraint"] == "" ? muted("none") : code(str(c["constraint"])),
                            c["pii"].get<bool>() ? Cell{"PII", Tone::Warn, false} : muted("no")});
        sec.blocks.push_back(t);
      }
    }
    Block up = table({"model", "upstream data", "upstream steps"}, "Upstream of each model");
    for (const Json& l : r["lineage"])
      up.rows.push_back({code(str(l["model"])), orNone(list(l["data"], "")), orNone(list(l["steps"], ""))});
    sec.blocks.push_back(up);
    if (!r["effects"].empty()) {
      Block effects = table({"node", "effects"}, "Effects outside the project");
      for (const Json& e : r["effects"]) effects.rows.push_back({code(str(e["node"])), code(list(e["effects"]))});
      sec.blocks.push_back(effects);
    }
    doc.sections.push_back(sec);
  }

  // 4. validation tests
  {
    Section sec{"tests", "4. Validation tests", {}};
    Block t = table({"test", "target", "expectation", "threshold", "severity", "reads", "last result"});
    for (const Json& x : r["tests"]) {
      Cell last = muted("not run");
      if (!x["last_result"].is_null()) {
        std::string st = str(x["last_result"]["status"]);
        std::string detail = str(x["last_result"]["detail"]);
        last = {st + (detail.empty() ? "" : ": " + detail) + " (run " + str(x["last_result"]["run"]) + ")",
                statusTone(st), false};
      }
      std::string expect = str(x["expect"]);
      if (!x["check"].is_null()) {
        std::string args;
        for (const Json& a : x["arguments"]) args += (args.empty() ? "" : ", ") + str(a["name"]) + " = " + str(a["value"]);
        expect = "uses " + str(x["check"]) + "(" + args + "): " + expect;
      }
      if (!x["when"].is_null()) expect += " (only when " + str(x["when"]) + ")";
      t.rows.push_back({code(str(x["name"])), code(str(x["target"])), code(expect), orNone(str(x["threshold"]), "-"),
                        {str(x["severity"]), str(x["severity"]) == "blocking" ? Tone::Plain : Tone::Muted, false},
                        plain(list(x["reads"])), last});
    }
    if (t.rows.empty()) sec.blocks.push_back(paragraph({{"The spec declares no test.", Tone::Warn, false}}));
    else sec.blocks.push_back(t);
    for (const Json& p : r["plots"]) plotBlocks(p, sec.blocks);
    doc.sections.push_back(sec);
  }

  // 5. gates and approvals
  {
    Section sec{"gates", "5. Gates and approvals", {}};
    for (const Json& gate : r["gates"]) {
      std::string quorums;
      for (const Json& a : gate["approvals"])
        quorums += (quorums.empty() ? "" : "; ") + (a["quorum"].get<int>() > 1 ? str(a["quorum"]) + " of " : "") +
                   str(a["role"]) + " (" + list(a["members"], "no members") + ")";
      const Json& sod = gate["separation_of_duties"];
      std::string verdict = str(sod["verdict"]);
      std::string st = str(gate["status"]);
      std::vector<std::pair<std::string, Cell>> rows = {
              {"Model", code(str(gate["model"]))},
              {"Environment", orNone(str(gate["environment"]), "not named")},
              {"Required tests", orNone(list(gate["require"], ""))},
              {"Approvals needed", gate["approvals"].empty() ? plain("none: promotion on tests alone") : plain(quorums)},
              {"Separation of duties", {verdict, verdict.rfind("holds", 0) == 0 ? Tone::Good : Tone::Bad, false}},
              {"Status", {st + (gate["current_artifact"].is_null() ? "" : " (artifact " + str(gate["current_artifact"]).substr(0, 12) + ")"),
                          statusTone(st), false}},
          };
      // A conditional gate is decided only when its condition holds (language.md 6.5).
      if (!gate["when"].is_null()) rows.insert(rows.begin() + 3, {"Condition", code(str(gate["when"]))});
      sec.blocks.push_back(facts(rows, "Gate " + str(gate["name"])));
      if (!gate["release_evidence"].is_null()) {
        const Json& ev = gate["release_evidence"];
        sec.blocks.push_back(paragraph(
            {{"Release evidence: gate pass " + str(ev["pass"]) +
                  " rests on signed approvals; export them with the SLSA verification summary for anyone to check "
                  "with ssh-keygen and sha256sum alone: ",
              Tone::Plain, false},
             code(str(ev["export"])),
             {", then ", Tone::Plain, false},
             code(str(ev["verify"])),
             {" (" + str(ev["docs"]) + ").", Tone::Plain, false}}));
      }
      Block ex = table({"may not approve", "why"});
      for (const Json& e : sod["excluded"])
        ex.rows.push_back({plain(str(e["person"])),
                           {str(e["reason"]) + (e["also_in_an_approval_role"].get<bool>() ? " (and listed as an approver)" : ""),
                            e["also_in_an_approval_role"].get<bool>() ? Tone::Bad : Tone::Plain, false}});
      if (!ex.rows.empty()) sec.blocks.push_back(ex);
      Block rec = table({"#", "approved by", "as", "when", "artifact", "signature", "comment"}, "Approvals recorded");
      for (const Json& a : gate["recorded_approvals"]) {
        const Json& sig = a["signature"];
        Cell signature = muted("not signed (no signers file)");
        if (!sig.is_null()) {
          std::string st = str(sig["status"]);
          if (st == "verified")
            signature = {"verified: " + str(sig["principal"]) + " (" + str(sig["key"]) + ")", Tone::Good, false};
          else
            signature = {st + (sig["reason"].is_null() ? std::string() : ": " + str(sig["reason"])),
                         st == "unchecked" ? Tone::Warn : Tone::Bad, false};
        }
        rec.rows.push_back({plain(str(a["id"])), plain(str(a["person"])), plain(str(a["role"])), plain(str(a["at"])),
                            {str(a["artifact"]).substr(0, 12) + (a["for_current_artifact"].get<bool>() ? " (current)" : " (earlier)"),
                             a["for_current_artifact"].get<bool>() ? Tone::Plain : Tone::Muted, true},
                            signature, orNone(str(a["comment"]), "")});
      }
      if (rec.rows.empty() && gate["approvals"].empty())
        sec.blocks.push_back(paragraph({muted("No approval needed: the gate passes when its required tests pass.")}));
      else if (rec.rows.empty()) sec.blocks.push_back(paragraph({muted("No approval recorded.")}));
      else sec.blocks.push_back(rec);
    }
    if (r["gates"].empty()) sec.blocks.push_back(paragraph({{"The spec declares no gate.", Tone::Warn, false}}));
    const Json& log = r["approvals_log"];
    if (log.is_null())
      sec.blocks.push_back(paragraph({muted("Approvals log: no run history was read.")}));
    else if (log["verified"].get<bool>())
      sec.blocks.push_back(paragraph({{"Approvals log: " + str(log["rows"]) + " row(s), hash chain verified.", Tone::Good, false}}));
    else
      for (const Json& p : log["problems"])
        sec.blocks.push_back(paragraph({{"Approvals log tampered with: " + str(p), Tone::Bad, false}}));
    if (!log.is_null() && !str(log["signatures"]["summary"]).empty())
      sec.blocks.push_back(paragraph({{"Signatures: " + str(log["signatures"]["summary"]) + ".",
                                       log["signatures"]["checked"].get<bool>() ? Tone::Plain : Tone::Warn, false}}));
    if (!log.is_null() && !log["signatures"]["problems"].empty()) {
      Block bad = table({"approval that no longer verifies", "why"}, "Approvals that do not verify (no gate counts them)");
      for (const Json& p : log["signatures"]["problems"]) {
        std::string text = str(p);
        size_t colon = text.find("): ");
        bad.rows.push_back({plain(colon == std::string::npos ? text : text.substr(0, colon + 1)),
                            {colon == std::string::npos ? "" : text.substr(colon + 3), Tone::Bad, false}});
      }
      sec.blocks.push_back(bad);
    }
    doc.sections.push_back(sec);
  }

  // 6. monitoring
  {
    Section sec{"monitoring", "6. Ongoing monitoring", {}};
    Block t = table({"monitor", "deploy", "model", "expectation", "cadence", "alerts", "source"});
    for (const Json& m : r["monitors"]) {
      std::string alerts;
      for (const Json& a : m["alert"]) alerts += (alerts.empty() ? "" : "; ") + str(a["role"]) + " (" + list(a["members"], "no members") + ")";
      t.rows.push_back({code(str(m["name"])), code(str(m["deploy"])), code(str(m["model"])), code(str(m["expect"])),
                        orNone(str(m["cadence"]), "during rollouts"), orNone(alerts, "nobody"), code(str(m["source"]))});
    }
    if (t.rows.empty()) sec.blocks.push_back(paragraph({{"The spec declares no monitor.", Tone::Warn, false}}));
    else sec.blocks.push_back(t);
    // KPIs by their readings (docs/language.md 5.3.1).
    Block k = table({"KPI", "metric", "target", "status", "latest offline", "latest online", "readings", "owner"}, "KPIs");
    auto reading = [](const Json& x) -> Cell {
      if (!x.is_object()) return muted("none");
      std::string text = str(x["value"]) + (x["met"].get<bool>() ? " (met" : " (missed") + ", run " + str(x["run"]) +
                         ", " + str(x["at"]) + ")";
      return {text, x["met"].get<bool>() ? Tone::Plain : Tone::Bad, false};
    };
    for (const Json& x : r["kpis"]) {
      std::string status = str(x["status"]);
      k.rows.push_back({code(str(x["name"])), code(str(x["metric"])), code(str(x["target"])),
                        {status, status == "met" ? Tone::Good : status == "missed" ? Tone::Bad : Tone::Warn, false},
                        reading(x["latest"]["offline"]), reading(x["latest"]["online"]),
                        plain(str(x["readings"]) + " (" + str(x["missed"]) + " missed)"),
                        plain(str(x["owner"]["role"]) + " (" + list(x["owner"]["members"], "no members") + ")")});
    }
    if (!k.rows.empty()) sec.blocks.push_back(k);
    // A/B tests and what their rollouts did (docs/language.md 5.9.1).
    Block ab = table({"deploy", "metric", "decision", "action", "run", "conclusion", "latest check"}, "A/B tests");
    for (const Json& x : r["ab_tests"]) {
      const Json& c = x["concluded"];
      const Json& l = x["latest_check"];
      if (!c.is_object()) {
        ab.rows.push_back({code(str(x["name"])), code(str(x["metric"])), muted("not concluded"), muted(""), muted(""),
                           muted(""), l.is_object() ? plain(str(l["summary"])) : muted("none")});
        continue;
      }
      std::string decision = str(c["decision"]);
      ab.rows.push_back({code(str(x["name"])), code(str(x["metric"])),
                         {decision, decision == "promote" ? Tone::Good : Tone::Warn, false}, plain(str(c["action"])),
                         plain(str(c["run"])), plain(str(c["summary"])),
                         l.is_object() ? plain(str(l["summary"]) + " (run " + str(l["run"]) + ")") : muted("none")});
    }
    if (!ab.rows.empty()) sec.blocks.push_back(ab);
    doc.sections.push_back(sec);
  }

  // 7. roles
  {
    Section sec{"roles", "7. Roles and responsibilities", {}};
    Block t = table({"role", "members", "owns", "approves", "is alerted by", "permissions"});
    for (const Json& role : r["roles"]) {
      bool idle = role["owns"].empty() && role["approves"].empty() && role["alerted_by"].empty();
      std::string name = str(role["name"]) + (role["stdlib"].get<bool>() ? " (std)" : "") +
                         (str(role["base"]).empty() ? "" : " : " + str(role["base"]));
      t.rows.push_back({code(name), orNone(list(role["members"], ""), "no members"),
                        idle ? muted("nothing") : orNone(list(role["owns"], ""), "-"), orNone(list(role["approves"], ""), "-"),
                        orNone(list(role["alerted_by"], ""), "-"), plain(list(role["permissions"]))});
    }
    sec.blocks.push_back(t);
    doc.sections.push_back(sec);
  }

  // 8. findings
  {
    Section sec{"findings", "8. Findings", {}};
    Block t = table({"code", "severity", "where", "finding", "explanation"});
    for (const Json& f : r["findings"]) {
      std::string where = str(f["file"]) + (f["line"].get<int>() ? ":" + str(f["line"]) + ":" + str(f["column"]) : "");
      t.rows.push_back({code(str(f["code"])), {str(f["severity"]), statusTone(str(f["severity"])), false}, code(where),
                        plain(str(f["message"])), plain(str(f["explanation"]))});
    }
    if (t.rows.empty()) sec.blocks.push_back(paragraph({{"No findings.", Tone::Good, false}}));
    else sec.blocks.push_back(t);
    doc.sections.push_back(sec);
  }

  // 9. graph
  {
    Section sec{"graph", "9. Pipeline graph", {}};
    if (r["graph_svg"].is_null()) {
      sec.blocks.push_back(paragraph({muted("Not drawn.")}));
    } else {
      Block b;
      b.kind = Block::Kind::Picture;
      b.svg = str(r["graph_svg"]);
      sec.blocks.push_back(b);
    }
    doc.sections.push_back(sec);
  }

  // 10. changes
  {
    Section sec{"changes", "10. Changes since baseline", {}};
    const Json& c = r["changes"];
    if (c.is_null()) {
      sec.blocks.push_back(paragraph({muted("No baseline given (`mlopsc report --baseline OLD`).")}));
    } else {
      sec.blocks.push_back(paragraph({plain("Against " + str(c["baseline"]) + ".")}));
      Block t = table({"change", "declaration", "field", "before", "after", "summary"});
      for (const Json& x : c["items"]) {
        std::string dir = str(x["direction"]);
        Tone tone = dir == "loosened" ? Tone::Bad : dir == "tightened" ? Tone::Good : Tone::Plain;
        t.rows.push_back({{str(x["kind"]) + (dir.empty() ? "" : ", " + dir), tone, false}, code(str(x["declaration"])),
                          plain(str(x["field"])), code(str(x["before"])), code(str(x["after"])),
                          {str(x["summary"]), tone, false}});
      }
      if (t.rows.empty()) sec.blocks.push_back(paragraph({{"No changes.", Tone::Good, false}}));
      else sec.blocks.push_back(t);
    }
    doc.sections.push_back(sec);
  }
  return doc;
}

}  // namespace mlops::emit
