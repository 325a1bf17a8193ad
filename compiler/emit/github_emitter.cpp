#include "emit/github_emitter.h"

#include "emit/ci_params.h"
#include "emit/codeowners.h"
#include "emit/review_job.h"
#include "emit/target_limits.h"
#include "emit/yaml_text.h"

#include <nlohmann/json.hpp>

#include <map>

namespace mlops::emit {
namespace {

constexpr const char* kRunner = "ubuntu-latest";
constexpr const char* kCheckout = "actions/checkout@v4";
constexpr const char* kUpload = "actions/upload-artifact@v4";
constexpr const char* kDownload = "actions/download-artifact@v4";
constexpr const char* kUploadSarif = "github/codeql-action/upload-sarif@v3";
constexpr const char* kGitHubScript = "actions/github-script@v7";
// The pull request's branch is in the repository itself, not a fork.
constexpr const char* kSameRepository = "github.event.pull_request.head.repo.full_name == github.repository";

// A string from the spec, for a field GitHub evaluates `${{ … }}` in.
std::string literal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "${{") == 0) {
      out += kGitHubExpressionEscape;
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void text(YAML::Emitter& out, const std::string& s) { scalar(out, literal(s)); }

// A job id takes letters, digits, `_` and `-` only: an item of a fan-out
// (`step:featurize@0.1`) becomes `step-featurize--0_1`.
std::string jobIdFor(const ir::Node& node) {
  std::string out;
  for (char c : artifactDirName(node.id)) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    out += word ? std::string(1, c) : c == '@' ? std::string("--") : std::string("_");
  }
  return out;
}

class WorkflowWriter {
 public:
  WorkflowWriter(const ir::PipelineGraph& graph, const CiOptions& options) : graph_(graph), options_(options) {
    configure(out_);
  }

  std::string pipeline(const ir::Pipeline& p) {
    std::vector<CiJob> jobs = planJobs(graph_, p);
    params_ = ciParams(graph_, p);
    IdAllocator ids(/*caseInsensitive=*/true);
    std::vector<std::string> jobIds;
    for (const CiJob& j : jobs) jobIds.push_back(ids.take(jobIdFor(*j.node)));

    out_ << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, graph_.projectName + " " + p.name);
    triggers(p);
    common("mlops-" + p.name + "-${{ github.ref }}");
    out_ << YAML::Key << Word{"jobs"} << YAML::Value << YAML::BeginMap;
    // A pull request's run executes the head's code and spec: it stops
    // before the gates (docs/ci.md section 2), and gets no secrets.
    pullRequests_ = hasPullRequestTrigger(p);
    std::vector<bool> gated = gatedJobs(jobs);
    for (size_t i = 0; i < jobs.size(); ++i) {
      std::vector<std::string> needs;
      for (size_t n : jobs[i].needs) needs.push_back(jobIds[n]);
      const ir::Node& node = *jobs[i].node;
      std::vector<std::string> downloads;
      for (size_t n : jobs[i].needs) downloads.push_back(artifactDirName(jobs[n].node->id));
      std::string condition = pullRequests_ && gated[i] ? "github.event_name != 'pull_request'" : "";
      if (node.kind == ir::NodeKind::Gate) {
        std::vector<std::string> gateNeeds = needs;
        for (const ir::Approval& a : node.approvals) {
          std::string id = ids.take("approve-" + node.name + "-" + shortName(a.role));
          approvalJob(id, node, a, needs, condition);
          gateNeeds.push_back(id);
        }
        nodeJob(jobIds[i], node, gateNeeds, downloads, condition);
      } else {
        nodeJob(jobIds[i], node, needs, downloads, condition);
      }
    }
    out_ << YAML::EndMap << YAML::EndMap;
    return finishDocument(out_, kGeneratedHeader);
  }

  std::string monitors(const std::vector<const ir::Node*>& monitors) {
    params_.clear();  // monitors run on a schedule, with the params' defaults
    std::map<double, std::string> crons;  // one schedule per distinct interval
    for (const ir::Node* m : monitors) {
      CronSchedule c = cronEvery(*m->everySeconds, kGitHubMinimumScheduleSeconds);
      crons.emplace(-c.seconds, c.cron);
    }
    out_ << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, graph_.projectName + " monitors");
    out_ << YAML::Key << PlatformKey{"on"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"schedule"} << YAML::Value << YAML::BeginSeq;
    for (const auto& [seconds, cron] : crons) {
      out_ << YAML::BeginMap << YAML::Key << Word{"cron"} << YAML::Value;
      scalar(out_, cron);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
    out_ << YAML::Key << Word{"workflow_dispatch"} << YAML::Value;
    emptyMap(out_);
    out_ << YAML::EndMap;
    common("mlops-monitors");
    out_ << YAML::Key << Word{"jobs"} << YAML::Value << YAML::BeginMap;
    IdAllocator ids(/*caseInsensitive=*/true);
    for (const ir::Node* m : monitors) {
      CronSchedule c = cronEvery(*m->everySeconds, kGitHubMinimumScheduleSeconds);
      // Each monitor runs on its own schedule, and on every manual run.
      std::string condition =
          "github.event_name == 'workflow_dispatch' || github.event.schedule == '" + c.cron + "'";
      nodeJob(ids.take(jobIdFor(*m)), *m, {}, {}, condition);
    }
    out_ << YAML::EndMap << YAML::EndMap;
    return finishDocument(out_, kGeneratedHeader);
  }

  // OUT/github/mlops-review.yml (emit/review_job.h, docs/ci.md section 3.1):
  // three jobs, each with only the permissions it needs: `check` (contents:
  // read), `code-scanning` (security-events: write, to upload SARIF) and
  // `governance-diff` (pull-requests: write, to comment).
  std::string review() {
    out_ << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, graph_.projectName + " review");
    out_ << YAML::Key << PlatformKey{"on"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"pull_request"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"paths"} << YAML::Value << YAML::BeginSeq;
    for (const std::string& p : reviewWatchedPaths(options_.review)) text(out_, p);
    out_ << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
    permissions({{"contents", "read"}});
    // A newer push to the pull request replaces the review of the older one.
    out_ << YAML::Key << Word{"concurrency"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"group"} << YAML::Value;
    scalar(out_, "mlops-review-${{ github.event.pull_request.number }}");
    out_ << YAML::Key << Word{"cancel-in-progress"} << YAML::Value << true << YAML::EndMap;
    out_ << YAML::Key << Word{"env"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"MLOPS_IR"} << YAML::Value;
    text(out_, options_.irPath);
    for (const auto& [name, value] : reviewVariables(options_, /*withRelease=*/true)) {
      out_ << YAML::Key << Word{name} << YAML::Value;
      text(out_, value);
    }
    out_ << YAML::EndMap;
    out_ << YAML::Key << Word{"jobs"} << YAML::Value << YAML::BeginMap;

    reviewJob("check", "check the spec, its format and the generated files", {}, 1);
    runStep("Check the spec", kReviewCheckScript, false);
    runStep("Check the format", kReviewFormatScript, true);
    runStep("Check the generated files", kReviewBuildCheckScript, true);
    out_ << YAML::EndSeq << YAML::EndMap;

    reviewJob("code-scanning", "upload the diagnostics to code scanning",
              {{"contents", "read"}, {"security-events", "write"}}, 1);
    runStep("Write the diagnostics as SARIF", kReviewSarifScript, false);
    // A fork's token cannot write security events: its pull request gets
    // the `check` job's annotations only.
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"Upload to code scanning"};
    out_ << YAML::Key << Word{"if"} << YAML::Value;
    scalar(out_, kSameRepository);
    out_ << YAML::Key << Word{"uses"} << YAML::Value << Word{kUploadSarif};
    out_ << YAML::Key << Word{"with"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"sarif_file"} << YAML::Value;
    scalar(out_, "${{ runner.temp }}/mlops.sarif");
    out_ << YAML::Key << Word{"category"} << YAML::Value << Word{"mlopsc"};
    out_ << YAML::EndMap << YAML::EndMap;
    out_ << YAML::EndSeq << YAML::EndMap;

    // The whole history: the base commit's tree is read with `git archive`.
    reviewJob("governance-diff", "governance diff against the target branch",
              {{"contents", "read"}, {"pull-requests", "write"}}, 0);
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"Compare with the target branch"};
    out_ << YAML::Key << Word{"env"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"MLOPS_BASE_SHA"} << YAML::Value;
    scalar(out_, "${{ github.event.pull_request.base.sha }}");
    out_ << YAML::EndMap;
    out_ << YAML::Key << Word{"run"} << YAML::Value << YAML::Literal << kReviewDiffScript << YAML::EndMap;
    // A pull request from a fork gets a read-only token: its diff stays in
    // the job summary.
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"Comment on the pull request"};
    out_ << YAML::Key << Word{"if"} << YAML::Value;
    scalar(out_, kSameRepository);
    out_ << YAML::Key << Word{"uses"} << YAML::Value << Word{kGitHubScript};
    out_ << YAML::Key << Word{"env"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"MLOPS_DIFF"} << YAML::Value;
    scalar(out_, "${{ runner.temp }}/mlops-diff.md");
    out_ << YAML::EndMap;
    out_ << YAML::Key << Word{"with"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"script"} << YAML::Value << YAML::Literal << kReviewCommentScript;
    out_ << YAML::EndMap << YAML::EndMap;
    out_ << YAML::EndSeq << YAML::EndMap;

    out_ << YAML::EndMap << YAML::EndMap;
    return finishDocument(out_, kGeneratedHeader);
  }

 private:
  void permissions(const std::vector<std::pair<const char*, const char*>>& grants) {
    out_ << YAML::Key << Word{"permissions"} << YAML::Value << YAML::BeginMap;
    for (const auto& [scope, level] : grants) out_ << YAML::Key << Word{scope} << YAML::Value << Word{level};
    out_ << YAML::EndMap;
  }

  // A review job up to its `steps:` sequence (left open): checkout, install.
  void reviewJob(const char* id, const char* name, const std::vector<std::pair<const char*, const char*>>& grants,
                 int fetchDepth) {
    out_ << YAML::Key << Word{id} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value << Word{name};
    out_ << YAML::Key << Word{"runs-on"} << YAML::Value << Word{kRunner};
    if (!grants.empty()) permissions(grants);
    out_ << YAML::Key << Word{"steps"} << YAML::Value << YAML::BeginSeq;
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"Check out"};
    out_ << YAML::Key << Word{"uses"} << YAML::Value << Word{kCheckout};
    out_ << YAML::Key << Word{"with"} << YAML::Value << YAML::BeginMap;
    if (fetchDepth != 1) out_ << YAML::Key << Word{"fetch-depth"} << YAML::Value << fetchDepth;
    out_ << YAML::Key << Word{"persist-credentials"} << YAML::Value << false << YAML::EndMap << YAML::EndMap;
    installStep();
  }

  // A step running fixed script text; `always`: also after an earlier step
  // failed (each check reports on its own), not when the run is cancelled.
  void runStep(const char* name, const char* script, bool always) {
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{name};
    if (always) {
      out_ << YAML::Key << Word{"if"} << YAML::Value;
      scalar(out_, "success() || failure()");
    }
    out_ << YAML::Key << Word{"run"} << YAML::Value << YAML::Literal << script << YAML::EndMap;
  }

  void triggers(const ir::Pipeline& p) {
    std::vector<std::string> branches, targets, crons;
    bool pushAll = false, pullRequestAll = false, pullRequest = false, manual = p.triggers.empty();
    for (const ir::Trigger& t : p.triggers) {
      if (t.kind == "push") {
        if (t.value.empty()) pushAll = true;
        else branches.push_back(t.value);
      } else if (t.kind == "pull_request") {
        pullRequest = true;
        if (t.value.empty()) pullRequestAll = true;
        else targets.push_back(t.value);
      } else if (t.kind == "schedule") {
        crons.push_back(t.value);
      } else if (t.kind == "manual") {
        manual = true;
      }
    }
    out_ << YAML::Key << PlatformKey{"on"} << YAML::Value << YAML::BeginMap;
    if (pushAll) {
      out_ << YAML::Key << Word{"push"} << YAML::Value;
      emptyMap(out_);
    } else if (!branches.empty()) {
      out_ << YAML::Key << Word{"push"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"branches"} << YAML::Value
           << YAML::BeginSeq;
      // `on` is not evaluated for expressions: branch filters are written as given.
      for (const std::string& b : branches) scalar(out_, b);
      out_ << YAML::EndSeq << YAML::EndMap;
    }
    // `pull_request` filters on the target (base) branch; none: every one.
    if (pullRequest) {
      out_ << YAML::Key << Word{"pull_request"} << YAML::Value;
      if (pullRequestAll) {
        emptyMap(out_);
      } else {
        out_ << YAML::BeginMap << YAML::Key << Word{"branches"} << YAML::Value << YAML::BeginSeq;
        for (const std::string& b : targets) scalar(out_, b);
        out_ << YAML::EndSeq << YAML::EndMap;
      }
    }
    if (!crons.empty()) {
      out_ << YAML::Key << Word{"schedule"} << YAML::Value << YAML::BeginSeq;
      for (const std::string& c : crons) {
        out_ << YAML::BeginMap << YAML::Key << Word{"cron"} << YAML::Value;
        text(out_, c);
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq;
    }
    if (manual) {
      out_ << YAML::Key << Word{"workflow_dispatch"} << YAML::Value;
      if (params_.empty()) emptyMap(out_);
      else dispatchInputs();
    }
    out_ << YAML::EndMap;
  }

  // The typed params as the run's form (ci_params.h). A number's or a
  // boolean's default is written as one; a list is a string input (W0710).
  void dispatchInputs() {
    out_ << YAML::BeginMap << YAML::Key << Word{"inputs"} << YAML::Value << YAML::BeginMap;
    for (const CiParam& p : params_) {
      const ir::ProjectParam& param = *p.param;
      out_ << YAML::Key << Word{p.input} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"description"} << YAML::Value;
      text(out_, "param " + param.key + " (" + param.type + ")" +
                     (param.where.empty() ? "" : ", where " + param.where.source));
      out_ << YAML::Key << Word{"required"} << YAML::Value << !param.value.has_value();
      // Numbers are string inputs: GitHub's `number` type is not accepted
      // by every validator (actionlint refuses it), and the job's `-P`
      // checks the text against the param's type before anything runs.
      std::string type = !p.choices.empty() ? "choice" : param.type == "bool" ? "boolean" : "string";
      out_ << YAML::Key << Word{"type"} << YAML::Value << Word{type};
      if (param.value) {
        out_ << YAML::Key << Word{"default"} << YAML::Value;
        if (type == "boolean") out_ << param.value->get<bool>();
        else text(out_, defaultText(param));
      }
      if (!p.choices.empty()) {
        out_ << YAML::Key << Word{"options"} << YAML::Value << YAML::BeginSeq;
        for (const std::string& c : p.choices) text(out_, c);
        out_ << YAML::EndSeq;
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap << YAML::EndMap;
  }

  // permissions, concurrency and env, shared by every workflow.
  void common(const std::string& concurrencyGroup) {
    out_ << YAML::Key << Word{"permissions"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"contents"} << YAML::Value
         << Word{"read"} << YAML::EndMap;
    out_ << YAML::Key << Word{"concurrency"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"group"} << YAML::Value;
    scalar(out_, concurrencyGroup);
    out_ << YAML::Key << Word{"cancel-in-progress"} << YAML::Value << false << YAML::EndMap;
    out_ << YAML::Key << Word{"env"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"MLOPS_IR"} << YAML::Value;
    text(out_, options_.irPath);
    // Re-runs of a workflow run keep its run_id: they join the same run.
    out_ << YAML::Key << Word{kRunIdVariable} << YAML::Value;
    scalar(out_, "${{ github.run_id }}");
    out_ << YAML::EndMap;
  }

  void needsList(const std::vector<std::string>& needs) {
    if (needs.empty()) return;
    out_ << YAML::Key << Word{"needs"} << YAML::Value << YAML::BeginSeq;
    for (const std::string& n : needs) scalar(out_, n);
    out_ << YAML::EndSeq;
  }

  void approvalJob(const std::string& id, const ir::Node& gate, const ir::Approval& a,
                   const std::vector<std::string>& needs, const std::string& condition) {
    out_ << YAML::Key << Word{id} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, "approve gate " + gate.name + " as " + shortName(a.role) +
                     (a.quorum > 1 ? " (" + std::to_string(a.quorum) + " needed)" : ""));
    needsList(needs);
    if (!condition.empty()) {
      out_ << YAML::Key << Word{"if"} << YAML::Value;
      scalar(out_, condition);
    }
    out_ << YAML::Key << Word{"runs-on"} << YAML::Value << Word{kRunner};
    out_ << YAML::Key << Word{"environment"} << YAML::Value;
    text(out_, gitHubApprovalEnvironment(gate, a));
    out_ << YAML::Key << Word{"steps"} << YAML::Value << YAML::BeginSeq;
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"Record the approval"};
    out_ << YAML::Key << Word{"env"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"MLOPS_GATE"} << YAML::Value;
    scalar(out_, gate.id);
    out_ << YAML::Key << Word{"MLOPS_ROLE"} << YAML::Value;
    scalar(out_, a.role);
    out_ << YAML::EndMap;
    out_ << YAML::Key << Word{"run"} << YAML::Value
         << Word{"echo \"the environment's reviewers approved $MLOPS_GATE for role $MLOPS_ROLE\""};
    out_ << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  }

  void nodeJob(const std::string& id, const ir::Node& node, const std::vector<std::string>& needs,
               const std::vector<std::string>& downloads, const std::string& condition = {}) {
    out_ << YAML::Key << Word{id} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, displayName(node));
    needsList(needs);
    if (!condition.empty()) {
      out_ << YAML::Key << Word{"if"} << YAML::Value;
      scalar(out_, condition);
    }
    out_ << YAML::Key << Word{"runs-on"} << YAML::Value << Word{kRunner};
    std::string image = node.image;
    if (node.kind != ir::NodeKind::Step && node.kind != ir::NodeKind::Model && node.kind != ir::NodeKind::Deploy)
      image = graph_.image;
    if (!image.empty()) {
      out_ << YAML::Key << Word{"container"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"image"} << YAML::Value;
      text(out_, image);
      out_ << YAML::EndMap;
    }
    if (node.kind == ir::NodeKind::Deploy) {
      if (const ir::Node* gate = graph_.find(node.after); gate && !gate->environment.empty()) {
        out_ << YAML::Key << Word{"environment"} << YAML::Value;
        text(out_, gate->environment);
      }
      // One rollout of a deploy at a time; a newer run waits, never cancels.
      out_ << YAML::Key << Word{"concurrency"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"group"} << YAML::Value;
      scalar(out_, "deploy-" + node.name);
      out_ << YAML::Key << Word{"cancel-in-progress"} << YAML::Value << false << YAML::EndMap;
    }
    if (std::optional<double> minutes = jobTimeoutMinutes(node))
      out_ << YAML::Key << Word{"timeout-minutes"} << YAML::Value << static_cast<long long>(*minutes);
    out_ << YAML::Key << Word{"steps"} << YAML::Value << YAML::BeginSeq;
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"Check out"};
    out_ << YAML::Key << Word{"uses"} << YAML::Value << Word{kCheckout};
    out_ << YAML::Key << Word{"with"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"persist-credentials"}
         << YAML::Value << false << YAML::EndMap << YAML::EndMap;
    installStep();
    for (const std::string& d : downloads) {
      out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, "Download " + d);
      out_ << YAML::Key << Word{"uses"} << YAML::Value << Word{kDownload};
      out_ << YAML::Key << Word{"with"} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, d);
      out_ << YAML::Key << Word{"path"} << YAML::Value;
      scalar(out_, std::string(kArtifactRoot) + "/" + d);
      out_ << YAML::EndMap << YAML::EndMap;
    }
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, "Run " + displayName(node));
    out_ << YAML::Key << Word{"env"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"MLOPS_NODE"} << YAML::Value;
    scalar(out_, node.id);
    // Secrets reach this step only, through the environment; the record's
    // address only the steps of nodes that need it.
    if (ir::needsRecord(node)) {
      out_ << YAML::Key << Word{kStateVariable} << YAML::Value;
      scalar(out_, pullRequests_ ? std::string("${{ github.event_name != 'pull_request' && secrets.") + kStateVariable +
                                       " || '" + kPullRequestRecord + "' }}"
                                 : secret(kStateVariable));
    }
    for (const std::string& s : node.secrets) {
      out_ << YAML::Key << Word{s} << YAML::Value;
      scalar(out_, secret(s));
    }
    // Inputs only through the environment: `${{ inputs.x }}` in the script
    // would paste a form's text into the shell (script injection).
    for (const CiParam& p : params_) {
      out_ << YAML::Key << Word{p.variable} << YAML::Value;
      scalar(out_, "${{ inputs." + p.input + " }}");
    }
    out_ << YAML::EndMap;
    out_ << YAML::Key << Word{"run"} << YAML::Value << Word{runCommandWithParams(params_)} << YAML::EndMap;
    if (node.kind != ir::NodeKind::Monitor) {
      std::string dir = artifactDirName(node.id);
      out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, "Upload " + dir);
      out_ << YAML::Key << Word{"uses"} << YAML::Value << Word{kUpload};
      out_ << YAML::Key << Word{"with"} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, dir);
      out_ << YAML::Key << Word{"path"} << YAML::Value;
      scalar(out_, std::string(kArtifactRoot) + "/" + dir);
      out_ << YAML::Key << Word{"if-no-files-found"} << YAML::Value << Word{"error"};
      out_ << YAML::EndMap << YAML::EndMap;
    }
    out_ << YAML::EndSeq << YAML::EndMap;
  }

  // `${{ secrets.S }}`; in a workflow that pull requests start, empty for
  // them: GitHub withholds secrets from forks, and a branch of the
  // repository gets none either (its head's code runs).
  std::string secret(const std::string& name) const {
    return pullRequests_ ? "${{ github.event_name != 'pull_request' && secrets." + name + " || '' }}"
                         : "${{ secrets." + name + " }}";
  }

  // mlopsc of the compiler's version, checksum-verified (emit/mlopsc_install.h).
  void installStep() {
    const MlopscRelease& r = options_.mlopsc;
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"Install mlopsc"};
    out_ << YAML::Key << Word{"uses"} << YAML::Value;
    text(out_, withVersion(r.setupAction, r.version));
    out_ << YAML::Key << Word{"with"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"version"} << YAML::Value;
    text(out_, r.version);
    out_ << YAML::Key << Word{"url"} << YAML::Value;
    text(out_, r.urlTemplate);
    if (!r.sha256.empty()) {
      out_ << YAML::Key << Word{"sha256"} << YAML::Value;
      text(out_, r.sha256);
    }
    out_ << YAML::EndMap << YAML::EndMap;
  }

  const ir::PipelineGraph& graph_;
  std::vector<CiParam> params_;  // of the pipeline being written
  const CiOptions& options_;
  YAML::Emitter out_;
  bool pullRequests_ = false;  // the pipeline being written runs on pull requests
};

nlohmann::ordered_json environments(const ir::PipelineGraph& graph) {
  auto roleMembers = [&](const std::string& name) {
    for (const ir::Role& r : graph.roles)
      if (r.name == name) return r.members;
    return std::vector<std::string>{};
  };
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::map<std::string, nlohmann::ordered_json> deployments;  // by environment name
  for (const ir::Node& n : graph.nodes) {
    if (n.kind == ir::NodeKind::Gate)
      for (const ir::Approval& a : n.approvals) {
        std::vector<std::string> members = roleMembers(a.role);
        list.push_back({{"name", gitHubApprovalEnvironment(n, a)},
                        {"purpose", "approval"},
                        {"gate", n.id},
                        {"role", a.role},
                        {"quorum", a.quorum},
                        {"reviewers", members},
                        {"prevent_self_review", true},
                        {"enforced_by_github", a.quorum <= 1 && members.size() <= kGitHubMaxReviewers}});
      }
    if (n.kind == ir::NodeKind::Deploy)
      if (const ir::Node* gate = graph.find(n.after); gate && !gate->environment.empty()) {
        nlohmann::ordered_json& env = deployments[gate->environment];
        if (env.is_null())
          env = {{"name", gate->environment}, {"purpose", "deployment"}, {"deploys", nlohmann::ordered_json::array()},
                 {"secrets", nlohmann::ordered_json::array()}};
        env["deploys"].push_back(n.id);
        for (const std::string& s : n.secrets)
          if (std::find(env["secrets"].begin(), env["secrets"].end(), s) == env["secrets"].end())
            env["secrets"].push_back(s);
      }
  }
  for (auto& [name, env] : deployments) list.push_back(std::move(env));
  return {{"project", graph.projectName}, {"environments", std::move(list)}};
}

}  // namespace

std::string gitHubApprovalEnvironment(const ir::Node& gate, const ir::Approval& approval) {
  return (gate.environment.empty() ? gate.name : gate.environment) + "-" + shortName(approval.role);
}

std::vector<GeneratedFile> emitGitHub(const ir::PipelineGraph& graph, const CiOptions& options) {
  std::vector<GeneratedFile> files;
  std::set<std::string> names;
  for (const ir::Pipeline& p : graph.pipelines) {
    files.push_back({"github/" + p.name + ".yml", WorkflowWriter(graph, options).pipeline(p), p.name});
    names.insert(p.name);
  }
  std::vector<const ir::Node*> monitors = scheduledMonitors(graph);
  if (!monitors.empty()) {
    std::string name = names.count("monitors") ? "monitors-schedule" : "monitors";
    files.push_back({"github/" + name + ".yml", WorkflowWriter(graph, options).monitors(monitors), ""});
  }
  files.push_back({"github/mlops-review.yml", WorkflowWriter(graph, options).review(), ""});
  files.push_back({"github/CODEOWNERS", codeOwnersFile(graph, options.review.owned, CiTarget::GitHub), ""});
  files.push_back({"github/environments.json",
                   environments(graph).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", ""});
  return files;
}

}  // namespace mlops::emit
