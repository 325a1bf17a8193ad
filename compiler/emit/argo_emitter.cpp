#include "emit/argo_emitter.h"

#include "emit/ci_params.h"
#include "emit/yaml_text.h"

#include <cmath>

namespace mlops::emit {
namespace {

constexpr const char* kSourcePath = "/src";
// Where the init container puts mlopsc (an emptyDir shared with the node's
// container), and where the mlopsc image holds the unpacked release archive
// (packaging/Containerfile).
constexpr const char* kToolsVolume = "mlopsc";
constexpr const char* kToolsPath = "/mlops-tools";
constexpr const char* kImageReleasePath = "/opt/mlopsc/.";

std::string quantity(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  // Fractions of a CPU in millicores, as Kubernetes writes them.
  return std::to_string(static_cast<long long>(std::llround(v * 1000))) + "m";
}

class ArgoWriter {
 public:
  ArgoWriter(const ir::PipelineGraph& graph, const CiOptions& options) : graph_(graph), options_(options) {
    configure(out_);
  }

  std::string workflow(const ir::Pipeline& p) {
    std::vector<CiJob> jobs = planJobs(graph_, p);
    params_ = ciParams(graph_, p);
    IdAllocator ids(/*caseInsensitive=*/false);
    std::vector<std::string> names;
    for (const CiJob& j : jobs) names.push_back(ids.take(dnsLabel(artifactDirName(j.node->id))));
    header("Workflow", dnsLabel(graph_.projectName + "-" + p.name, 50) + "-", p.doc.empty() ? graph_.projectDoc : p.doc);
    out_ << YAML::Key << Word{"spec"} << YAML::Value << YAML::BeginMap;
    workflowSpec();
    out_ << YAML::Key << Word{"templates"} << YAML::Value << YAML::BeginSeq;

    // The DAG.
    std::vector<std::pair<std::string, const ir::Node*>> suspends;  // approval step per gate
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"main"};
    out_ << YAML::Key << Word{"dag"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"tasks"} << YAML::Value
         << YAML::BeginSeq;
    for (size_t i = 0; i < jobs.size(); ++i) {
      std::vector<std::string> deps;
      for (size_t n : jobs[i].needs) deps.push_back(names[n]);
      // A gate with `approvals = []` passes on its tests alone: no suspend.
      if (jobs[i].node->kind == ir::NodeKind::Gate && !jobs[i].node->approvals.empty()) {
        std::string approve = ids.take("approve-" + dnsLabel(jobs[i].node->name, 40));
        task(approve, approve, deps, {});
        suspends.emplace_back(approve, jobs[i].node);
        std::vector<std::string> gateDeps = deps;
        gateDeps.push_back(approve);
        task(names[i], names[i], gateDeps, jobs[i].needs, &jobs, &names);
      } else {
        task(names[i], names[i], deps, jobs[i].needs, &jobs, &names);
      }
    }
    out_ << YAML::EndSeq << YAML::EndMap << YAML::EndMap;

    for (auto& [name, gate] : suspends) {
      out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, name);
      out_ << YAML::Key << Word{"suspend"} << YAML::Value;
      emptyMap(out_);
      out_ << YAML::EndMap;
    }
    for (size_t i = 0; i < jobs.size(); ++i) {
      std::vector<std::string> inputs;
      for (size_t n : jobs[i].needs) inputs.push_back(artifactDirName(jobs[n].node->id));
      containerTemplate(names[i], *jobs[i].node, inputs, jobs[i].node->kind != ir::NodeKind::Monitor);
    }
    out_ << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
    return finishDocument(out_, kGeneratedHeader);
  }

  std::string cronMonitor(const ir::Node& m) {
    params_.clear();  // monitors run on a schedule, with the params' defaults
    header("CronWorkflow", "", m.doc);
    out_ << YAML::Key << Word{"spec"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"schedules"} << YAML::Value << YAML::BeginSeq;
    scalar(out_, cronEvery(*m.everySeconds, 60).cron);
    out_ << YAML::EndSeq;
    out_ << YAML::Key << Word{"concurrencyPolicy"} << YAML::Value << Word{"Forbid"};
    out_ << YAML::Key << Word{"workflowSpec"} << YAML::Value << YAML::BeginMap;
    workflowSpec();
    out_ << YAML::Key << Word{"templates"} << YAML::Value << YAML::BeginSeq;
    std::string name = dnsLabel(artifactDirName(m.id));
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"main"};
    out_ << YAML::Key << Word{"dag"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"tasks"} << YAML::Value
         << YAML::BeginSeq;
    task(name, name, {}, {});
    out_ << YAML::EndSeq << YAML::EndMap << YAML::EndMap;
    containerTemplate(name, m, {}, false);
    out_ << YAML::EndSeq << YAML::EndMap << YAML::EndMap << YAML::EndMap;
    return finishDocument(out_, kGeneratedHeader);
  }

 private:
  void header(const char* kind, const std::string& generateName, const std::string& description) {
    out_ << YAML::BeginMap;
    out_ << YAML::Key << Word{"apiVersion"} << YAML::Value << Word{"argoproj.io/v1alpha1"};
    out_ << YAML::Key << Word{"kind"} << YAML::Value << Word{kind};
    out_ << YAML::Key << Word{"metadata"} << YAML::Value << YAML::BeginMap;
    if (!generateName.empty()) {
      out_ << YAML::Key << Word{"generateName"} << YAML::Value;
      scalar(out_, generateName);
    } else {
      out_ << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, name_);
    }
    out_ << YAML::Key << Word{"labels"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"app.kubernetes.io/managed-by"} << YAML::Value << Word{"mlopsc"};
    out_ << YAML::Key << Word{"app.kubernetes.io/part-of"} << YAML::Value;
    scalar(out_, dnsLabel(graph_.projectName));
    out_ << YAML::EndMap;
    if (!description.empty()) {
      out_ << YAML::Key << Word{"annotations"} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"workflows.argoproj.io/description"} << YAML::Value;
      scalar(out_, description);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  // entrypoint and the parameters every run takes: where the sources are,
  // which revision, where pipeline.json is in them, and the image of nodes
  // that name none.
  void workflowSpec() {
    out_ << YAML::Key << Word{"entrypoint"} << YAML::Value << Word{"main"};
    out_ << YAML::Key << Word{"arguments"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"parameters"} << YAML::Value
         << YAML::BeginSeq;
    parameter("repo", std::nullopt, "Git URL of the repository holding the spec");
    parameter("revision", std::string("HEAD"), "Commit, branch or tag to run");
    parameter("ir", options_.irPath, "pipeline.json, relative to the repository root");
    if (graph_.image.empty()) parameter("image", std::nullopt, "Container image of nodes that name none");
    // The typed params the nodes read (ci_params.h): without a default, the
    // workflow cannot be submitted without them.
    for (const CiParam& p : params_) {
      const ir::ProjectParam& param = *p.param;
      out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, argoParameter(p));
      if (param.value) {
        out_ << YAML::Key << Word{"value"} << YAML::Value;
        scalar(out_, defaultText(param));
      }
      if (!p.choices.empty()) {
        out_ << YAML::Key << Word{"enum"} << YAML::Value << YAML::BeginSeq;
        for (const std::string& c : p.choices) scalar(out_, c);
        out_ << YAML::EndSeq;
      }
      out_ << YAML::Key << Word{"description"} << YAML::Value;
      scalar(out_, "param " + param.key + " (" + param.type + ")" +
                       (param.where.empty() ? "" : ", where " + param.where.source));
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq << YAML::EndMap;
    out_ << YAML::Key << Word{"volumes"} << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value << Word{kToolsVolume};
    out_ << YAML::Key << Word{"emptyDir"} << YAML::Value;
    emptyMap(out_);
    out_ << YAML::EndMap << YAML::EndSeq;
  }

  void toolsMount() {
    out_ << YAML::Key << Word{"volumeMounts"} << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value << Word{kToolsVolume};
    out_ << YAML::Key << Word{"mountPath"} << YAML::Value << Word{kToolsPath};
    out_ << YAML::EndMap << YAML::EndSeq;
  }

  // mlopsc of the compiler's version, copied from the mlopsc image into the
  // shared emptyDir before the node's own image starts (emit/mlopsc_install.h).
  void installInitContainer() {
    const MlopscRelease& r = options_.mlopsc;
    out_ << YAML::Key << Word{"initContainers"} << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value << Word{"install-mlopsc"};
    out_ << YAML::Key << Word{"image"} << YAML::Value;
    scalar(out_, withVersion(r.image, r.version));
    out_ << YAML::Key << Word{"command"} << YAML::Value << YAML::Flow << YAML::BeginSeq << Word{"cp"} << Word{"-a"}
         << Word{kImageReleasePath} << Word{kToolsPath} << YAML::EndSeq;
    toolsMount();
    out_ << YAML::EndMap << YAML::EndSeq;
  }

  // An `env` entry whose value is the key `name` of the project's Secret.
  void secretEnv(const std::string& name) {
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, name);
    out_ << YAML::Key << Word{"valueFrom"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"secretKeyRef"}
         << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, argoSecretName(graph_));
    out_ << YAML::Key << Word{"key"} << YAML::Value;
    scalar(out_, name);
    out_ << YAML::EndMap << YAML::EndMap << YAML::EndMap;
  }

  // `param-` keeps a param apart from the workflow's own parameters (repo, ir, ...).
  static std::string argoParameter(const CiParam& p) { return "param-" + p.input; }

  void parameter(const char* name, const std::optional<std::string>& value, const char* description) {
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{name};
    if (value) {
      out_ << YAML::Key << Word{"value"} << YAML::Value;
      scalar(out_, *value);
    }
    out_ << YAML::Key << Word{"description"} << YAML::Value;
    scalar(out_, description);
    out_ << YAML::EndMap;
  }

  void task(const std::string& name, const std::string& tmpl, const std::vector<std::string>& deps,
            const std::vector<size_t>& inputs, const std::vector<CiJob>* jobs = nullptr,
            const std::vector<std::string>* names = nullptr) {
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, name);
    out_ << YAML::Key << Word{"template"} << YAML::Value;
    scalar(out_, tmpl);
    if (!deps.empty()) {
      out_ << YAML::Key << Word{"dependencies"} << YAML::Value << YAML::BeginSeq;
      for (const std::string& d : deps) scalar(out_, d);
      out_ << YAML::EndSeq;
    }
    if (!inputs.empty() && jobs && names) {
      out_ << YAML::Key << Word{"arguments"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"artifacts"} << YAML::Value
           << YAML::BeginSeq;
      for (size_t n : inputs) {
        std::string artifact = artifactDirName((*jobs)[n].node->id);
        out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
        scalar(out_, artifact);
        out_ << YAML::Key << Word{"from"} << YAML::Value;
        scalar(out_, "{{tasks." + (*names)[n] + ".outputs.artifacts." + artifact + "}}");
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndSeq << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  void containerTemplate(const std::string& name, const ir::Node& node, const std::vector<std::string>& inputs,
                         bool outputs) {
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
    scalar(out_, name);
    out_ << YAML::Key << Word{"inputs"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"artifacts"} << YAML::Value
         << YAML::BeginSeq;
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"source"};
    out_ << YAML::Key << Word{"path"} << YAML::Value << Word{kSourcePath};
    out_ << YAML::Key << Word{"git"} << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << Word{"repo"} << YAML::Value << YAML::DoubleQuoted << "{{workflow.parameters.repo}}";
    out_ << YAML::Key << Word{"revision"} << YAML::Value << YAML::DoubleQuoted << "{{workflow.parameters.revision}}";
    out_ << YAML::EndMap << YAML::EndMap;
    for (const std::string& in : inputs) {
      out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, in);
      out_ << YAML::Key << Word{"path"} << YAML::Value;
      scalar(out_, std::string(kSourcePath) + "/" + kArtifactRoot + "/" + in);
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq << YAML::EndMap;

    installInitContainer();
    out_ << YAML::Key << Word{"container"} << YAML::Value << YAML::BeginMap;
    std::string image = node.image;
    if (node.kind != ir::NodeKind::Step && node.kind != ir::NodeKind::Model && node.kind != ir::NodeKind::Deploy)
      image = graph_.image;
    out_ << YAML::Key << Word{"image"} << YAML::Value;
    if (image.empty()) out_ << YAML::DoubleQuoted << "{{workflow.parameters.image}}";
    else scalar(out_, image);
    out_ << YAML::Key << Word{"command"} << YAML::Value << YAML::Flow << YAML::BeginSeq
         << Word{std::string(kToolsPath) + "/bin/mlopsc"} << YAML::EndSeq;
    out_ << YAML::Key << Word{"args"} << YAML::Value << YAML::BeginSeq << Word{"run"};
    out_ << YAML::DoubleQuoted << "{{workflow.parameters.ir}}";
    out_ << Word{"--node"};
    scalar(out_, node.id);
    out_ << Word{"--artifacts"} << Word{kArtifactRoot};
    // Arguments, not a shell: the value is one argv word whatever it holds.
    for (const CiParam& p : params_) {
      out_ << Word{"-P"};
      scalar(out_, p.param->key + "={{workflow.parameters." + argoParameter(p) + "}}");
    }
    out_ << YAML::EndSeq;
    out_ << YAML::Key << Word{"workingDir"} << YAML::Value << Word{kSourcePath};
    toolsMount();
    // GitHub Actions and GitLab CI set `CI` in every job; Argo does not, and
    // without it `mlopsc run --node` is no CI job (runtime/ci_evidence.h).
    out_ << YAML::Key << Word{"env"} << YAML::Value << YAML::BeginSeq;
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{"CI"} << YAML::Key << Word{"value"}
         << YAML::Value << YAML::DoubleQuoted << "true" << YAML::EndMap;
    // A retried workflow (`argo retry`) keeps its uid: it joins the same run.
    out_ << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value << Word{kRunIdVariable} << YAML::Key
         << Word{"value"} << YAML::Value << YAML::DoubleQuoted << "{{workflow.uid}}" << YAML::EndMap;
    // The record's address only in the templates of nodes that need it, from
    // the project's Secret like the nodes' own secrets.
    if (ir::needsRecord(node)) secretEnv(kStateVariable);
    for (const std::string& s : node.secrets) secretEnv(s);
    out_ << YAML::EndSeq;
    const ir::Resources& r = node.resources;
    if (r.cpu || r.memoryBytes || r.gpu) {
      out_ << YAML::Key << Word{"resources"} << YAML::Value << YAML::BeginMap;
      for (const char* section : {"requests", "limits"}) {
        out_ << YAML::Key << Word{section} << YAML::Value << YAML::BeginMap;
        if (r.cpu) {
          out_ << YAML::Key << Word{"cpu"} << YAML::Value;
          scalar(out_, quantity(*r.cpu));
        }
        if (r.memoryBytes) {
          out_ << YAML::Key << Word{"memory"} << YAML::Value;
          scalar(out_, quantity(*r.memoryBytes));
        }
        // Extended resources such as GPUs are set as limits (requests default to them).
        if (r.gpu && std::string(section) == "limits") {
          out_ << YAML::Key << Word{"nvidia.com/gpu"} << YAML::Value;
          scalar(out_, quantity(*r.gpu));
        }
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;  // container

    if (outputs) {
      std::string dir = artifactDirName(node.id);
      out_ << YAML::Key << Word{"outputs"} << YAML::Value << YAML::BeginMap << YAML::Key << Word{"artifacts"} << YAML::Value
           << YAML::BeginSeq << YAML::BeginMap << YAML::Key << Word{"name"} << YAML::Value;
      scalar(out_, dir);
      out_ << YAML::Key << Word{"path"} << YAML::Value;
      scalar(out_, std::string(kSourcePath) + "/" + kArtifactRoot + "/" + dir);
      out_ << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
    }
    // The runtime retries the command itself, as locally; Argo retries the
    // pod only when it failed for reasons the runtime cannot see.
    if (r.retries && *r.retries >= 1) {
      out_ << YAML::Key << Word{"retryStrategy"} << YAML::Value << YAML::BeginMap;
      out_ << YAML::Key << Word{"limit"} << YAML::Value;
      scalar(out_, quantity(*r.retries));
      out_ << YAML::Key << Word{"retryPolicy"} << YAML::Value << Word{"OnError"};
      out_ << YAML::EndMap;
    }
    if (std::optional<double> minutes = jobTimeoutMinutes(node)) {
      out_ << YAML::Key << Word{"activeDeadlineSeconds"} << YAML::Value;
      scalar(out_, std::to_string(static_cast<long long>(*minutes * 60)));
    }
    out_ << YAML::EndMap;
  }

 public:
  std::string name_;

 private:
  const ir::PipelineGraph& graph_;
  std::vector<CiParam> params_;  // of the workflow being written
  const CiOptions& options_;
  YAML::Emitter out_;
};

}  // namespace

std::string argoSecretName(const ir::PipelineGraph& graph) { return dnsLabel(graph.projectName, 50) + "-secrets"; }

std::vector<GeneratedFile> emitArgo(const ir::PipelineGraph& graph, const CiOptions& options) {
  std::vector<GeneratedFile> files;
  for (const ir::Pipeline& p : graph.pipelines)
    files.push_back({"argo/" + p.name + ".yaml", ArgoWriter(graph, options).workflow(p), p.name});
  IdAllocator ids(/*caseInsensitive=*/false);
  for (const ir::Node* m : scheduledMonitors(graph)) {
    ArgoWriter writer(graph, options);
    writer.name_ = ids.take(dnsLabel(graph.projectName + "-" + m->name, 52));
    files.push_back({"argo/monitor-" + m->name + ".yaml", writer.cronMonitor(*m), ""});
  }
  return files;
}

}  // namespace mlops::emit
