// Tokens of the hand-written lexer: a kind and a byte span, 12 bytes each.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <cstdint>

namespace mlops::syntax {

enum class TokenKind : uint8_t {
  EndOfFile,
#define TOKEN(Kind, AntlrName, Spelling) Kind,
#include "syntax/token_kinds.def"
};

struct Token {
  TokenKind kind;
  uint32_t offset;  // byte offset in the buffer
  uint32_t length;  // bytes
  uint32_t end() const { return offset + length; }
};

// "project", "{", ...; empty for tokens whose text varies.
llvm::StringRef tokenSpelling(TokenKind kind);
// The grammar's token name ("PROJECT", "IDENT"); "EOF" for EndOfFile.
llvm::StringRef tokenAntlrName(TokenKind kind);
bool isKeyword(TokenKind kind);
// Keyword kind for an identifier-shaped word, or Ident.
TokenKind classifyWord(llvm::StringRef word);
// Keywords that start a top-level declaration.
bool isDeclarationKeyword(TokenKind kind);
// How a token is named in messages: "keyword `model`", "identifier `x`",
// "string literal", "`{`", "end of file".
std::string describeToken(TokenKind kind, llvm::StringRef text);
// `text` in backticks, as messages quote code.
std::string quoteCode(llvm::StringRef text);

}  // namespace mlops::syntax
