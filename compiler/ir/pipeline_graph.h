// The IR: the pipeline graph with every resolved property, what the
// backends (graph pictures, CI configs, audit reports) and the runtime
// consume. It holds no AST pointers: `pipeline.json` (see docs/ir.md and
// docs/ir.schema.json) is its complete serialisation, so a compiled graph
// can run without the sources.
//
// Node ids are `KIND:NAME` (`model:scorer`), stable across runs and
// independent of declaration order; nodes are kept in declaration order. An
// item of a fan-out is `KIND:NAME@ITEM` (`step:featurize@us`), the items in
// item order where the declaration stands.
#pragma once

#include <llvm/Support/SMLoc.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlops::ir {

// 2: steps and models carry `code`; 3: `signers` (docs/ir.md section 9).
inline constexpr int kIrVersion = 4;

struct Location {
  std::string file;  // as given to the compiler (root) or resolved (imports)
  unsigned line = 0;
  unsigned column = 0;
  // The span in the compilation that built this IR (not serialised; empty
  // for an IR read back from JSON): backends point their W07xx warnings at it.
  llvm::SMRange range;
};

// Where one property of a declaration is written, in the declaration's file
// (not serialised; empty for an IR read back from JSON): `mlopsc diff`
// points each changed control at its line. `property` is the name as the
// spec writes it (`expect`, `approvals`, `threshold`), an entry of a block
// or value block as `quota.cpu`, `strategy.steps`, `schema.income`; the
// first of repeated members (`expect`) wins. `on`, `for` and `uses` of a
// test, gate or monitor header are `target`, `model`/`deploy` and `uses`.
struct PropertyPosition {
  std::string property;
  unsigned line = 0;
  unsigned column = 0;
};
using PropertyPositions = std::vector<PropertyPosition>;
// The position of `property`, or null.
const PropertyPosition* findProperty(const PropertyPositions& positions, std::string_view property);

// An expression in source form and as a JSON tree the runtime evaluates
// (format in docs/ir.md).
struct Expression {
  std::string source;
  nlohmann::ordered_json tree;
  bool empty() const { return source.empty(); }
};

struct Role {
  std::string name;                      // stdlib roles qualified: std.roles.sme
  std::string title;
  std::string base;                      // "" when none; qualified stdlib names kept as written
  std::vector<std::string> permissions;  // after inheritance
  std::vector<std::string> members;
  std::optional<double> quotaCpu;
  std::optional<double> quotaMemoryBytes;
  std::optional<double> quotaGpu;
  std::string doc;
  bool stdlib = false;
  Location location;
  PropertyPositions properties;  // not serialised
};

struct Kpi {
  std::string name, owner, metric, doc, description;
  std::string comparison;  // ">=", ...
  double target = 0;       // percentages as fractions
  Location location;
  PropertyPositions properties;  // not serialised
};

struct Source {
  std::string kind;  // file | postgres | s3 | bigquery | http | git ("" when absent): ir/source_kinds.h
  std::vector<std::pair<std::string, std::string>> arguments;  // path/dsn/uri/table/url first, then named
};

struct Column {
  std::string name, type;
  Expression where;
};

struct Resources {
  std::optional<double> cpu;
  std::optional<double> memoryBytes;
  std::optional<double> gpu;
  std::optional<double> timeoutSeconds;
  std::optional<double> retries;
  llvm::SMRange range;  // the `resources` block (not serialised)
};

struct Input {
  std::string node;    // data:x, step:y, model:z
  std::string output;  // "" for data
  std::string as;      // the name written in `inputs` (data name or step.output)
};

struct Param {
  std::string name;
  nlohmann::ordered_json value;  // {"text": as written, "value": expression tree}
};

// A project parameter: one leaf of `project p { params … }` or of its
// params file (docs/language.md 5.1.1), read as `${params.a.b}`.
struct ProjectParam {
  std::string key;                              // dotted: train.n_est
  std::optional<nlohmann::ordered_json> value;  // unset: typed without a default, `-P` must give it
  std::string type;                             // string | int | float | bool | list(T); "" untyped
  Expression where;                             // typed only; reads `value`
  Location location;                            // the key, in the spec or in the params file
  bool overridden = false;                      // `value` comes from `mlopsc run -P` (the run's recorded graph)
};

struct Approval {
  std::string role;
  unsigned quorum = 1;
  llvm::SMRange range;  // the entry in `approvals` (not serialised)
};

struct Strategy {
  std::string kind = "rolling";  // rolling | canary | shadow | ab
  std::vector<double> steps;     // canary, fractions
  std::optional<double> intervalSeconds, durationSeconds, split;
  std::string metric;
};

struct CheckUse {
  std::string check;  // "" when the test has its own expect
  std::vector<std::pair<std::string, nlohmann::ordered_json>> arguments;  // after defaults
};

// A chart of a file a step or model writes (`plots`, docs/language.md
// 5.5.3): the file (normalised, relative to the project folder), the output
// holding it (the file itself or a folder around it), and the columns.
struct Plot {
  std::string path, output;
  std::string x, y;
  std::string title;                // "" when the spec gives none
  std::string chartTemplate = "line";  // line | scatter | bar
};

// Where a node of a fan-out comes from (ir/fan_out.h): the declaration, the
// item and the values the item interpolates, by the name `${…}` reads them
// (`item`, `key`, `item.region`).
struct FanOutOrigin {
  std::string of;    // the declaration's name: `featurize`
  std::string item;  // the item's name: `us`
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
};

enum class NodeKind { Data, Step, Model, Test, Gate, Deploy, Monitor };
const char* nodeKindName(NodeKind kind);

struct Node {
  NodeKind kind;
  std::string id, name, owner, doc, description;
  Location location;
  PropertyPositions properties;  // not serialised
  std::optional<FanOutOrigin> fanOut;  // one item of a `foreach` or `matrix`
  // data
  Source source;
  std::string format;
  std::optional<double> freshnessSeconds;
  std::vector<std::string> pii;
  std::vector<Column> schema;
  // step, model, deploy
  std::vector<Input> inputs;
  std::string run, image, rollback;
  std::vector<std::pair<std::string, std::string>> outputs;  // files or folders
  std::vector<std::string> code;  // `code`: project files and folders the command runs
  // step, model: `after`, node ids waited for without being read (edges of
  // kind `order`: not in the cache key, not in ${inputs}); `effects`, URIs of
  // what the command changes outside the project
  std::vector<std::string> orderAfter;
  std::vector<std::string> effects;
  std::vector<Param> params;
  std::vector<std::pair<std::string, std::string>> env;
  // Project params its `run`/`rollback` read (a key, or a group such as
  // `train` for `${params.train}`): their values join its cache key.
  std::vector<std::string> paramReads;
  Resources resources;
  std::vector<std::string> secrets;
  std::vector<Plot> plots;  // step, model
  // model
  std::string framework, kpi, metricsOutput;
  // test, monitor: every `expect` of the declaration (and of a bound check)
  // joined with `and`
  std::string target;             // node id
  std::string severity;           // blocking | warning
  Expression expect;              // the test's or the check's expectation
  CheckUse uses;
  // gate
  std::string model;              // gate, deploy: node id
  std::vector<std::string> require;
  std::vector<Approval> approvals;
  std::string environment;
  // deploy
  std::string after, deployTarget;
  Strategy strategy;
  // monitor
  std::string deploy;             // node id
  std::optional<double> everySeconds;  // the shortest `every` of its expects
  llvm::SMRange everyRange;            // that `every` value (not serialised)
  std::vector<std::string> alert;
  // step, model, test, gate, deploy: `when` (docs/language.md 6.5). Its
  // paths start with the id of the node they read (`model:train`, then
  // `metrics` and the keys; `test:t`, then `passed`); those nodes are
  // `whenReads`, upstream of this one.
  Expression when;
  std::vector<std::string> whenReads;
};

// Whether a node of this kind may carry a `when`.
bool takesCondition(NodeKind kind);

struct Edge {
  std::string from, to;
  std::string kind;  // input | order | test | gate-model | requires | deploys | after | monitors | condition
};

struct Trigger {
  std::string kind;  // push | pull_request | schedule | manual
  std::string value; // branch (pull_request: "" for any) or cron
  llvm::SMRange range;  // not serialised
};

struct Pipeline {
  std::string name, owner, doc;
  std::vector<Trigger> triggers;
  std::vector<std::string> targets;  // node ids
  std::vector<std::string> nodes;    // targets and everything upstream, in topological order
  Location location;
  PropertyPositions properties;  // not serialised
};

struct SourceFile {
  std::string path;
  std::string sha256;
};

// The project's allowed_signers file (`signers = file(...)`): who may sign
// approvals. The runtime reads `root/path` and refuses bytes whose SHA-256
// is not this one: changing who may sign needs a new compile, and the IR
// names the exact file its gates trust.
struct SignersRef {
  std::string path;    // as written in the spec, relative to `root`
  std::string sha256;  // of the file's bytes when compiled
};

struct ProjectParams {
  std::optional<SourceFile> file;      // `params = file(...)`: path relative to `root`, digest when compiled
  std::vector<ProjectParam> entries;   // in declaration (or file) order
};

struct PipelineGraph {
  std::string projectName, version, riskTier, image, projectDoc, projectDescription;
  std::string root;  // folder of the root spec as given: commands run there
  Location projectLocation;
  PropertyPositions projectProperties;  // not serialised
  std::vector<SourceFile> sources;
  std::optional<SignersRef> signers;  // unset: approvals are self-asserted (W0607)
  ProjectParams params;               // with `mlopsc run -P` overrides applied (runtime/params.h)
  std::vector<Role> roles;
  std::vector<Kpi> kpis;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::vector<Pipeline> pipelines;

  // The node with `id`, or null. Hashed: backends look nodes up per edge.
  const Node* find(const std::string& id) const;
  // After changing node ids in place (same count): `find` indexes anew.
  void reindex() { index_.clear(); }

 private:
  mutable std::unordered_map<std::string, size_t> index_;  // rebuilt when `nodes` changed size
};

// Whether an expectation reads `baseline.…` (the metrics of the model's
// last gate pass) or calls `drift.…` (against that pass's reference
// profiles): both come from the team's record.
bool readsBaseline(const Expression& e);
bool readsDrift(const Expression& e);

// Whether running the node needs the team's record (runs, artifacts,
// approvals, gate passes): a model records its artifact and metrics, a gate
// counts approvals and records its pass, deploys and monitors act on what a
// gate passed, a test reading a baseline or drift compares against a gate
// pass. Data and steps do not: CI hands the record's address (MLOPS_STATE)
// only to the jobs of nodes that need it (docs/ci.md section 2).
bool needsRecord(const Node& n);

// A number for pipeline.json: whole numbers as integers.
nlohmann::ordered_json number(double v);

// pipeline.json: deterministic (same graph, same bytes), written as it goes
// (ir/json_writer.h), with a final newline.
void writeJson(const PipelineGraph& graph, std::string& out);
std::string writeJson(const PipelineGraph& graph);
// The same document as a JSON tree (for tests and tools; parses writeJson).
nlohmann::ordered_json toJson(const PipelineGraph& graph);

}  // namespace mlops::ir
