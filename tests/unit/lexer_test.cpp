// The hand-written lexer: token kinds and spans, lexical errors, and
// agreement with the ANTLR lexer generated from grammar/MLOps.g4.
#include "MLOpsLexer.h"
#include "diag/diagnostic_engine.h"
#include "syntax/antlr_bridge.h"
#include "syntax/lexer.h"

#include <catch2/catch.hpp>
#include <llvm/Support/MemoryBuffer.h>

#include <fstream>
#include <sstream>

using namespace mlops;
using syntax::TokenKind;

namespace {

struct Lexed {
  llvm::SourceMgr sources;
  diag::DiagnosticEngine diags{sources};
  syntax::LexedFile file;
  llvm::StringRef text;

  explicit Lexed(llvm::StringRef input) {
    unsigned id = sources.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(input, "test.mlops"), {});
    text = sources.getMemoryBuffer(id)->getBuffer();
    file = syntax::Lexer(text, diags).lex();
  }
  std::vector<TokenKind> kinds() const {
    std::vector<TokenKind> out;
    for (const auto& t : file.tokens) out.push_back(t.kind);
    return out;
  }
  std::string tokenText(size_t i) const { return text.substr(file.tokens[i].offset, file.tokens[i].length).str(); }
  std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const auto& d : diags.diagnostics()) out.push_back(diag::codeInfo(d.code).name);
    return out;
  }
};

}  // namespace

TEST_CASE("keywords, identifiers and punctuation", "[lexer]") {
  Lexed l("model scorer { owner = modelers }");
  CHECK(l.kinds() == std::vector<TokenKind>{TokenKind::KwModel, TokenKind::Ident, TokenKind::LBrace,
                                            TokenKind::Ident, TokenKind::Assign, TokenKind::Ident,
                                            TokenKind::RBrace, TokenKind::EndOfFile});
  CHECK(l.tokenText(1) == "scorer");
  CHECK(l.diags.diagnostics().empty());
}

TEST_CASE("two-character operators", "[lexer]") {
  Lexed l("== != <= >= < > =");
  CHECK(l.kinds() == std::vector<TokenKind>{TokenKind::EqEq, TokenKind::NotEq, TokenKind::LessEq,
                                            TokenKind::GreaterEq, TokenKind::Less, TokenKind::Greater,
                                            TokenKind::Assign, TokenKind::EndOfFile});
}

TEST_CASE("numbers and unit literals", "[lexer]") {
  Lexed l("42 0.75 1e-3 500ms 30s 5m 2h 1d 512Ki 8Gi 1TB 10%");
  CHECK(l.kinds() == std::vector<TokenKind>{TokenKind::Number, TokenKind::Number, TokenKind::Number,
                                            TokenKind::Duration, TokenKind::Duration, TokenKind::Duration,
                                            TokenKind::Duration, TokenKind::Duration, TokenKind::Size,
                                            TokenKind::Size, TokenKind::Size, TokenKind::Percent,
                                            TokenKind::EndOfFile});
  CHECK(l.tokenText(3) == "500ms");
  CHECK(l.diags.diagnostics().empty());
}

TEST_CASE("an unknown unit suffix is E0104", "[lexer]") {
  Lexed l("x = 5min");
  REQUIRE(l.codes() == std::vector<std::string>{"E0104"});
  CHECK(l.diags.diagnostics()[0].message.find("unknown unit `min`") != std::string::npos);
}

TEST_CASE("strings, raw strings and escapes", "[lexer]") {
  Lexed l(R"(run = "a \"b\" \\ \n \t \u{1F600}" doc = """multi
line""")");
  CHECK(l.kinds() == std::vector<TokenKind>{TokenKind::Ident, TokenKind::Assign, TokenKind::String,
                                            TokenKind::Ident, TokenKind::Assign, TokenKind::RawString,
                                            TokenKind::EndOfFile});
  CHECK(l.diags.diagnostics().empty());
}

TEST_CASE("an invalid escape is E0103 and lexing goes on", "[lexer]") {
  Lexed l(R"(a = "x\qy" b = 1)");
  CHECK(l.codes() == std::vector<std::string>{"E0103"});
  CHECK(l.kinds().size() == 7);
}

TEST_CASE("unterminated string points at the opening quote", "[lexer]") {
  Lexed l("a = \"abc\nb = 1");
  REQUIRE(l.codes() == std::vector<std::string>{"E0102"});
  const auto& d = l.diags.diagnostics()[0];
  CHECK(d.range.Start.getPointer() == l.text.data() + 4);
  // The next line still lexes.
  CHECK(l.kinds().size() == 7);
}

TEST_CASE("unterminated block comment and raw string at EOF", "[lexer]") {
  Lexed a("x /* never closed");
  CHECK(a.codes() == std::vector<std::string>{"E0102"});
  CHECK(a.diags.diagnostics()[0].range.Start.getPointer() == a.text.data() + 2);
  CHECK(a.file.truncatedAtEof);
  Lexed b("x = \"\"\"never closed");
  CHECK(b.codes() == std::vector<std::string>{"E0102"});
  CHECK(b.diags.diagnostics()[0].range.Start.getPointer() == b.text.data() + 4);
}

TEST_CASE("comments are kept aside; doc comments are marked", "[lexer]") {
  Lexed l("/// doc\n// line\n/* block */ model m {}\n//// not doc");
  REQUIRE(l.file.comments.size() == 4);
  CHECK(l.file.comments[0].kind == syntax::CommentKind::Doc);
  CHECK(l.file.comments[1].kind == syntax::CommentKind::Line);
  CHECK(l.file.comments[2].kind == syntax::CommentKind::Block);
  CHECK(l.file.comments[3].kind == syntax::CommentKind::Line);
  CHECK(l.kinds().size() == 5);
}

TEST_CASE("invalid characters are reported once per run", "[lexer]") {
  Lexed l("a = @@@ b");
  CHECK(l.codes() == std::vector<std::string>{"E0103"});
  Lexed nul(std::string("a \0\0 b", 6));
  CHECK(nul.codes() == std::vector<std::string>{"E0103"});
  CHECK(nul.diags.diagnostics()[0].message.find("U+0000") != std::string::npos);
}

TEST_CASE("a byte order mark is skipped", "[lexer]") {
  Lexed l("\xEF\xBB\xBFproject p {}");
  CHECK(l.kinds().front() == TokenKind::KwProject);
  CHECK(l.file.tokens.front().offset == 3);
}

TEST_CASE("CRLF line endings and tabs lex like LF and spaces", "[lexer]") {
  Lexed l("model m {\r\n\towner = x\r\n}\r\n");
  CHECK(l.kinds() == std::vector<TokenKind>{TokenKind::KwModel, TokenKind::Ident, TokenKind::LBrace,
                                            TokenKind::Ident, TokenKind::Assign, TokenKind::Ident,
                                            TokenKind::RBrace, TokenKind::EndOfFile});
}

// The hand-written lexer must agree with the grammar's lexer rules on valid input.
TEST_CASE("hand-written lexer agrees with the ANTLR lexer", "[lexer]") {
  std::ifstream in(MLOPS_SOURCE_DIR "/tests/unit/data/all_constructs.mlops");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();

  Lexed ours(text);
  REQUIRE(ours.diags.diagnostics().empty());

  antlr4::ANTLRInputStream input(text);
  MLOpsLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<std::unique_ptr<antlr4::Token>> theirs;
  for (auto t = lexer.nextToken(); ; t = lexer.nextToken()) {
    bool eof = t->getType() == antlr4::Token::EOF;
    if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) theirs.push_back(std::move(t));
    if (eof) break;
  }
  REQUIRE(theirs.size() == ours.file.tokens.size());
  for (size_t i = 0; i < theirs.size(); ++i) {
    INFO("token " << i << " `" << ours.tokenText(i) << "`");
    CHECK(theirs[i]->getType() == syntax::antlrTokenType(ours.file.tokens[i].kind));
    if (theirs[i]->getType() != antlr4::Token::EOF) {
      CHECK(theirs[i]->getText() == ours.tokenText(i));
    }
  }
}
