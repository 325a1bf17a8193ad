#include "syntax/token.h"

#include <llvm/ADT/StringSwitch.h>

#include <string>

namespace mlops::syntax {

llvm::StringRef tokenSpelling(TokenKind kind) {
  switch (kind) {
    case TokenKind::EndOfFile: return "";
#define TOKEN(Kind, AntlrName, Spelling) \
  case TokenKind::Kind: return Spelling;
#include "syntax/token_kinds.def"
  }
  return "";
}

llvm::StringRef tokenAntlrName(TokenKind kind) {
  switch (kind) {
    case TokenKind::EndOfFile: return "EOF";
#define TOKEN(Kind, AntlrName, Spelling) \
  case TokenKind::Kind: return #AntlrName;
#include "syntax/token_kinds.def"
  }
  return "";
}

bool isKeyword(TokenKind kind) {
  switch (kind) {
#define TOKEN(Kind, AntlrName, Spelling)
#define KEYWORD(Kind, AntlrName, Spelling) case TokenKind::Kind:
#include "syntax/token_kinds.def"
      return true;
    default: return false;
  }
}

TokenKind classifyWord(llvm::StringRef word) {
  return llvm::StringSwitch<TokenKind>(word)
#define TOKEN(Kind, AntlrName, Spelling)
#define KEYWORD(Kind, AntlrName, Spelling) .Case(Spelling, TokenKind::Kind)
#include "syntax/token_kinds.def"
      .Default(TokenKind::Ident);
}

bool isDeclarationKeyword(TokenKind kind) {
  switch (kind) {
    case TokenKind::KwProject: case TokenKind::KwUse: case TokenKind::KwImport:
    case TokenKind::KwRole: case TokenKind::KwKpi: case TokenKind::KwData:
    case TokenKind::KwStep: case TokenKind::KwModel: case TokenKind::KwTest:
    case TokenKind::KwGate: case TokenKind::KwDeploy: case TokenKind::KwMonitor:
    case TokenKind::KwPipeline: case TokenKind::KwCheck:
      return true;
    default: return false;
  }
}

std::string quoteCode(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '`';
  out.append(text.data(), text.size());
  out += '`';
  return out;
}

std::string describeToken(TokenKind kind, llvm::StringRef text) {
  auto shorten = [](llvm::StringRef t) {
    return t.size() > 32 ? t.take_front(29).str() + "..." : t.str();
  };
  switch (kind) {
    case TokenKind::EndOfFile: return "end of file";
    case TokenKind::Ident: return "identifier `" + shorten(text) + "`";
    case TokenKind::String: return "string literal";
    case TokenKind::RawString: return "raw string literal";
    case TokenKind::Number: return "number `" + shorten(text) + "`";
    case TokenKind::Duration: return "duration `" + shorten(text) + "`";
    case TokenKind::Size: return "size `" + shorten(text) + "`";
    case TokenKind::Percent: return "percentage `" + shorten(text) + "`";
    default: break;
  }
  if (isKeyword(kind)) return "keyword " + quoteCode(tokenSpelling(kind));
  return quoteCode(tokenSpelling(kind));
}

}  // namespace mlops::syntax
