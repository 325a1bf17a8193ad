#include "sema/schema.h"

#include <llvm/ADT/STLExtras.h>

namespace mlops::sema {

uint16_t refBit(SymbolKind kind) { return static_cast<uint16_t>(1u << static_cast<unsigned>(kind)); }

const PropertySpec* BlockSchema::find(llvm::StringRef name) const {
  for (const PropertySpec& p : properties)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<llvm::StringRef> BlockSchema::names() const {
  std::vector<llvm::StringRef> out;
  for (const PropertySpec& p : properties) out.push_back(p.name);
  return out;
}

namespace {

struct Tables {
  // Scalars.
  TypeSpec string{TypeKind::String};
  TypeSpec semver{TypeKind::Semver};
  TypeSpec integer{TypeKind::Int};
  TypeSpec number{TypeKind::Float};
  TypeSpec percent{TypeKind::Percent};
  TypeSpec boolean{TypeKind::Bool};
  TypeSpec duration{TypeKind::Duration};
  TypeSpec size{TypeKind::Size};
  TypeSpec any{TypeKind::Any};
  TypeSpec name{TypeKind::Name};
  TypeSpec outputRef{TypeKind::OutputRef};
  TypeSpec comparison{TypeKind::Comparison};
  TypeSpec condition{TypeKind::Condition};
  TypeSpec columns{TypeKind::Columns};
  TypeSpec riskTier{TypeKind::Enum, 0, {"low", "medium", "high"}};
  TypeSpec format{TypeKind::Enum, 0, {"csv", "parquet", "json", "xml", "table"}};
  TypeSpec severity{TypeKind::Enum, 0, {"blocking", "warning"}};
  TypeSpec plotTemplate{TypeKind::Enum, 0, {"line", "scatter", "bar"}};
  TypeSpec permission{TypeKind::Enum, 0, {"own_data", "own_model", "own_deploy", "define_kpi", "approve", "audit",
                                          "set_quota"}};
  // References.
  TypeSpec roleRef{TypeKind::Ref, refBit(SymbolKind::Role)};
  TypeSpec kpiRef{TypeKind::Ref, refBit(SymbolKind::Kpi)};
  TypeSpec modelRef{TypeKind::Ref, refBit(SymbolKind::Model)};
  TypeSpec gateRef{TypeKind::Ref, refBit(SymbolKind::Gate)};
  TypeSpec testRef{TypeKind::Ref, refBit(SymbolKind::Test)};
  // inputs: a data, or an output of a step or model (features.table).
  TypeSpec inputRef{TypeKind::Ref,
                    static_cast<uint16_t>(refBit(SymbolKind::Data) | refBit(SymbolKind::Step) | refBit(SymbolKind::Model))};
  TypeSpec nodeRef{TypeKind::Ref,
                   static_cast<uint16_t>(refBit(SymbolKind::Data) | refBit(SymbolKind::Step) | refBit(SymbolKind::Model) |
                                         refBit(SymbolKind::Test) | refBit(SymbolKind::Gate) |
                                         refBit(SymbolKind::Deploy) | refBit(SymbolKind::Monitor))};
  // after: what a step or model waits for without reading it.
  TypeSpec orderRef{TypeKind::Ref,
                    static_cast<uint16_t>(refBit(SymbolKind::Data) | refBit(SymbolKind::Step) | refBit(SymbolKind::Model) |
                                          refBit(SymbolKind::Test) | refBit(SymbolKind::Gate))};
  TypeSpec quorum{TypeKind::Quorum, refBit(SymbolKind::Role)};
  // Lists and maps.
  TypeSpec strings{TypeKind::List, 0, {}, &string};
  TypeSpec names{TypeKind::List, 0, {}, &name};
  TypeSpec roles{TypeKind::List, 0, {}, &roleRef};
  TypeSpec tests{TypeKind::List, 0, {}, &testRef};
  TypeSpec inputs{TypeKind::List, 0, {}, &inputRef};
  TypeSpec nodes{TypeKind::List, 0, {}, &nodeRef};
  TypeSpec orderRefs{TypeKind::List, 0, {}, &orderRef};
  TypeSpec quorums{TypeKind::List, 0, {}, &quorum};
  TypeSpec permissions{TypeKind::List, 0, {}, &permission};
  TypeSpec percents{TypeKind::List, 0, {}, &percent};
  TypeSpec stringMap{TypeKind::Map, 0, {}, &string};
  TypeSpec paramMap{TypeKind::Map, 0, {}, &any};
  TypeSpec fanOut{TypeKind::FanOut};

  BlockSchema quotaBlock{"quota",
                         {{"cpu", &number, false, "CPU cores the role's steps may use at once"},
                          {"memory", &size, false, "memory the role's steps may use at once"},
                          {"gpu", &integer, false, "GPUs the role's steps may use at once"}}};
  BlockSchema resourcesBlock{"resources",
                             {{"cpu", &number, false, "CPU cores"},
                              {"memory", &size, false, "memory, e.g. 8Gi"},
                              {"gpu", &integer, false, "GPUs"},
                              {"timeout", &duration, false, "kill the run after this long"},
                              {"retries", &integer, false, "retries after a failure, with backoff"}}};
  TypeSpec quotaType{TypeKind::Block, 0, {}, nullptr, &quotaBlock};
  TypeSpec resourcesType{TypeKind::Block, 0, {}, nullptr, &resourcesBlock};

  // Calls and value-blocks.
  CallSchema fileCall{"file", {{"path", &string, true, "path relative to the project"}}, {}, nullptr,
                      "a local file"};
  CallSchema postgresCall{"postgres", {{"dsn", &string, true, "name of the connection secret"}},
                          {{"table", &string, false, "table to read"}, {"query", &string, false, "SQL query"}},
                          nullptr, "a PostgreSQL table or query"};
  CallSchema s3Call{"s3", {{"uri", &string, true, "s3://bucket/key"}}, {{"region", &string, false, "AWS region"}},
                    nullptr, "an S3 object"};
  CallSchema bigqueryCall{"bigquery",
                          {{"table", &string, true, "\"project.dataset.table\" or \"dataset.table\""}},
                          {{"project", &string, false, "Google Cloud project of a \"dataset.table\""}},
                          nullptr, "a BigQuery table (the runtime does not read warehouse tables)"};
  CallSchema httpCall{"http", {{"url", &string, true, "https://host/path (http:// is not encrypted)"}},
                      {{"sha256", &string, true, "SHA-256 of the file, 64 lowercase hex digits: checked before use"}},
                      nullptr, "an HTTP(S) download, checked against its SHA-256"};
  CallSchema gitCall{"git", {{"url", &string, true, "repository URL: https://, ssh://, git:// or file://"}},
                     {{"rev", &string, true, "the full 40-hex commit id the import is pinned to"},
                      {"path", &string, true, "the file in the repository, relative"}},
                     nullptr, "a file of a git repository at a pinned commit"};
  TypeSpec source{TypeKind::Call, 0, {}, nullptr, nullptr,
                  {&fileCall, &postgresCall, &s3Call, &bigqueryCall, &httpCall, &gitCall}, "source"};
  // A monitor reads live metrics: a download pinned by its digest is not one.
  TypeSpec monitorSource{TypeKind::Call, 0, {}, nullptr, nullptr, {&fileCall, &postgresCall, &s3Call, &bigqueryCall},
                         "monitor source"};
  TypeSpec signersFile{TypeKind::Call, 0, {}, nullptr, nullptr, {&fileCall}, "signers file"};

  // A plot of a file the node writes (docs/language.md 5.5.3); the file is
  // checked against the node's outputs by the properties pass.
  CallSchema plotCall{"plot",
                      {{"file", &any, true, "outputs.NAME, or a path inside one of the node's outputs"}},
                      {{"x", &string, true, "the column (or record key) of the x values"},
                       {"y", &string, true, "the column (or record key) of the y values"},
                       {"title", &string, false, "the chart's title (default: \"Y by X\")"},
                       {"template", &plotTemplate, false, "line (default) | scatter | bar"}},
                      nullptr,
                      "a chart of a JSON, CSV or TSV file the node writes"};
  TypeSpec plot{TypeKind::Call, 0, {}, nullptr, nullptr, {&plotCall}};
  TypeSpec plots{TypeKind::List, 0, {}, &plot};
  TypeSpec projectParams{TypeKind::Params, 0, {}, nullptr, nullptr, {&fileCall}};

  CallSchema pushCall{"push", {{"branch", &string, true, "branch name or glob"}}, {}, nullptr, "on push to a branch"};
  CallSchema scheduleCall{"schedule", {{"cron", &string, true, "cron expression, 5 fields, UTC"}}, {}, nullptr,
                          "on a schedule"};
  CallSchema manualCall{"manual", {}, {}, nullptr, "started by hand"};
  CallSchema pullRequestCall{"pull_request",
                             {{"branch", &string, false, "target branch name or glob (default: any branch)"}},
                             {},
                             nullptr,
                             "on a pull request (up to its gates: docs/ci.md)"};
  TypeSpec trigger{TypeKind::Call, 0, {}, nullptr, nullptr, {&pushCall, &pullRequestCall, &scheduleCall, &manualCall}, "trigger"};
  TypeSpec triggers{TypeKind::List, 0, {}, &trigger};

  BlockSchema canaryBlock{"canary",
                          {{"steps", &percents, true, "traffic percentages, in order, ending at 100%"},
                           {"interval", &duration, false, "time between steps (monitors are evaluated)"}}};
  BlockSchema shadowBlock{"shadow", {{"duration", &duration, false, "how long to mirror traffic"}}};
  BlockSchema abBlock{"ab",
                      {{"split", &percent, false, "share of traffic for the new model"},
                       {"metric", &string, false, "metric that decides the test"},
                       {"duration", &duration, false, "how long the test runs"}}};
  BlockSchema rollingBlock{"rolling", {}};
  CallSchema canaryForm{"canary", {}, {}, &canaryBlock, "shift traffic in steps, checking monitors between"};
  CallSchema shadowForm{"shadow", {}, {}, &shadowBlock, "mirror traffic without serving answers"};
  CallSchema abForm{"ab", {}, {}, &abBlock, "A/B test against the current model"};
  CallSchema rollingForm{"rolling", {}, {}, &rollingBlock, "replace in one step at 100% (default)"};
  TypeSpec strategy{TypeKind::Strategy, 0, {}, nullptr, nullptr, {&canaryForm, &shadowForm, &abForm, &rollingForm}};

  // Declarations.
  BlockSchema project{"project",
                      {{"version", &semver, true, "semantic version of the service, e.g. \"2.3.0\""},
                       {"risk_tier", &riskTier, true, "low | medium | high: how much review the model needs"},
                       {"image", &string, false, "container image for CI and Argo jobs"},
                       {"description", &string, false, "what the service is for"},
                       {"signers", &signersFile, false, "file(\"allowed_signers\"): whose SSH keys may sign approvals"},
                       {"params", &projectParams, false,
                        "file(\"params.yaml\") or a `{ ... }` block: parameters read as ${params.a.b}"}}};
  BlockSchema role{"role",
                   {{"title", &string, false, "what the role is called in the organisation"},
                    {"members", &strings, false, "e-mail addresses of the people in the role"},
                    {"quota", &quotaType, false, "resources the role's steps may use at once"},
                    {"can", &permissions, false, "permissions (stdlib roles; inherited with `:`)"}}};
  BlockSchema kpi{"kpi",
                  {{"owner", &roleRef, true, "role accountable for the KPI (needs define_kpi)"},
                   {"metric", &string, true, "name of the business metric"},
                   {"target", &comparison, true, "the level to hold, e.g. target >= 30%"},
                   {"description", &string, false, "what the KPI measures"}}};
  BlockSchema data{"data",
                   {{"owner", &roleRef, true, "role that owns the data (needs own_data)"},
                    {"source", &source, true,
                     "file(\"...\"), postgres(\"dsn\", table = \"t\"), s3(\"s3://...\"), bigquery(\"dataset.table\"), "
                     "http(\"https://...\", sha256 = \"...\") or git(\"url\", rev = \"COMMIT\", path = \"file\")"},
                    {"format", &format, false, "csv | parquet | json | xml | table"},
                    {"freshness", &duration, false, "maximum age before the data is stale"},
                    {"pii", &names, false, "columns holding personal data"},
                    {"schema", &columns, false, "columns with types and `where` constraints"},
                    {"description", &string, false, "what the data holds"}}};
  std::vector<PropertySpec> stepProps{
      {"owner", &roleRef, true, "role that owns the step (needs own_data)"},
      {"inputs", &inputs, false, "data and outputs the step reads"},
      {"run", &string, true, "shell command; ${inputs.X}, ${outputs.X}, ${params.X}, ${secrets.X}"},
      {"outputs", &stringMap, false, "named files or folders the step writes (a step needs `outputs` or `effects`)"},
      {"effects", &strings, false, "what the step changes outside the project, as URIs: \"bigquery://project.dataset.table\""},
      {"after", &orderRefs, false, "nodes to wait for without reading them (not in the cache key or ${inputs})"},
      {"code", &strings, false, "project files and folders the command runs (hashed into the cache key)"},
      {"params", &paramMap, false, "parameters, available as ${params.NAME}"},
      {"resources", &resourcesType, false, "cpu, memory, gpu, timeout, retries"},
      {"secrets", &names, false, "environment secrets the command needs"},
      {"image", &string, false, "container image (default: project image)"},
      {"env", &stringMap, false, "extra environment variables"},
      {"plots", &plots, false, "charts of files the node writes: plot(outputs.NAME, x = \"col\", y = \"col\")"},
      {"description", &string, false, "what the step does"},
      {"when", &condition, false, "run only when this condition holds, e.g. `when = beats_champion.passed`"},
      {"foreach", &fanOut, false, "one node per item, NAME@ITEM: [\"us\", \"eu\"] or { us { region = \"x\" } }; ${item}, ${key}, ${item.NAME}"},
      {"matrix", &fanOut, false, "one node per combination, NAME@V1-V2: { lr = [0.1, 0.01] n = [50, 100] }; ${item.NAME}"}};
  BlockSchema step{"step", stepProps};
  BlockSchema model{"model", [this] {
                      std::vector<PropertySpec> props = stepProps;
                      props[0].doc = "role that owns the model (needs own_model)";
                      for (PropertySpec& p : props)
                        if (p.name == "outputs") {
                          p.required = true;  // a model's artifact is its files
                          p.doc = "named files or folders the model writes (its artifact)";
                        }
                      props.push_back({"framework", &string, false, "training framework, e.g. \"sklearn\""});
                      props.push_back({"kpi", &kpiRef, false, "business KPI the model serves"});
                      props.push_back({"metrics", &outputRef, false, "the output holding the metrics JSON"});
                      return props;
                    }()};
  BlockSchema test{"test",
                   {{"severity", &severity, false, "blocking (default) | warning"},
                    {"owner", &roleRef, false, "role accountable (default: the target's owner)"},
                    {"description", &string, false, "what the test guards against"},
                    {"when", &condition, false, "evaluate only when this condition holds"}},
                   true};
  BlockSchema gate{"gate",
                   {{"require", &tests, true, "tests that must pass"},
                    {"approvals", &quorums, true, "roles that must approve: role or `N of role`"},
                    {"environment", &string, false, "deployment environment the gate protects"},
                    {"owner", &roleRef, false, "role accountable (default: the model's owner)"},
                    {"description", &string, false, "what the gate protects"},
                    {"when", &condition, false, "decide only when this condition holds"}}};
  BlockSchema deploy{"deploy",
                     {{"owner", &roleRef, false, "role that deploys (needs own_deploy)"},
                      {"model", &modelRef, true, "the model to deploy"},
                      {"after", &gateRef, true, "the gate that must pass first"},
                      {"target", &string, false, "where to deploy, e.g. \"k8s://prod/app\""},
                      {"strategy", &strategy, false, "rolling (default) | canary {...} | shadow {...} | ab {...}"},
                      {"run", &string, true, "deploy command; ${model.outputs.X}"},
                      {"rollback", &string, false, "command run when a monitor fails mid-rollout"},
                      {"resources", &resourcesType, false, "cpu, memory, gpu, timeout, retries"},
                      {"secrets", &names, false, "environment secrets the command needs"},
                      {"image", &string, false, "container image"},
                      {"env", &stringMap, false, "extra environment variables"},
                      {"description", &string, false, "what the deployment is"},
                      {"when", &condition, false, "deploy only when this condition holds, e.g. a challenger that beats the champion"}}};
  BlockSchema monitor{"monitor",
                      {{"source", &monitorSource, false, "where live metrics are read (`live.X`): file, postgres, s3 or bigquery"},
                       {"alert", &roles, false, "roles alerted when the expectation fails"},
                       {"owner", &roleRef, false, "role accountable (default: the deploy's owner)"},
                       {"description", &string, false, "what is monitored"}},
                      true,
                      true};
  BlockSchema pipeline{"pipeline",
                       {{"on", &triggers, false, "push(\"branch\"), pull_request(\"branch\"), schedule(\"cron\"), manual"},
                        {"targets", &nodes, true, "what to build; everything upstream comes along"},
                        {"owner", &roleRef, false, "role accountable (needs own_deploy)"},
                        {"description", &string, false, "what the pipeline is for"}}};
  BlockSchema check{"check", {}, true};
  BlockSchema none{"declaration", {}};
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const BlockSchema& declSchema(ast::DeclKind kind) {
  const Tables& t = tables();
  switch (kind) {
    case ast::DeclKind::Project: return t.project;
    case ast::DeclKind::Role: return t.role;
    case ast::DeclKind::Kpi: return t.kpi;
    case ast::DeclKind::Data: return t.data;
    case ast::DeclKind::Step: return t.step;
    case ast::DeclKind::Model: return t.model;
    case ast::DeclKind::Test: return t.test;
    case ast::DeclKind::Gate: return t.gate;
    case ast::DeclKind::Deploy: return t.deploy;
    case ast::DeclKind::Monitor: return t.monitor;
    case ast::DeclKind::Pipeline: return t.pipeline;
    case ast::DeclKind::Check: return t.check;
    default: return t.none;
  }
}

std::string describeType(const TypeSpec& type) {
  auto kinds = [](uint16_t bits) {
    std::vector<std::string> names;
    for (unsigned k = 0; k <= static_cast<unsigned>(SymbolKind::Check); ++k)
      if (bits & (1u << k)) names.push_back(kindName(static_cast<SymbolKind>(k)).str());
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i ? (i + 1 == names.size() ? " or " : ", ") : "") + names[i];
    return out;
  };
  switch (type.kind) {
    case TypeKind::String: return "a string";
    case TypeKind::Semver: return "a version string like \"1.2.3\"";
    case TypeKind::Int: return "an integer";
    case TypeKind::Float: return "a number";
    case TypeKind::Percent: return "a percentage like 10%";
    case TypeKind::Bool: return "true or false";
    case TypeKind::Duration: return "a duration like 30s, 5m, 2h";
    case TypeKind::Size: return "a size like 512Mi or 8Gi";
    case TypeKind::Enum: {
      std::string out = "one of ";
      for (size_t i = 0; i < type.enumValues.size(); ++i)
        out += (i ? (i + 1 == type.enumValues.size() ? " or " : ", ") : "") + ("`" + type.enumValues[i].str() + "`");
      return out;
    }
    case TypeKind::Ref: return "a " + kinds(type.refKinds);
    case TypeKind::List: {
      if (!type.element) return "a list";
      std::string inner = describeType(*type.element);
      if (llvm::StringRef(inner).startswith("a ")) return "a list of " + inner.substr(2) + "s";
      if (llvm::StringRef(inner).startswith("an ")) return "a list of " + inner.substr(3) + "s";
      return "a list of " + inner;
    }
    case TypeKind::Block: return "a `{ ... }` block";
    case TypeKind::Map: return "a `{ name = value ... }` block";
    case TypeKind::Columns: return "a `{ column : type ... }` block";
    case TypeKind::Call: {
      std::string out;
      for (size_t i = 0; i < type.calls.size(); ++i) {
        const CallSchema* c = type.calls[i];
        out += (i ? (i + 1 == type.calls.size() ? " or " : ", ") : "") + ("`" + c->name.str()) +
               (c->positional.empty() ? "`" : "(...)`");
      }
      return out;
    }
    case TypeKind::Quorum: return "a role or `N of role`";
    case TypeKind::OutputRef: return "`outputs.NAME`";
    case TypeKind::Name: return "a name";
    case TypeKind::Strategy: return "`rolling`, `canary { ... }`, `shadow { ... }` or `ab { ... }`";
    case TypeKind::Comparison: return "a comparison like `target >= 30%`";
    case TypeKind::Condition: return "a condition like `when = train.metrics.auc > 0.8`";
    case TypeKind::Any: return "a value";
    case TypeKind::Params: return "`file(\"params.yaml\")` or a `{ ... }` block";
    case TypeKind::FanOut: return "a list or a `{ ... }` block of items";
  }
  return "a value";
}

bool isKnownEnumWord(llvm::StringRef word) {
  const Tables& t = tables();
  for (const TypeSpec* e : {&t.riskTier, &t.format, &t.severity, &t.permission})
    if (llvm::is_contained(e->enumValues, word)) return true;
  return false;
}

}  // namespace mlops::sema
