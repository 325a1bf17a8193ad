#include "syntax/antlr_bridge.h"

#include "diag/suggest.h"

#include <llvm/ADT/STLExtras.h>

#include <array>

namespace mlops::syntax {
namespace {

using P = MLOpsParser;
constexpr size_t kNumKinds = static_cast<size_t>(TokenKind::String) + 1;

struct TypeTables {
  std::array<size_t, kNumKinds> toAntlr{};
  std::vector<TokenKind> fromAntlr;
};

const TypeTables& tables() {
  static const TypeTables t = [] {
    TypeTables out;
    P vocabularyOwner(nullptr);
    const antlr4::dfa::Vocabulary& vocab = vocabularyOwner.getVocabulary();
    size_t maxType = vocab.getMaxTokenType();
    out.fromAntlr.assign(maxType + 2, TokenKind::EndOfFile);
    for (size_t k = 0; k < kNumKinds; ++k) {
      auto kind = static_cast<TokenKind>(k);
      if (kind == TokenKind::EndOfFile) {
        out.toAntlr[k] = antlr4::Token::EOF;
        continue;
      }
      for (size_t type = 1; type <= maxType; ++type) {
        if (vocab.getSymbolicName(type) == tokenAntlrName(kind).str()) {
          out.toAntlr[k] = type;
          out.fromAntlr[type] = kind;
          break;
        }
      }
    }
    // WHEN is an IDENT retyped by ChunkTokenStream::reset; it reads back as one.
    out.fromAntlr[P::WHEN] = TokenKind::Ident;
    return out;
  }();
  return t;
}

// `when =` starting a member: the IDENT is retyped WHEN so the member takes an
// expression (grammar/MLOps.g4). After `(` or `,` it is a named call argument.
bool startsWhenMember(const std::vector<Token>& tokens, size_t i, size_t begin, size_t end, llvm::StringRef text) {
  const Token& t = tokens[i];
  if (t.kind != TokenKind::Ident || text.substr(t.offset, t.length) != "when") return false;
  if (i + 1 >= end || tokens[i + 1].kind != TokenKind::Assign) return false;
  if (i > begin && (tokens[i - 1].kind == TokenKind::LParen || tokens[i - 1].kind == TokenKind::Comma)) return false;
  return true;
}

bool isNameToken(TokenKind k) { return k == TokenKind::Ident || isKeyword(k); }

llvm::SMRange tokenRange(llvm::StringRef text, const Token& t) {
  const char* p = text.data() + t.offset;
  return {llvm::SMLoc::getFromPointer(p), llvm::SMLoc::getFromPointer(p + t.length)};
}

std::string joinAlternatives(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

std::string describeExpected(const antlr4::misc::IntervalSet& set) {
  auto has = [&](size_t t) { return set.contains(t); };
  if (has(antlr4::Token::EOF) || (has(P::PROJECT) && has(P::MODEL) && has(P::DATA) && !has(P::IDENT)))
    return "a declaration (`project`, `role`, `data`, `step`, `model`, `test`, `gate`, `deploy`, ...)";
  if (has(P::ASSIGN) && has(P::LBRACE) && has(P::COLON)) return "`=` or `{`";
  if (has(P::RBRACE) && has(P::IDENT) && has(P::EXPECT)) return "a property name or `}`";
  if (has(P::NOT) && has(P::LPAREN) && has(P::NUMBER)) return "an expression";
  if (has(P::STRING) && has(P::NUMBER) && has(P::LBRACKET)) return "a value";
  if (has(P::IDENT) && has(P::MODEL) && has(P::BASELINE)) return "a name";
  std::vector<std::string> items;
  for (const antlr4::misc::Interval& iv : set.getIntervals()) {
    for (ssize_t t = iv.a; t <= iv.b; ++t) {
      if (t <= 0) continue;
      TokenKind kind = tokenKindOfAntlrType(static_cast<size_t>(t));
      switch (kind) {
        case TokenKind::Ident: items.push_back("a name"); break;
        case TokenKind::String: items.push_back("a string"); break;
        case TokenKind::RawString: break;
        case TokenKind::Number: items.push_back("a number"); break;
        case TokenKind::Duration: case TokenKind::Size: case TokenKind::Percent: break;
        default: items.push_back(quoteCode(tokenSpelling(kind))); break;
      }
    }
  }
  if (items.empty()) return "something else";
  if (items.size() > 6) {
    items.resize(6);
    items.push_back("...");
  }
  return joinAlternatives(items);
}

bool isDeclRule(size_t rule) {
  switch (rule) {
    case P::RuleProjectDecl: case P::RuleUseDecl: case P::RuleImportDecl: case P::RuleRoleDecl:
    case P::RuleKpiDecl: case P::RuleDataDecl: case P::RuleStepDecl: case P::RuleModelDecl:
    case P::RuleTestDecl: case P::RuleGateDecl: case P::RuleDeployDecl: case P::RuleMonitorDecl:
    case P::RulePipelineDecl: case P::RuleCheckDecl: return true;
    default: return false;
  }
}

const llvm::StringRef kDeclKeywords[] = {"project", "use",    "import",  "role",     "kpi",
                                         "data",    "step",   "model",   "test",     "gate",
                                         "deploy",  "monitor", "pipeline", "check"};

}  // namespace

size_t antlrTokenType(TokenKind kind) { return tables().toAntlr[static_cast<size_t>(kind)]; }

TokenKind tokenKindOfAntlrType(size_t type) {
  const auto& from = tables().fromAntlr;
  return type < from.size() ? from[type] : TokenKind::EndOfFile;
}

std::unique_ptr<antlr4::Token> ChunkTokenSource::nextToken() {
  return std::make_unique<antlr4::CommonToken>(antlr4::Token::EOF);
}

antlr4::TokenFactory<antlr4::CommonToken>* ChunkTokenSource::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

void ChunkTokenStream::reset(const std::vector<Token>& tokens, size_t begin, size_t end) {
  count_ = end - begin + 1;
  p_ = 0;
  while (pool_.size() < count_)
    pool_.push_back(std::make_unique<antlr4::CommonToken>(
        std::pair<antlr4::TokenSource*, antlr4::CharStream*>(source_, nullptr), antlr4::Token::EOF,
        antlr4::Token::DEFAULT_CHANNEL, 0, 0));
  for (size_t i = 0; i < count_; ++i) {
    const Token& t = tokens[begin + i];
    antlr4::CommonToken& c = *pool_[i];
    bool eof = begin + i == end;
    c.setType(eof                                              ? antlr4::Token::EOF
              : startsWhenMember(tokens, begin + i, begin, end, text_) ? static_cast<size_t>(P::WHEN)
                                                                      : antlrTokenType(t.kind));
    c.setStartIndex(t.offset);
    c.setStopIndex(eof ? t.offset - 1 : t.offset + t.length - 1);
    c.setTokenIndex(i);
  }
}

antlr4::Token* ChunkTokenStream::LT(ssize_t k) {
  if (k == 0) return nullptr;
  if (k < 0) {
    if (static_cast<size_t>(-k) > p_) return nullptr;
    return pool_[p_ + k].get();
  }
  size_t i = p_ + static_cast<size_t>(k) - 1;
  return pool_[std::min(i, count_ - 1)].get();
}

size_t ChunkTokenStream::LA(ssize_t i) {
  antlr4::Token* t = LT(i);
  return t ? t->getType() : antlr4::Token::INVALID_TYPE;
}

void ChunkTokenStream::consume() {
  if (p_ + 1 >= count_) throw antlr4::IllegalStateException("cannot consume EOF");
  ++p_;
}

std::string ChunkTokenStream::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < interval.a || count_ == 0) return "";
  size_t a = std::min(static_cast<size_t>(interval.a), count_ - 1);
  size_t b = std::min(static_cast<size_t>(interval.b), count_ - 1);
  return getText(pool_[a].get(), pool_[b].get());
}

std::string ChunkTokenStream::getText(antlr4::Token* start, antlr4::Token* stop) {
  if (!start || !stop || start->getStartIndex() == INVALID_INDEX || stop->getStopIndex() == INVALID_INDEX) return "";
  size_t from = start->getStartIndex(), to = stop->getStopIndex() + 1;
  if (to <= from || to > text_.size()) return "";
  return text_.slice(from, to).str();
}

void SyntaxErrorStrategy::reportNoViableAlternative(antlr4::Parser* parser,
                                                    const antlr4::NoViableAltException& e) {
  report(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void SyntaxErrorStrategy::reportInputMismatch(antlr4::Parser* parser, const antlr4::InputMismatchException& e) {
  report(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void SyntaxErrorStrategy::reportFailedPredicate(antlr4::Parser* parser,
                                                const antlr4::FailedPredicateException& e) {
  report(parser, e.getOffendingToken(), e.getExpectedTokens());
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  report(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser* parser) {
  if (inErrorRecoveryMode(parser)) return;
  beginErrorCondition(parser);
  report(parser, parser->getCurrentToken(), getExpectedTokens(parser));
}

void SyntaxErrorStrategy::report(antlr4::Parser* parser, antlr4::Token* offending,
                                 const antlr4::misc::IntervalSet& expected) {
  const LexedFile& lexed = *chunk_.lexed;
  size_t rel = offending ? offending->getTokenIndex() : INVALID_INDEX;
  size_t index = rel == INVALID_INDEX ? chunk_.end : std::min(chunk_.begin + rel, chunk_.end);
  const Token& found = lexed.tokens[index];
  llvm::StringRef text = chunk_.text;
  llvm::StringRef foundText = text.substr(found.offset, found.length);
  bool atRealEof = found.kind == TokenKind::EndOfFile;

  // Consequences of errors already reported by the lexer stay quiet.
  if (atRealEof && lexed.truncatedAtEof) return;
  // A character the lexer dropped or a malformed literal usually breaks the
  // syntax right after it: the first syntax error within a few tokens is a
  // consequence, not news.
  for (size_t k = 0; k < chunk_.lexicalErrors.size(); ++k) {
    if (chunk_.lexicalErrorAbsorbed[k]) continue;
    size_t errBegin = static_cast<size_t>(chunk_.lexicalErrors[k].Start.getPointer() - text.data());
    if (errBegin > found.offset) continue;
    size_t tokensBetween = 0;
    for (size_t i = index; i > chunk_.begin && lexed.tokens[i - 1].offset >= errBegin; --i) ++tokensBetween;
    if (tokensBetween <= 4) {
      chunk_.lexicalErrorAbsorbed[k] = true;
      return;
    }
  }
  // Error recovery resynchronises a few tokens on; an error that close to
  // the previous one is almost always its echo, not a new mistake.
  bool echo = false;
  if (chunk_.anyError && index >= chunk_.lastErrorToken) {
    size_t distance = index - chunk_.lastErrorToken;
    const Token& last = lexed.tokens[chunk_.lastErrorToken];
    bool sameLine = !text.slice(last.offset, found.offset).contains('\n');
    echo = distance <= 2 || (distance <= 4 && sameLine);
  }
  chunk_.anyError = true;
  chunk_.lastErrorToken = index;
  if (echo) return;
  // An unterminated string swallowed the rest of its line, often a `}`.
  if (index == chunk_.end && chunk_.hasUnterminatedString) return;
  ++chunk_.reported;

  llvm::SMRange where = tokenRange(text, found);
  std::string foundDesc = describeToken(found.kind, foundText);
  size_t rule = parser->getContext() ? parser->getContext()->getRuleIndex() : INVALID_INDEX;

  // A missing `}`: point at what came instead and at the block left open.
  bool foundEndOfChunk = index == chunk_.end;
  if (expected.contains(static_cast<size_t>(P::RBRACE)) && (foundEndOfChunk || isDeclarationKeyword(found.kind))) {
    std::vector<size_t> open;
    for (size_t i = chunk_.begin; i < index; ++i) {
      if (lexed.tokens[i].kind == TokenKind::LBrace) open.push_back(i);
      else if (lexed.tokens[i].kind == TokenKind::RBrace && !open.empty()) open.pop_back();
    }
    if (!open.empty()) {
      auto d = diags_.report(where, diag::kinds::ExpectedFound, "`}` to close the block", foundDesc);
      d.note(tokenRange(text, lexed.tokens[open.back()]), "this `{` is not closed");
      if (!atRealEof && index > chunk_.begin) {
        const Token& prev = lexed.tokens[index - 1];
        llvm::SMLoc after = llvm::SMLoc::getFromPointer(text.data() + prev.end());
        d.fixit(llvm::SMRange(after, after), " }");
      }
      return;
    }
  }

  std::string expectedDesc = describeExpected(expected);
  if (index > chunk_.begin && lexed.tokens[index - 1].kind == TokenKind::Comma) {
    if (expected.contains(static_cast<size_t>(P::RBRACKET))) expectedDesc = "a list item or `]`";
    else if (expected.contains(static_cast<size_t>(P::RPAREN))) expectedDesc = "an argument or `)`";
  }
  bool wantsDeclaration = expected.contains(antlr4::Token::EOF) || index == chunk_.begin;
  if (wantsDeclaration && (found.kind == TokenKind::RBrace || found.kind == TokenKind::RBracket ||
                           found.kind == TokenKind::RParen)) {
    diags_.report(where, diag::kinds::ExpectedFound, expectedDesc, foundDesc)
        .note(where, "this closing bracket has no matching opening bracket");
    return;
  }

  if (!wantsDeclaration) {
    const Token& prev = lexed.tokens[index - 1];
    llvm::StringRef prevText = text.substr(prev.offset, prev.length);
    // `model test {`: a keyword where a declaration name belongs.
    if (isDeclRule(rule) && isDeclarationKeyword(prev.kind) && expected.contains(static_cast<size_t>(P::IDENT)) &&
        isKeyword(found.kind) && !foundEndOfChunk) {
      diags_.report(where, diag::kinds::ReservedName, prevText, foundText)
          .note("keywords are reserved as declaration names; choose another name, e.g. `" + foundText.str() + "_`");
      return;
    }
    if (rule == P::RuleMemberTail && (prev.kind == TokenKind::KwEvery || prev.kind == TokenKind::KwWhere)) {
      // `expect x < 1 every }`: the keyword was taken for a property name.
      diags_.report(where, diag::kinds::ExpectedAfter,
                    prev.kind == TokenKind::KwEvery ? "a duration" : "a condition", quoteCode(prevText), foundDesc);
      return;
    }
    std::string after;
    if (rule == P::RuleMemberTail && isNameToken(prev.kind))
      after = "property name `" + prevText.str() + "`";
    else if (isNameToken(prev.kind) || tokenSpelling(prev.kind).size())
      after = quoteCode(prevText);
    else
      after = describeToken(prev.kind, prevText);
    auto d = diags_.report(where, diag::kinds::ExpectedAfter, expectedDesc, after, foundDesc);

    if (rule == P::RuleMemberTail && (found.kind == TokenKind::String || found.kind == TokenKind::Number ||
                                      found.kind == TokenKind::Ident || found.kind == TokenKind::LBracket)) {
      llvm::SMLoc at = where.Start;
      d.fixit(llvm::SMRange(at, at), "= ");
    }
    return;
  }

  auto d = diags_.report(where, diag::kinds::ExpectedFound, expectedDesc, foundDesc);
  if (found.kind == TokenKind::Ident) {
    std::string lower = foundText.lower();
    std::optional<std::string> kw = diag::closestMatch(diags_, lower, kDeclKeywords);
    if (!kw && lower != foundText && llvm::is_contained(kDeclKeywords, llvm::StringRef(lower))) kw = lower;
    if (kw) d.note("did you mean " + quoteCode(*kw) + "?").fixit(where, *kw);
  }
}

}  // namespace mlops::syntax
