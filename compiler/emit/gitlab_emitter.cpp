#include "emit/gitlab_emitter.h"

#include "emit/ci_params.h"
#include "emit/codeowners.h"
#include "emit/review_job.h"
#include "emit/target_limits.h"
#include "emit/yaml_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

namespace mlops::emit {
namespace {

// GitLab expands `$NAME` in variable values; `$$` is a literal `$`.
std::string variableValue(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

std::string number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

struct Rule {
  std::string condition;
  const char* when = nullptr;  // `when:` of the rule; null: the job's default
  bool pullRequest = false;    // a merge request pipeline's rule
};

// Git branch names cannot hold `*`, so a branch with one is a glob, as in
// GitHub's filters: `**` matches anything, `*` anything but `/`. Every other
// character matches itself: GitLab's regular expressions (RE2) get it
// escaped, `/` and the quotes too, which would end the pattern or the
// rule's string for GitLab's expression parser.
bool isGlob(const std::string& branch) { return branch.find('*') != std::string::npos; }

std::string globRegex(const std::string& glob) {
  std::string out = "/^";
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '*' && i + 1 < glob.size() && glob[i + 1] == '*') {
      out += ".*";
      ++i;
    } else if (c == '*') {
      out += "[^\\/]*";
    } else if (std::string_view("\\.^$|?+()[]{}/\"'").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out + "$/";
}

class GitLabWriter {
 public:
  GitLabWriter(const ir::PipelineGraph& graph, const CiOptions& options) : graph_(graph), options_(options) {
    configure(out_);
  }

  std::string document() {
    // Plan every pipeline first: stages come from the deepest job.
    struct Planned {
      const ir::Pipeline* pipeline;
      std::vector<CiJob> jobs;
      std::vector<size_t> depth;
      std::vector<std::string> ids;
    };
    std::vector<Planned> plans;
    size_t maxDepth = 0;
    for (const ir::Pipeline& p : graph_.pipelines) {
      Planned plan{&p, planJobs(graph_, p), {}, {}};
      plan.depth.assign(plan.jobs.size(), 0);
      for (size_t i = 0; i < plan.jobs.size(); ++i) {  // jobs are in topological order
        for (size_t n : plan.jobs[i].needs) plan.depth[i] = std::max(plan.depth[i], plan.depth[n] + 1);
        maxDepth = std::max(maxDepth, plan.depth[i] + 1);
        plan.ids.push_back(p.name + ":" + plan.jobs[i].node->id);
      }
      plans.push_back(std::move(plan));
    }
    std::vector<const ir::Node*> monitors = scheduledMonitors(graph_);

    out_ << YAML::BeginMap;
    out_ << YAML::Key << Word{"workflow"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, graph_.projectName);
    out_ << YAML::Key << Word{"rules"} << YAML::Value << YAML::BeginSeq;
    // Merge request pipelines hold the review job (emit/review_job.h) and
    // the jobs of pipelines with `pull_request` triggers; the other jobs'
    // rules ask for push, schedule or web, so a branch with an open merge
    // request does not run them twice.
    std::vector<const char*> sources{"push", "merge_request_event", "schedule", "web"};
    for (const char* source : sources) {
      out_ << YAML::BeginMap << YAML::Key << Word{"if"} << YAML::Value;
      quotedText(out_, std::string("$CI_PIPELINE_SOURCE == \"") + source + "\"");
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq << YAML::EndMap;

    out_ << YAML::Key << Word{"stages"} << YAML::Value << YAML::BeginSeq << Word{"review"};
    for (size_t d = 0; d < maxDepth; ++d) scalar(out_, stageName(d));
    if (!monitors.empty()) out_ << Word{"monitor"};
    out_ << YAML::EndSeq;

    out_ << YAML::Key << Word{"variables"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"MLOPS_IR"} << YAML::Value;
    scalar(out_, variableValue(options_.irPath));
    // Expanded by GitLab: retrying a job keeps the pipeline, and its run.
    out_ << YAML::Key << Word{kRunIdVariable} << YAML::Value;
    scalar(out_, "$CI_PIPELINE_ID");
    for (const auto& [value, name] : branchVariables()) {
      out_ << YAML::Key << Word{name} << YAML::Value;
      scalar(out_, variableValue(value));
    }
    const MlopscRelease& release = options_.mlopsc;
    out_ << YAML::Key << Word{"MLOPSC_VERSION"} << YAML::Value;
    scalar(out_, variableValue(release.version));
    out_ << YAML::Key << Word{"MLOPSC_URL"} << YAML::Value;
    scalar(out_, variableValue(release.urlTemplate));
    out_ << YAML::Key << Word{"MLOPSC_SHA256"} << YAML::Value;
    scalar(out_, variableValue(release.sha256));
    // The typed params as the "Run pipeline" form's prefilled variables
    // (ci_params.h); every job passes the ones set on with `-P`.
    for (const ir::Pipeline& p : graph_.pipelines)
      for (CiParam& param : ciParams(graph_, p))
        if (std::none_of(params_.begin(), params_.end(), [&](const CiParam& q) { return q.param == param.param; }))
          params_.push_back(std::move(param));
    for (const CiParam& p : params_) {
      const ir::ProjectParam& param = *p.param;
      out_ << YAML::Key << Word{p.variable} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"value"} << YAML::Value;
      scalar(out_, variableValue(defaultText(param)));
      if (!p.choices.empty()) {
        out_ << YAML::Key << Word{"options"} << YAML::Value << YAML::BeginSeq;
        for (const std::string& c : p.choices) scalar(out_, variableValue(c));
        out_ << YAML::EndSeq;
      }
      out_ << YAML::Key << Word{"description"} << YAML::Value;
      scalar(out_, "param " + param.key + " (" + param.type + ")" +
                       (param.value ? "" : ", required") +
                       (param.where.empty() ? "" : ", where " + param.where.source));
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;

    // Every job first installs mlopsc of the compiler's version, verified by
    // checksum (emit/mlopsc_install.h), into the job's own folder. The
    // script is the repository's, never spec text: it runs in a subshell so
    // its `exit` fails the job without ending the job's shell early.
    out_ << YAML::Key << Word{"default"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"before_script"} << YAML::Value << YAML::BeginSeq;
    scalar(out_, "export MLOPSC_HOME=\"${MLOPSC_HOME:-$CI_PROJECT_DIR/.mlopsc}\"");
    out_ << YAML::Literal << "(\n" + std::string(installScript()) + ")\n";
    scalar(out_, "export PATH=\"$MLOPSC_HOME/$MLOPSC_VERSION/bin:$PATH\"");
    out_ << YAML::EndSeq << YAML::EndMap;

    reviewJob();
    for (const Planned& plan : plans) {
      std::vector<Rule> rules = pipelineRules(*plan.pipeline);
      // A merge request pipeline runs the head's code: it stops before the
      // gates (docs/ci.md section 2), and so before everything after them.
      std::vector<Rule> gatedRules = rules;
      if (hasPullRequestTrigger(*plan.pipeline))
        gatedRules.insert(gatedRules.begin(), {"$CI_PIPELINE_SOURCE == \"merge_request_event\"", "never"});
      std::vector<bool> gated = gatedJobs(plan.jobs);
      for (size_t i = 0; i < plan.jobs.size(); ++i) {
        std::vector<std::string> needs;
        for (size_t n : plan.jobs[i].needs) needs.push_back(plan.ids[n]);
        job(plan.ids[i], *plan.jobs[i].node, stageName(plan.depth[i]), needs, gated[i] ? gatedRules : rules);
      }
    }
    for (const ir::Node* m : monitors)
      job("monitor:" + m->name, *m, "monitor", {},
          {{"$CI_PIPELINE_SOURCE == \"schedule\" && $MLOPS_SCHEDULE == \"" + m->id + "\""},
           {"$CI_PIPELINE_SOURCE == \"web\" && $MLOPS_SCHEDULE == \"" + m->id + "\""}});
    out_ << YAML::EndMap;
    return finishDocument(out_, kGeneratedHeader);
  }

 private:
  // `mlops:review` (emit/review_job.h, docs/ci.md section 4.1): on merge
  // requests that change the spec's files or the generated ones, with the
  // diagnostics as a Code Quality report and the governance diff as an
  // artifact (and a note, given a token).
  void reviewJob() {
    out_ << YAML::Key << Word{"mlops:review"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"stage"} << YAML::Value << Word{"review"};
    out_ << YAML::Key << Word{"needs"} << YAML::Value;
    emptySeq(out_);
    out_ << YAML::Key << Word{"rules"} << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out_ << YAML::Key << Word{"if"} << YAML::Value;
    quotedText(out_, "$CI_PIPELINE_SOURCE == \"merge_request_event\"");
    out_ << YAML::Key << Word{"changes"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"paths"} << YAML::Value
         << YAML::BeginSeq;
    // GitLab expands variables in these paths: `$` is written `$$`.
    for (const std::string& p : reviewWatchedPaths(options_.review)) scalar(out_, variableValue(p));
    out_ << YAML::EndSeq << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
    out_ << YAML::Key << Word{"variables"} << YAML::Value << YAML::BeginMap;
    // The base commit's tree is read with `git archive`: the whole history.
    out_ << YAML::Key << Word{"GIT_DEPTH"} << YAML::Value;
    scalar(out_, "0");
    for (const auto& [name, value] : reviewVariables(options_, /*withRelease=*/false)) {
      out_ << YAML::Key << Word{name} << YAML::Value;
      scalar(out_, variableValue(value));
    }
    out_ << YAML::EndMap;
    out_ << YAML::Key << Word{"script"} << YAML::Value << YAML::BeginSeq << YAML::Literal << kGitLabReviewScript
         << YAML::EndSeq;
    out_ << YAML::Key << Word{"artifacts"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"when"} << YAML::Value << Word{"always"};
    out_ << YAML::Key << Word{"expose_as"} << YAML::Value;
    scalar(out_, "mlops review");
    out_ << YAML::Key << Word{"paths"} << YAML::Value << YAML::BeginSeq;
    scalar(out_, std::string(kGitLabReviewFolder) + "/");
    out_ << YAML::EndSeq;
    out_ << YAML::Key << Word{"reports"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"codequality"}
         << YAML::Value;
    scalar(out_, std::string(kGitLabReviewFolder) + "/codequality.json");
    out_ << YAML::EndMap << YAML::EndMap;
    out_ << YAML::EndMap;
  }

  static std::string stageName(size_t depth) { return "stage-" + std::to_string(depth + 1); }

  // Branch names the rules cannot quote (they hold both quote characters)
  // are compared through a variable instead.
  std::map<std::string, std::string> branchVariables() {
    std::map<std::string, std::string> vars;
    for (const ir::Pipeline& p : graph_.pipelines)
      for (const ir::Trigger& t : p.triggers)
        if ((t.kind == "push" || t.kind == "pull_request") && !isGlob(t.value) &&
            t.value.find('"') != std::string::npos && t.value.find('\'') != std::string::npos &&
            !vars.count(t.value))
          vars.emplace(t.value, "MLOPS_BRANCH_" + std::to_string(vars.size() + 1));
    return vars;
  }

  std::string branchOperand(const std::string& branch) {
    if (branch.find('"') == std::string::npos && branch.find('\\') == std::string::npos) return "\"" + branch + "\"";
    if (branch.find('\'') == std::string::npos && branch.find('\\') == std::string::npos) return "'" + branch + "'";
    return "$" + branchVariables().at(branch);
  }

  // `$VARIABLE == "main"`, or a regular expression match for a glob.
  std::string branchMatch(const std::string& variable, const std::string& branch) {
    return isGlob(branch) ? variable + " =~ " + globRegex(branch) : variable + " == " + branchOperand(branch);
  }

  std::vector<Rule> pipelineRules(const ir::Pipeline& p) {
    std::vector<Rule> rules;
    bool manual = p.triggers.empty(), scheduled = false;
    for (const ir::Trigger& t : p.triggers) {
      if (t.kind == "push")
        rules.push_back({t.value.empty() ? "$CI_PIPELINE_SOURCE == \"push\""
                                         : "$CI_PIPELINE_SOURCE == \"push\" && " +
                                               branchMatch("$CI_COMMIT_BRANCH", t.value)});
      else if (t.kind == "pull_request")
        rules.push_back({t.value.empty() ? "$CI_PIPELINE_SOURCE == \"merge_request_event\""
                                         : "$CI_PIPELINE_SOURCE == \"merge_request_event\" && " +
                                               branchMatch("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", t.value),
                         nullptr, true});
      else if (t.kind == "schedule")
        scheduled = true;
      else if (t.kind == "manual")
        manual = true;
    }
    std::string id = "pipeline:" + p.name;
    if (scheduled) rules.push_back({"$CI_PIPELINE_SOURCE == \"schedule\" && $MLOPS_SCHEDULE == \"" + id + "\""});
    // A manual run ("Run pipeline") runs every pipeline unless MLOPS_PIPELINE names one.
    if (manual)
      rules.push_back({"$CI_PIPELINE_SOURCE == \"web\" && ($MLOPS_PIPELINE == null || $MLOPS_PIPELINE == \"" +
                       p.name + "\")"});
    return rules;
  }

  void job(const std::string& id, const ir::Node& node, const std::string& stage,
           const std::vector<std::string>& needs, const std::vector<Rule>& rules) {
    bool gate = node.kind == ir::NodeKind::Gate;
    // A gate with `approvals = []` passes on its tests alone: nobody plays it.
    bool approvalGate = gate && !node.approvals.empty();
    out_ << YAML::Key;
    scalar(out_, id);
    out_ << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"stage"} << YAML::Value;
    scalar(out_, stage);
    std::string image = node.image;
    if (node.kind != ir::NodeKind::Step && node.kind != ir::NodeKind::Model && node.kind != ir::NodeKind::Deploy)
      image = graph_.image;
    if (!image.empty()) {
      out_ << YAML::Key << Word{"image"} << YAML::Value;
      scalar(out_, image);
    }
    out_ << YAML::Key << Word{"needs"} << YAML::Value;
    if (needs.empty()) emptySeq(out_);  // start at once, whatever the stage
    else {
      out_ << YAML::BeginSeq;
      for (const std::string& n : needs) {
        out_ << YAML::BeginMap << YAML::Key << Word{"job"} << YAML::Value;
        scalar(out_, n);
        out_ << YAML::Key << Word{"artifacts"} << YAML::Value << true << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    out_ << YAML::Key << Word{"rules"} << YAML::Value << YAML::BeginSeq;
    for (const Rule& r : rules) {
      out_ << YAML::BeginMap << YAML::Key << Word{"if"} << YAML::Value;
      quotedText(out_, r.condition);
      // A gate waits for a person to play it (who may is set by the
      // environment's protection, protected-environments.json).
      if (r.when) out_ << YAML::Key << Word{"when"} << YAML::Value << Word{r.when};
      else if (approvalGate) out_ << YAML::Key << Word{"when"} << YAML::Value << Word{"manual"};
      // The protected MLOPS_STATE variable is not given to merge request
      // pipelines of other branches; the job records into a file of its own.
      if (r.pullRequest && ir::needsRecord(node)) {
        out_ << YAML::Key << Word{"variables"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{kStateVariable}
             << YAML::Value;
        scalar(out_, kPullRequestRecord);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
    if (gate) out_ << YAML::Key << Word{"allow_failure"} << YAML::Value << false;
    out_ << YAML::Key << Word{"variables"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"MLOPS_NODE"} << YAML::Value;
    scalar(out_, node.id);
    // Requests the Kubernetes executor honours (when the runner allows
    // overwriting them); other executors ignore them.
    if (node.resources.cpu) {
      out_ << YAML::Key << Word{"KUBERNETES_CPU_REQUEST"} << YAML::Value;
      scalar(out_, number(*node.resources.cpu));
    }
    if (node.resources.memoryBytes) {
      out_ << YAML::Key << Word{"KUBERNETES_MEMORY_REQUEST"} << YAML::Value;
      scalar(out_, number(*node.resources.memoryBytes));
    }
    if (node.resources.gpu) {
      out_ << YAML::Key << Word{"MLOPS_GPU"} << YAML::Value;
      scalar(out_, number(*node.resources.gpu));
    }
    out_ << YAML::EndMap;
    if (approvalGate || node.kind == ir::NodeKind::Deploy) {
      const ir::Node* g = gate ? &node : graph_.find(node.after);
      if (g) {
        out_ << YAML::Key << Word{"environment"} << YAML::Value << YAML::BeginMap;
        out_ << YAML::Key << Word{"name"} << YAML::Value;
        scalar(out_, environmentOf(*g));
        out_ << YAML::Key << Word{"action"} << YAML::Value << (gate ? "prepare" : "start");
        out_ << YAML::EndMap;
      }
    }
    if (node.kind == ir::NodeKind::Deploy) {
      out_ << YAML::Key << Word{"resource_group"} << YAML::Value;
      scalar(out_, "deploy-" + node.name);
    }
    out_ << YAML::Key << Word{"script"} << YAML::Value << YAML::BeginSeq << Word{runCommandWithParams(params_)}
         << YAML::EndSeq;
    if (node.kind != ir::NodeKind::Monitor) {
      out_ << YAML::Key << Word{"artifacts"} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"paths"} << YAML::Value << YAML::BeginSeq;
      scalar(out_, std::string(kArtifactRoot) + "/" + artifactDirName(node.id));
      out_ << YAML::EndSeq << YAML::EndMap;
    }
    if (std::optional<double> minutes = jobTimeoutMinutes(node)) {
      out_ << YAML::Key << Word{"timeout"} << YAML::Value;
      scalar(out_, std::to_string(static_cast<long long>(*minutes)) + " minutes");
    }
    // The runtime retries failed commands itself (with backoff, as locally);
    // GitLab retries only what the runtime cannot: lost runners and timeouts.
    if (node.resources.retries && *node.resources.retries >= 1) {
      out_ << YAML::Key << Word{"retry"} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"max"} << YAML::Value
           << std::min<long long>(kGitLabMaxRetry, static_cast<long long>(*node.resources.retries));
      out_ << YAML::Key << Word{"when"} << YAML::Value << YAML::BeginSeq << Word{"runner_system_failure"}
           << Word{"stuck_or_timeout_failure"} << Word{"scheduler_failure"} << YAML::EndSeq;
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  static std::string environmentOf(const ir::Node& gate) {
    return gate.environment.empty() ? gate.name : gate.environment;
  }

  const ir::PipelineGraph& graph_;
  std::vector<CiParam> params_;  // of every pipeline
  const CiOptions& options_;
  YAML::Emitter out_;
};

nlohmann::ordered_json protectedEnvironments(const ir::PipelineGraph& graph) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ir::Node& n : graph.nodes) {
    if (n.kind != ir::NodeKind::Gate || n.approvals.empty()) continue;  // nothing to approve
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (const ir::Approval& a : n.approvals) {
      std::vector<std::string> members;
      for (const ir::Role& r : graph.roles)
        if (r.name == a.role) members = r.members;
      rules.push_back({{"role", a.role}, {"required_approvals", a.quorum}, {"members", members}});
    }
    list.push_back({{"name", n.environment.empty() ? n.name : n.environment},
                    {"gate", n.id},
                    {"approval_rules", std::move(rules)}});
  }
  return {{"project", graph.projectName}, {"environments", std::move(list)}};
}

nlohmann::ordered_json schedules(const ir::PipelineGraph& graph) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ir::Pipeline& p : graph.pipelines)
    for (const ir::Trigger& t : p.triggers)
      if (t.kind == "schedule")
        list.push_back({{"description", "pipeline " + p.name},
                        {"cron", t.value},
                        {"variables", {{"MLOPS_SCHEDULE", "pipeline:" + p.name}}}});
  for (const ir::Node* m : scheduledMonitors(graph))
    list.push_back({{"description", "monitor " + m->name},
                    {"cron", cronEvery(*m->everySeconds, 60).cron},
                    {"variables", {{"MLOPS_SCHEDULE", m->id}}}});
  return {{"project", graph.projectName}, {"schedules", std::move(list)}};
}

std::string json(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::vector<GeneratedFile> emitGitLab(const ir::PipelineGraph& graph, const CiOptions& options) {
  std::vector<GeneratedFile> files;
  // Every spec has its review job, so the configuration is never without jobs.
  files.push_back({"gitlab/.gitlab-ci.yml", GitLabWriter(graph, options).document(), ""});
  files.push_back({"gitlab/CODEOWNERS", codeOwnersFile(graph, options.review.owned, CiTarget::GitLab), ""});
  files.push_back({"gitlab/protected-environments.json", json(protectedEnvironments(graph)), ""});
  files.push_back({"gitlab/schedules.json", json(schedules(graph)), ""});
  return files;
}

}  // namespace mlops::emit
