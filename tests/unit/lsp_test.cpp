// Language server building blocks: positions in UTF-16 and UTF-8, file
// URIs, what is at an offset, references, and completion contexts (from the
// tokens, so they work while the declaration being typed does not parse).
#include "lsp/completion.h"
#include "lsp/fan_out_items.h"
#include "lsp/document_analysis.h"
#include "lsp/line_index.h"
#include "lsp/member_hover.h"
#include "lsp/param_interpolation.h"
#include "lsp/uri.h"

#include "ast/ast_dump.h"

#include <catch2/catch.hpp>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <map>
#include <random>

using namespace mlops;
using lsp::Encoding;
using lsp::Position;

namespace {

std::unique_ptr<lsp::Analysis> analyzeText(const std::string& text) {
  return lsp::analyze("/nonexistent/spec.mlops", text, std::string(MLOPS_SOURCE_DIR) + "/stdlib");
}

// Completion items where `|` marks the cursor.
std::vector<lsp::CompletionItem> items(const std::string& marked) {
  size_t cursor = marked.find('|');
  std::string text = marked;
  text.erase(cursor, 1);
  return lsp::complete(*analyzeText(text), cursor);
}

// Their labels.
std::vector<std::string> labels(const std::string& marked) {
  std::vector<std::string> out;
  for (const auto& item : items(marked)) out.push_back(item.label);
  return out;
}

// The credit-risk example with its teams pasted in (one document, no imports).
std::string readSpec() {
  std::string out;
  for (const char* f : {"examples/credit-risk/teams.mlops", "examples/credit-risk/credit_risk.mlops"}) {
    auto buffer = llvm::MemoryBuffer::getFile(std::string(MLOPS_SOURCE_DIR) + "/" + f);
    REQUIRE(buffer);
    llvm::StringRef text = (*buffer)->getBuffer();
    llvm::SmallVector<llvm::StringRef, 64> lines;
    text.split(lines, '\n');
    for (llvm::StringRef line : lines)
      if (!line.startswith("import ")) out += line.str() + "\n";
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

const char* kSpec = R"(project p {
  version   = "1.0.0"
  risk_tier = low
}
use std.roles
role team : data_scientist { members = ["a@x.example"] }
role ops : devops { members = ["b@x.example"] }
data d {
  owner  = team
  source = file("d.csv")
  format = csv
}
model m {
  owner   = team
  inputs  = [d]
  run     = "train"
  outputs { model = "m.json" }
}
test t on m {
  expect metrics.auc >= 0.5
}
gate g for m {
  require   = [t]
  approvals = [ops]
}
)";

std::string withCursor(const std::string& find, const std::string& insert, size_t after = 0) {
  std::string text = kSpec;
  size_t at = text.find(find) + find.size() + after;
  return text.substr(0, at) + insert + "|" + text.substr(at);
}

}  // namespace

TEST_CASE("lsp: positions count UTF-16 code units, or UTF-8 bytes", "[lsp]") {
  std::string text = "a😀b\né\n";
  lsp::LineIndex index(text);
  // 😀 is 4 bytes, 2 UTF-16 units.
  CHECK(index.offset({0, 3}, Encoding::Utf16) == 5);
  CHECK(index.offset({0, 5}, Encoding::Utf8) == 5);
  CHECK(index.position(5, Encoding::Utf16).character == 3);
  CHECK(index.position(5, Encoding::Utf8).character == 5);
  // Inside a surrogate pair: before the character.
  CHECK(index.offset({0, 2}, Encoding::Utf16) == 1);
  CHECK(index.offset({1, 1}, Encoding::Utf16) == 9);
  // Clamped: past the line's end, past the last line.
  CHECK(index.offset({0, 99}, Encoding::Utf16) == 6);
  CHECK(index.offset({9, 0}, Encoding::Utf16) == text.size());
  CHECK(index.offset({-1, 0}, Encoding::Utf16) == 0);
  Position p = index.position(text.size(), Encoding::Utf16);
  CHECK(p.line == 2);
  CHECK(p.character == 0);
}

TEST_CASE("lsp: file URIs", "[lsp]") {
  CHECK(lsp::pathToUri("/a b/c%d.mlops") == "file:///a%20b/c%25d.mlops");
  CHECK(lsp::uriToPath("file:///a%20b/c%25d.mlops") == "/a b/c%d.mlops");
  CHECK(lsp::uriToPath("file://localhost/x.mlops") == "/x.mlops");
  CHECK(lsp::uriToPath("untitled:Untitled-1") == "untitled:Untitled-1");
  CHECK(lsp::uriToPath("file:///bad%zz") == "/bad%zz");
}

TEST_CASE("lsp: what is at an offset, and where a symbol is used", "[lsp]") {
  auto a = analyzeText(kSpec);
  REQUIRE(a->file);
  std::string text = kSpec;
  size_t at = text.find("approvals = [ops]") + 14;
  lsp::Occurrence o = lsp::occurrenceAt(*a, at);
  CHECK(o.kind == lsp::Occurrence::Kind::PathSegment);
  sema::Symbol* ops = lsp::symbolOf(*a, o);
  REQUIRE(ops);
  CHECK(ops->name == "ops");
  CHECK(ops->kind == sema::SymbolKind::Role);
  std::vector<llvm::SMRange> uses = lsp::occurrencesOf(*a, ops);
  REQUIRE(uses.size() == 2);  // the declaration, then the approval
  CHECK(a->offset(uses[0].Start) == text.find("role ops") + 5);

  lsp::Occurrence member = lsp::occurrenceAt(*a, text.find("require") + 2);
  CHECK(member.kind == lsp::Occurrence::Kind::MemberName);
  REQUIRE(member.schema);
  CHECK(member.schema->find("require"));

  lsp::Occurrence name = lsp::occurrenceAt(*a, text.find("model m") + 6);
  CHECK(name.kind == lsp::Occurrence::Kind::DeclName);
  sema::Symbol* m = lsp::symbolOf(*a, name);
  REQUIRE(m);
  // m is used by the test, the gate (header) and nothing else.
  CHECK(lsp::occurrencesOf(*a, m).size() == 3);
}

TEST_CASE("lsp: hover on a role member shows their signing keys", "[lsp]") {
  // Next to examples/credit-risk/allowed_signers (its published demo keys).
  const std::string text = "project p { version = \"1.0.0\"  risk_tier = low  signers = file(\"allowed_signers\") }\n"
                           "use std.roles\n"
                           "role validators : model_risk_manager { members = [\"carol@bank.example\", "
                           "\"erin@bank.example\"] }\n";
  auto a = lsp::analyze(std::string(MLOPS_SOURCE_DIR) + "/examples/credit-risk/hover.mlops", text,
                        std::string(MLOPS_SOURCE_DIR) + "/stdlib");
  REQUIRE(a->program);
  lsp::Occurrence carol = lsp::occurrenceAt(*a, text.find("carol@") + 3);
  REQUIRE(carol.kind == lsp::Occurrence::Kind::MemberAddress);
  REQUIRE(carol.address);
  CHECK(carol.address->value == "carol@bank.example");
  // The fingerprint `ssh-keygen -lf demo-keys/carol.pub` prints.
  CHECK(lsp::memberAddressHover(*a->program, carol.address->value) ==
        "`carol@bank.example` — signing keys in `allowed_signers`:\n\n"
        "- `SHA256:FLD9em5nZ2dujJ7wu6fURmY4y333ehh0HG1ljyBA5dI` ssh-ed25519, line 5, valid after 2026-01-01, "
        "namespaces mlops-approval");
  lsp::Occurrence erin = lsp::occurrenceAt(*a, text.find("erin@") + 3);
  REQUIRE(erin.kind == lsp::Occurrence::Kind::MemberAddress);
  CHECK(lsp::memberAddressHover(*a->program, erin.address->value) ==
        "`erin@bank.example` — **no signing key** in `allowed_signers`: approvals by `erin@bank.example` cannot be "
        "signed (E0509 when they approve a gate)");

  // Without signers there is nothing to show.
  auto unsigned_ = analyzeText("project p { version = \"1.0.0\"  risk_tier = low }\nuse std.roles\n"
                               "role validators : model_risk_manager { members = [\"carol@bank.example\"] }\n");
  REQUIRE(unsigned_->program);
  CHECK_FALSE(lsp::memberAddressHover(*unsigned_->program, "carol@bank.example"));
}

TEST_CASE("lsp: completion offers what fits where the cursor is", "[lsp]") {
  // After `owner =`: roles only.
  auto owner = labels(withCursor("  owner  = team\n", "  owner = "));
  CHECK(has(owner, "team"));
  CHECK(has(owner, "ops"));
  CHECK(has(owner, "devops"));  // stdlib roles are in scope
  CHECK_FALSE(has(owner, "m"));
  CHECK_FALSE(has(owner, "t"));
  // In a gate's `require = [`: tests only.
  auto require = labels(withCursor("require   = [t", ", "));
  CHECK(require == std::vector<std::string>{"t"});
  // A new member of a model: its properties not yet set.
  auto members = labels(withCursor("  run     = \"train\"\n", "  "));
  CHECK(has(members, "kpi"));
  CHECK(has(members, "params"));
  CHECK_FALSE(has(members, "run"));  // already there
  CHECK_FALSE(has(members, "owner"));
  // Enum values: `format = `.
  auto formats = labels(withCursor("  format = csv\n", "  format = "));
  CHECK(has(formats, "csv"));
  CHECK(has(formats, "parquet"));
  // Units after a number.
  auto units = labels(withCursor("  run     = \"train\"\n", "  resources { memory = 512"));
  CHECK(has(units, "512Mi"));
  CHECK(has(units, "512Gi"));
  // Top level: declaration keywords; a test header: data and models.
  auto top = labels(std::string(kSpec) + "\n|");
  CHECK(has(top, "model"));
  CHECK(has(top, "gate"));
  auto on = labels(std::string(kSpec) + "\ntest t2 on |");
  CHECK(has(on, "d"));
  CHECK(has(on, "m"));
  CHECK_FALSE(has(on, "ops"));
  // A model's `plots`: the plot call and its templates; a pipeline's triggers.
  auto plots = labels(withCursor("  run     = \"train\"\n", "  plots = ["));
  CHECK(plots == std::vector<std::string>{"plot"});
  // A call's named argument: its values.
  auto templates = labels(withCursor("  run     = \"train\"\n", "  plots = [plot(outputs.model, x = \"a\", template = "));
  CHECK(templates == std::vector<std::string>{"line", "scatter", "bar"});
  auto triggers = labels(std::string(kSpec) + "pipeline p2 { on = [|");
  CHECK(has(triggers, "push"));
  CHECK(has(triggers, "pull_request"));
  CHECK(has(triggers, "manual"));
  // Nothing inside strings and comments.
  CHECK(labels(withCursor("  run     = \"tr", "")).empty());
  CHECK(labels(std::string(kSpec) + "// owner = |").empty());
}

TEST_CASE("lsp: completion offers the new sources, formats, after and effects with their docs", "[lsp]") {
  auto sources = items(withCursor("  format = csv\n", "  source = "));
  std::map<std::string, std::string> docs;
  for (const auto& item : sources) docs[item.label] = item.documentation;
  for (const char* kind : {"file", "postgres", "s3", "bigquery", "http", "git"}) CHECK(docs.count(kind));
  CHECK(docs["http"] == "an HTTP(S) download, checked against its SHA-256");
  CHECK(docs["git"] == "a file of a git repository at a pinned commit");
  CHECK(has(labels(withCursor("  format = csv\n", "  format = ")), "xml"));
  auto members = labels(withCursor("  run     = \"train\"\n", "  "));
  CHECK(has(members, "after"));
  CHECK(has(members, "effects"));
  // `after = [`: data, steps, models, tests and gates; never a role.
  auto after = labels(withCursor("  run     = \"train\"\n", "  after = ["));
  CHECK(has(after, "d"));
  CHECK(has(after, "g"));
  CHECK_FALSE(has(after, "team"));
}

TEST_CASE("lsp: a fan-out's properties, item keys and items", "[lsp]") {
  const std::string spec = "project p { version = \"1.0.0\"  risk_tier = low }\nuse std.roles\n"
                           "role eng : data_engineer { members = [\"a@x.example\"] }\n"
                           "step f {\n  owner = eng\n  matrix { lr = [0.1, 0.01]  depth = [2] }\n"
                           "  run = \"train ${item.lr} > ${outputs.o}\"\n  outputs { o = \"b/${item.lr}-${item.depth}\" }\n}\n";
  // `foreach` and `matrix` are properties of a step.
  auto members = labels(spec.substr(0, spec.find("  run")) + "  |" + spec.substr(spec.find("  run")));
  CHECK(has(members, "foreach"));
  CHECK_FALSE(has(members, "matrix"));  // already there
  // Inside a string after `${item.`: the matrix's value names.
  size_t at = spec.find("${item.lr}") + 7;
  auto keys = labels(spec.substr(0, at) + "|" + spec.substr(at));
  CHECK(keys == std::vector<std::string>{"lr", "depth"});
  // Anywhere else in a string: nothing.
  size_t train = spec.find("train") + 2;
  CHECK(labels(spec.substr(0, train) + "|" + spec.substr(train)).empty());
  // Hover on the step lists the nodes it makes.
  auto a = analyzeText(spec);
  REQUIRE(a->program);
  const sema::Symbol* f = a->program->lookup("f");
  REQUIRE(f);
  CHECK(lsp::fanOutItemsText(*a->program, *f) ==
        "**items (matrix, 2):** `f@0.1-2` (lr = 0.1, depth = 2), `f@0.01-2` (lr = 0.01, depth = 2)");
}

TEST_CASE("lsp: analysis of text that does not parse still answers", "[lsp]") {
  auto a = analyzeText("model m {\n  owner = \n");
  CHECK(a->diags.hasErrors());
  // Completion in the broken declaration still knows it is in a model.
  auto owner = labels("role r : sme {}\nmodel m {\n  owner = |\n");
  CHECK(has(owner, "r"));
  auto invalid = analyzeText(std::string("project p {}\n") + "\xff");
  CHECK(invalid->diags.hasErrors());
  CHECK(lsp::complete(*invalid, 3).empty());
}

namespace {
std::string dumpOf(lsp::Analysis& a) {
  std::string out;
  llvm::raw_string_ostream os(out);
  ast::dumpAst(os, *a.file, a.sources);
  return os.str();
}
}  // namespace

TEST_CASE("lsp: re-analysis copies unchanged declarations, with the same AST as a fresh parse", "[lsp]") {
  std::string text = readSpec();
  auto first = analyzeText(text);
  REQUIRE(first->file);
  size_t decls = first->file->decls.size();
  REQUIRE(decls > 10);
  std::mt19937 rng(11);
  std::unique_ptr<lsp::Analysis> previous = std::move(first);
  for (int round = 0; round < 40; ++round) {
    // Edit inside one string, or insert lines (moving everything after),
    // or change a doc comment (the copied declaration's doc must follow).
    size_t at;
    switch (round % 3) {
      case 0:
        // Inside a string, after its opening quote: an `x` after a closing
        // quote is a syntax error (that declaration is parsed again every
        // round after), and after the first `"` of a `"""` it ends the
        // string there, changing what every later quote means.
        at = text.find("= \"", rng() % text.size());
        if (at == std::string::npos || text.compare(at + 2, 3, "\"\"\"") == 0) continue;
        text.insert(at + 3, "x");
        break;
      case 1: at = text.find("\nmodel", rng() % text.size()); if (at == std::string::npos) continue; text.insert(at + 1, "\n// moved\n"); break;
      default: at = text.find("///", rng() % text.size()); if (at == std::string::npos) continue; text.insert(at + 3, " more"); break;
    }
    auto reused = lsp::analyze("/nonexistent/spec.mlops", text, std::string(MLOPS_SOURCE_DIR) + "/stdlib", previous.get());
    auto fresh = analyzeText(text);
    REQUIRE(reused->file);
    CHECK(reused->reuse.reused + 2 >= reused->file->decls.size());  // at most the edited one or two parsed again
    CHECK(dumpOf(*reused) == dumpOf(*fresh));
    CHECK(reused->diags.diagnostics().size() == fresh->diags.diagnostics().size());
    previous = std::move(reused);
  }
}

TEST_CASE("lsp: the nodes a `when` reads are references, and `when` is offered", "[lsp]") {
  std::string text = kSpec;
  const std::string approvals = "  approvals = [ops]\n";
  text.insert(text.find(approvals) + approvals.size(), "  when      = t.passed\n");
  auto a = analyzeText(text);
  REQUIRE(a->program);
  lsp::Occurrence read = lsp::occurrenceAt(*a, text.find("when      = t.passed") + 12);
  REQUIRE(read.kind == lsp::Occurrence::Kind::PathSegment);
  sema::Symbol* t = lsp::symbolOf(*a, read);
  REQUIRE(t);
  CHECK(t->name == "t");
  CHECK(t->kind == sema::SymbolKind::Test);
  // The declaration, the gate's `require` and the condition: a rename edits all three.
  CHECK(lsp::occurrencesOf(*a, t).size() == 3);
  auto members = labels(withCursor("  run     = \"train\"\n", "  "));
  CHECK(has(members, "when"));
}

TEST_CASE("lsp: `${params.` completes the project's param keys, hover shows a param's value", "[lsp]") {
  const std::string spec =
      "project p {\n  version = \"1.0.0\"\n  risk_tier = low\n"
      "  params {\n    train { n_est = 50  depth = 4 }\n    region : string\n  }\n}\n"
      "use std.roles\nrole eng : data_engineer { members = [\"a@x.example\"] }\n"
      "step s {\n  owner = eng\n  run = \"fit ${params.train.n_est} ${params.region} ${outputs.o}\"\n"
      "  outputs { o = \"o.txt\" }\n}\n";
  std::string marked = spec;
  marked.replace(marked.find("${params.train.n_est}"), 21, "${params.tr|}");
  std::vector<std::string> keys = labels(marked);
  CHECK(keys == std::vector<std::string>{"train", "train.n_est", "train.depth"});
  CHECK(labels(withCursor("  run     = \"tr", "")).empty());  // elsewhere in a string: still nothing

  auto a = analyzeText(spec);
  std::optional<std::string> hover = lsp::paramHover(*a, spec.find("n_est}"));
  REQUIRE(hover);
  CHECK(hover->find("params.train.n_est = 50") != std::string::npos);
  hover = lsp::paramHover(*a, spec.find("region}"));
  REQUIRE(hover);
  CHECK(hover->find("params.region : string (no default: `mlopsc run -P region=VALUE`)") != std::string::npos);
  CHECK_FALSE(lsp::paramHover(*a, spec.find("outputs.o}")));
}
