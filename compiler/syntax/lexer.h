// The hand-written lexer: UTF-8 text in, a flat token array and the comment
// list out. Lexical errors (E0102-E0104) are reported here and lexing goes on,
// so one bad character never hides the rest of the file. The text must be
// valid UTF-8 (checked by the source loader, E0105).
#pragma once

#include "diag/diagnostic_engine.h"
#include "syntax/token.h"

#include <vector>

namespace mlops::syntax {

enum class CommentKind : uint8_t { Line, Block, Doc };

struct Comment {
  CommentKind kind;
  uint32_t offset;
  uint32_t length;
};

struct LexedFile {
  std::vector<Token> tokens;  // ends with one EndOfFile token
  std::vector<Comment> comments;
  // An unterminated raw string or block comment swallowed the rest of the
  // file: syntax errors at end of file are consequences, not news.
  bool truncatedAtEof = false;
  // Offsets of `"` strings that ran to the end of their line (E0102).
  std::vector<uint32_t> unterminatedStrings;
};

class Lexer {
 public:
  // `text` must stay alive and be the SourceMgr buffer diagnostics point into.
  Lexer(llvm::StringRef text, diag::DiagnosticEngine& diags) : text_(text), diags_(diags) {}
  LexedFile lex();

 private:
  llvm::SMLoc loc(size_t offset) const { return llvm::SMLoc::getFromPointer(text_.data() + offset); }
  llvm::SMRange range(size_t begin, size_t end) const { return {loc(begin), loc(end)}; }
  void add(TokenKind kind, size_t begin, size_t end);
  void lexNumber();
  void lexString();
  void lexSingleQuoted();
  void lexRawString();
  void lexInvalid();
  bool lexCommentOrSlash();
  void lexPunctuation();

  llvm::StringRef text_;
  diag::DiagnosticEngine& diags_;
  size_t pos_ = 0;
  LexedFile out_;
};

// Width in bytes of the UTF-8 sequence starting with `lead` (1 for bad bytes).
unsigned utf8SequenceLength(unsigned char lead);

}  // namespace mlops::syntax
