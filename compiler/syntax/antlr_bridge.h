// The only place besides parser.cpp and ast_builder.cpp that sees ANTLR:
// feeds our tokens to the generated parser and turns its error callbacks
// into E0101 diagnostics in our words.
#pragma once

#include "MLOpsParser.h"
#include "diag/diagnostic_engine.h"
#include "syntax/lexer.h"

#include <string>
#include <vector>

namespace mlops::syntax {

// ANTLR token type of a lexer TokenKind (EOF for EndOfFile).
size_t antlrTokenType(TokenKind kind);
// Lexer TokenKind of an ANTLR token type.
TokenKind tokenKindOfAntlrType(size_t type);

// The token source the parser's error recovery asks for a token factory
// and a source name (tokens themselves come from ChunkTokenStream).
class ChunkTokenSource : public antlr4::TokenSource {
 public:
  explicit ChunkTokenSource(std::string name) : name_(std::move(name)) {}

  std::unique_ptr<antlr4::Token> nextToken() override;  // always EOF
  size_t getLine() const override { return 0; }
  size_t getCharPositionInLine() override { return 0; }
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return name_; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  std::string name_;
};

// The token stream the parser reads: the tokens of one declaration as
// CommonTokens from a pool reused for every declaration (no allocation per
// token), then EOF. Replaces CommonTokenStream, which allocates every token
// and pays a dynamic_cast per fetch.
class ChunkTokenStream : public antlr4::TokenStream {
 public:
  explicit ChunkTokenStream(antlr4::TokenSource* source, llvm::StringRef text) : source_(source), text_(text) {}

  // Points the stream at tokens [begin, end) followed by EOF at token `end`.
  void reset(const std::vector<Token>& tokens, size_t begin, size_t end);

  antlr4::Token* LT(ssize_t k) override;
  antlr4::Token* get(size_t index) const override { return pool_[std::min(index, count_ - 1)].get(); }
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string getText() override { return getText(antlr4::misc::Interval(size_t(0), count_ - 1)); }
  std::string getText(antlr4::RuleContext* ctx) override { return getText(ctx->getSourceInterval()); }
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override;

  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = std::min(index, count_ - 1); }
  size_t size() override { return count_; }
  std::string getSourceName() const override { return source_->getSourceName(); }

 private:
  antlr4::TokenSource* source_;
  llvm::StringRef text_;
  std::vector<std::unique_ptr<antlr4::CommonToken>> pool_;
  size_t count_ = 0;  // tokens in use, EOF included
  size_t p_ = 0;
};

// What the error strategy needs to know about the declaration being parsed.
struct ChunkContext {
  llvm::StringRef text;              // the whole buffer
  const LexedFile* lexed = nullptr;
  size_t begin = 0;                  // first token of the declaration
  size_t end = 0;                    // token index where the chunk's EOF sits
  std::vector<llvm::SMRange> lexicalErrors;  // lexer errors inside the chunk
  std::vector<bool> lexicalErrorAbsorbed;    // already silenced a syntax error
  bool hasUnterminatedString = false;        // E0102 on a one-line string
  unsigned reported = 0;
  size_t lastErrorToken = 0;                 // token index of the last syntax error
  bool anyError = false;
};

class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  SyntaxErrorStrategy(diag::DiagnosticEngine& diags, ChunkContext& chunk) : diags_(diags), chunk_(chunk) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser, const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser, const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;

 private:
  void report(antlr4::Parser* parser, antlr4::Token* offending, const antlr4::misc::IntervalSet& expected);

  diag::DiagnosticEngine& diags_;
  ChunkContext& chunk_;
};

}  // namespace mlops::syntax
