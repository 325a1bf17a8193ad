// pipeline.json is written by a streaming writer (ir/json_writer.h); it must
// give exactly the bytes nlohmann's dump(2) gives for the same document, for
// every escape, number and empty container the IR can hold.
#include "driver/compilation.h"
#include "ir/ir_builder.h"
#include "ir/json_writer.h"

#include <catch2/catch.hpp>
#include <llvm/Support/MemoryBuffer.h>

using namespace mlops;

namespace {

std::string dumped(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("the JSON writer matches nlohmann's dump byte for byte", "[ir]") {
  std::string out;
  ir::JsonWriter w(out);
  w.beginObject();
  w.field("plain", "abc");
  w.field("escapes", "q\"b\\s/\n\t\r\b\f\x01\x1f\x7f ü 🚀");
  w.key("empty_object");
  w.beginObject();
  w.endObject();
  w.key("empty_array");
  w.beginArray();
  w.endArray();
  w.key("numbers");
  w.beginArray();
  for (double v : {0.0, 1.0, -3.0, 0.1, 0.75, 1e-3, 8589934592.0, 1e20, 2.5e-7}) w.number(v);
  w.integer(-42);
  w.endArray();
  w.key("nested");
  w.beginArray();
  w.beginObject();
  w.key("tree");
  w.tree(nlohmann::ordered_json::parse(R"({"op": ">=", "args": [{"path": ["metrics", "auc"]}, {"number": 0.75}], "e": {}, "l": []})"));
  w.key("flag");
  w.boolean(false);
  w.endObject();
  w.null();
  w.endArray();
  w.endObject();
  CHECK(out == dumped(nlohmann::ordered_json::parse(out)));
}

TEST_CASE("pipeline.json of the adversarial spec is nlohmann's dump", "[ir]") {
  auto buffer = llvm::MemoryBuffer::getFile(MLOPS_SOURCE_DIR "/tests/unit/data/adversarial_ci.mlops");
  REQUIRE(buffer);
  driver::Compilation c;
  sema::SemaOptions options;
  options.stdlibDir = MLOPS_SOURCE_DIR "/stdlib";
  sema::Program* program = c.checkText("adversarial_ci.mlops", (*buffer)->getBuffer(), options);
  REQUIRE(program);
  REQUIRE(!c.diags().hasErrors());
  std::string text = ir::writeJson(ir::buildPipelineGraph(*program));
  CHECK(text == dumped(nlohmann::ordered_json::parse(text)) + "\n");
}
