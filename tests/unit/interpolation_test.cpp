// The runtime's interpolation (runtime/interpolation.h): each expansion is one
// shell word, secrets stay out of the command, `$${` is literal, and a
// reference the IR cannot satisfy is an error that names it.
#include "runtime/interpolation.h"

#include <catch2/catch.hpp>

using namespace mlops;

namespace {

ir::PipelineGraph graph() {
  ir::PipelineGraph g;
  g.version = "2.3.0";
  ir::Node data;
  data.kind = ir::NodeKind::Data;
  data.id = "data:apps";
  data.name = "apps";
  data.source = {"file", {{"path", "data/my apps.csv"}}};
  ir::Node warehouse;
  warehouse.kind = ir::NodeKind::Data;
  warehouse.id = "data:wh";
  warehouse.name = "wh";
  warehouse.source = {"postgres", {{"dsn", "WH"}}};
  ir::Node step;
  step.kind = ir::NodeKind::Step;
  step.id = "step:features";
  step.name = "features";
  step.inputs = {{"data:apps", "", "apps"}, {"data:wh", "", "wh"}};
  step.outputs = {{"table", "build/features.csv"}};
  step.params = {{"c", {{"text", "0.5"}, {"value", {{"number", 0.5}}}}},
                 {"note", {{"text", "it's $(rm -rf /)"}, {"value", {{"string", "it's $(rm -rf /)"}}}}}};
  step.secrets = {"TOKEN"};
  ir::Node model;
  model.kind = ir::NodeKind::Model;
  model.id = "model:m";
  model.name = "m";
  model.outputs = {{"model", "build/m.json"}};
  ir::Node deploy;
  deploy.kind = ir::NodeKind::Deploy;
  deploy.id = "deploy:d";
  deploy.name = "d";
  deploy.model = "model:m";
  g.nodes = {data, warehouse, step, model, deploy};
  return g;
}

std::string run(const ir::PipelineGraph& g, const std::string& id, const std::string& text) {
  std::string error;
  std::optional<runtime::Interpolated> r = runtime::interpolate(g, *g.find(id), text, error);
  return r ? r->command : "error: " + error;
}

}  // namespace

TEST_CASE("shell words", "[runtime][interpolation]") {
  CHECK(runtime::shellWord("build/x.csv") == "build/x.csv");
  CHECK(runtime::shellWord("0.5") == "0.5");
  CHECK(runtime::shellWord("a b") == "'a b'");
  CHECK(runtime::shellWord("it's") == "'it'\\''s'");
  CHECK(runtime::shellWord("$(id)") == "'$(id)'");
  CHECK(runtime::shellWord("") == "''");
  CHECK(runtime::shellWord("ü.csv") == "ü.csv");
}

TEST_CASE("interpolations expand to single shell words", "[runtime][interpolation]") {
  ir::PipelineGraph g = graph();
  CHECK(run(g, "step:features", "python3 f.py --in ${inputs.apps} --out ${ outputs.table } --c ${params.c}") ==
        "python3 f.py --in 'data/my apps.csv' --out build/features.csv --c 0.5");
  CHECK(run(g, "step:features", "echo ${params.note}") == "echo 'it'\\''s $(rm -rf /)'");
  CHECK(run(g, "step:features", "v=${project.version} lit=$${HOME}") == "v=2.3.0 lit=${HOME}");
  CHECK(run(g, "deploy:d", "./deploy.sh ${model.outputs.model}") == "./deploy.sh build/m.json");
}

TEST_CASE("secrets stay in the environment", "[runtime][interpolation]") {
  ir::PipelineGraph g = graph();
  std::string error;
  auto r = runtime::interpolate(g, *g.find("step:features"), "curl -H ${secrets.TOKEN} -H ${secrets.TOKEN}", error);
  REQUIRE(r);
  CHECK(r->command == "curl -H \"$TOKEN\" -H \"$TOKEN\"");
  CHECK(r->secrets == std::vector<std::string>{"TOKEN"});
}

TEST_CASE("what the IR cannot satisfy is an error naming it", "[runtime][interpolation]") {
  ir::PipelineGraph g = graph();
  CHECK(run(g, "step:features", "${inputs.nope}") == "error: `${inputs.nope}`: step `features` has no input `nope`");
  CHECK(run(g, "step:features", "${inputs.wh}") == "error: input `wh` is postgres data without a file path");
  CHECK(run(g, "step:features", "${outputs.x}") == "error: `${outputs.x}`: step `features` has no output `x`");
  CHECK(run(g, "step:features", "${params.x}") == "error: `${params.x}`: step `features` has no parameter `x`");
  CHECK(run(g, "step:features", "${secrets.OTHER}") ==
        "error: `${secrets.OTHER}`: `OTHER` is not in the `secrets` of step `features`");
  CHECK(run(g, "step:features", "${model.outputs.model}") ==
        "error: `${model.outputs.model}`: only a deploy has a `model`");
  CHECK(run(g, "step:features", "${env.HOME}").rfind("error: `${env.HOME}` is not an interpolation", 0) == 0);
  CHECK(run(g, "step:features", "echo ${inputs.apps") == "error: unterminated interpolation `${inputs.apps`");
}

TEST_CASE("security item 5: an interpolation that does not start a shell word is refused", "[runtime][interpolation]") {
  ir::PipelineGraph g = graph();
  // `note` is `it's $(rm -rf /)`: quoted as a word it is data; inside the
  // command's own quotes it would run.
  CHECK(run(g, "step:features", "echo \"${params.note}\"") ==
        "error: `${params.note}` sits inside double quotes, where its quoting does not hold: an interpolation must "
        "start a shell word");
  CHECK(run(g, "step:features", "echo '${params.note}'").find("sits inside single quotes") != std::string::npos);
  CHECK(run(g, "step:features", "echo \\${params.note}").find("sits after a backslash") != std::string::npos);
  CHECK(run(g, "step:features", "echo `echo ${params.note}`").find("sits inside backticks") != std::string::npos);
  CHECK(run(g, "step:features", "cat <<EOF\n${params.note}\nEOF\n").find("here-document") != std::string::npos);
  CHECK(run(g, "step:features", "true # ${params.note}").find("shell comment") != std::string::npos);
  CHECK(run(g, "step:features", "echo \"$(echo ${params.c})\"") == "echo \"$(echo 0.5)\"");
  CHECK(run(g, "step:features", "cat <<EOF\nx\nEOF\necho ${params.c}") == "cat <<EOF\nx\nEOF\necho 0.5");
  // A secret is a variable reference: inside double quotes it is written
  // bare, which the shell expands without reading the value as code.
  CHECK(run(g, "step:features", "curl -H \"Bearer ${secrets.TOKEN}\" -u ${secrets.TOKEN}") ==
        "curl -H \"Bearer ${TOKEN}\" -u \"$TOKEN\"");
  CHECK(run(g, "step:features", "curl -H 'Bearer ${secrets.TOKEN}'").find("sits inside single quotes") !=
        std::string::npos);
}
