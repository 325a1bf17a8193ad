#include "syntax/parser.h"

#include "ast/ast_clone.h"

#include "syntax/antlr_bridge.h"
#include "syntax/ast_builder.h"
#include "syntax/lexer.h"

#include <llvm/ADT/SmallVector.h>

#include <algorithm>

namespace mlops::syntax {
namespace {

// Does token `i` begin a declaration header (`model x {`, `test t on`, ...)?
// Inside a block this is what a missing `}` looks like; a keyword used as a
// property name (`model = scorer`) never matches.
bool looksLikeDeclarationHeader(const std::vector<Token>& toks, size_t i) {
  TokenKind k = toks[i].kind;
  if (!isDeclarationKeyword(k) || i + 2 >= toks.size()) return false;
  TokenKind next = toks[i + 1].kind, after = toks[i + 2].kind;
  // `use` and `import` inside a block are a misplaced line when indented,
  // and a top-level line after a missing `}` when they start the line.
  if (k == TokenKind::KwImport || k == TokenKind::KwUse) return false;
  if (next != TokenKind::Ident) return false;
  switch (k) {
    case TokenKind::KwRole: return after == TokenKind::LBrace || after == TokenKind::Colon;
    case TokenKind::KwTest: case TokenKind::KwMonitor: return after == TokenKind::KwOn;
    case TokenKind::KwGate: return after == TokenKind::KwFor;
    case TokenKind::KwCheck: return after == TokenKind::LParen;
    default: return after == TokenKind::LBrace;
  }
}

// `modle scorer {`, `tset t on x`: a declaration header whose keyword is
// misspelled. Cutting there keeps one typo from hiding the declarations after it.
bool looksLikeMisspelledHeader(const std::vector<Token>& toks, size_t i) {
  if (toks[i].kind != TokenKind::Ident || i + 2 >= toks.size() || toks[i + 1].kind != TokenKind::Ident) return false;
  TokenKind after = toks[i + 2].kind;
  return after == TokenKind::LBrace || after == TokenKind::KwOn || after == TokenKind::KwFor ||
         after == TokenKind::LParen || after == TokenKind::Colon;
}

struct Chunk {
  size_t begin;
  size_t end;
  bool tooDeep;  // or holds a list over the limit: not parsed
};

// An open bracket: a list's `[` counts its commas, `{` and `(` hide theirs.
struct OpenBracket {
  size_t token;
  size_t commas = 0;
  bool list = false;
};

// Cuts the token array into declarations and checks nesting depth and the
// length of list literals.
std::vector<Chunk> splitDeclarations(const std::vector<Token>& toks, llvm::StringRef text,
                                     diag::DiagnosticEngine& diags, const ParseOptions& options) {
  const unsigned maxNesting = options.maxNesting;
  std::vector<Chunk> chunks;
  const size_t eof = toks.size() - 1;
  size_t depth = 0;
  std::vector<OpenBracket> open;
  Chunk current{0, 0, false};
  for (size_t i = 0; i < eof; ++i) {
    TokenKind k = toks[i].kind;
    bool start = false;
    if (i > current.begin) {
      // At top level a keyword right after `on`, `for`, `:` or another
      // keyword is a name (`check c() on data`, `model test`), not a start.
      TokenKind prev = toks[i - 1].kind;
      bool afterDeclarationEnd = prev == TokenKind::RBrace || prev == TokenKind::Ident ||
                                 prev == TokenKind::String || prev == TokenKind::RawString ||
                                 (isKeyword(prev) && i >= 2 && toks[i - 2].kind == TokenKind::Dot);
      bool atColumnOne = toks[i].offset == 0 || text[toks[i].offset - 1] == '\n';
      bool topLevelLine = (k == TokenKind::KwUse || k == TokenKind::KwImport) && atColumnOne &&
                          i + 1 < toks.size() &&
                          toks[i + 1].kind == (k == TokenKind::KwUse ? TokenKind::Ident : TokenKind::String);
      if (isDeclarationKeyword(k))
        start = (depth == 0 && afterDeclarationEnd) || looksLikeDeclarationHeader(toks, i) || topLevelLine;
      else
        start = depth == 0 && prev == TokenKind::RBrace && looksLikeMisspelledHeader(toks, i);
    }
    if (start) {
      current.end = i;
      chunks.push_back(current);
      current = Chunk{i, 0, false};
      depth = 0;
      open.clear();
    }
    if (k == TokenKind::LBrace || k == TokenKind::LBracket || k == TokenKind::LParen) {
      if (++depth > maxNesting && !current.tooDeep) {
        current.tooDeep = true;
        const char* p = text.data() + toks[i].offset;
        diags.report(llvm::SMRange(llvm::SMLoc::getFromPointer(p), llvm::SMLoc::getFromPointer(p + 1)),
                     diag::kinds::NestingTooDeep, static_cast<uint64_t>(maxNesting));
      }
      if (depth <= maxNesting) open.push_back({i, 0, k == TokenKind::LBracket});
    } else if (k == TokenKind::RBrace || k == TokenKind::RBracket || k == TokenKind::RParen) {
      if (depth > 0) --depth;
      if (!open.empty()) open.pop_back();
    } else if (k == TokenKind::Comma && !open.empty() && open.back().list &&
               ++open.back().commas == options.maxListElements && !current.tooDeep) {
      // One more element after this comma: over the limit. Reported once,
      // at the `[`; the declaration is not parsed (that is the cost).
      current.tooDeep = true;
      const char* p = text.data() + toks[open.back().token].offset;
      diags.report(llvm::SMRange(llvm::SMLoc::getFromPointer(p), llvm::SMLoc::getFromPointer(p + 1)),
                   diag::kinds::ListTooLong, static_cast<uint64_t>(options.maxListElements));
    }
  }
  if (eof > current.begin) {
    current.end = eof;
    chunks.push_back(current);
  }
  return chunks;
}

// Joins the `///` lines right above `declOffset` (only whitespace between).
void attachDocComment(ast::Decl& decl, const LexedFile& lexed, llvm::StringRef text, size_t declOffset,
                      ast::ASTContext& context) {
  const auto& comments = lexed.comments;
  auto it = std::lower_bound(comments.begin(), comments.end(), declOffset,
                             [](const Comment& c, size_t off) { return c.offset < off; });
  size_t first = static_cast<size_t>(it - comments.begin());
  size_t gapEnd = declOffset;
  while (first > 0) {
    const Comment& c = comments[first - 1];
    if (c.kind != CommentKind::Doc) break;
    llvm::StringRef gap = text.slice(c.offset + c.length, gapEnd);
    if (!gap.trim(" \t\r\n\f").empty() || gap.count('\n') > 1) break;
    --first;
    gapEnd = c.offset;
  }
  size_t last = static_cast<size_t>(it - comments.begin());
  if (first == last) return;
  std::string doc;
  for (size_t i = first; i < last; ++i) {
    llvm::StringRef line = text.substr(comments[i].offset + 3, comments[i].length - 3);
    if (line.startswith(" ")) line = line.drop_front(1);
    if (i != first) doc += '\n';
    doc += line.rtrim(" \t\r").str();
  }
  decl.doc = context.save(doc);
  const Comment& lastComment = comments[last - 1];
  decl.docRange = {llvm::SMLoc::getFromPointer(text.data() + comments[first].offset),
                   llvm::SMLoc::getFromPointer(text.data() + lastComment.offset + lastComment.length)};
}

// Spans of characters the lexer dropped (E0103), to keep the parser quiet
// about their consequences. Other lexical errors still produce a token.
std::vector<llvm::SMRange> lexicalErrorsIn(const diag::DiagnosticEngine& diags, size_t firstDiag,
                                           const char* begin, const char* end) {
  std::vector<llvm::SMRange> out;
  const auto& all = diags.diagnostics();
  for (size_t i = firstDiag; i < all.size(); ++i) {
    const char* p = all[i].range.Start.getPointer();
    if (p && p >= begin && p <= end && all[i].code == diag::DiagCode::E0103) out.push_back(all[i].range);
  }
  return out;
}

}  // namespace

ast::SourceFile* parseBuffer(ast::ASTContext& context, llvm::SourceMgr& sources, unsigned bufferId,
                             diag::DiagnosticEngine& diags, const ParseOptions& options, ParseStats* stats) {
  const llvm::MemoryBuffer* buffer = sources.getMemoryBuffer(bufferId);
  llvm::StringRef text = buffer->getBuffer();
  auto* file = context.make<ast::SourceFile>();
  file->path = context.save(buffer->getBufferIdentifier());
  file->bufferId = bufferId;

  size_t diagsBeforeLex = diags.diagnostics().size();
  LexedFile lexed = Lexer(text, diags).lex();
  size_t diagsAfterLex = diags.diagnostics().size();
  std::vector<Chunk> chunks = splitDeclarations(lexed.tokens, text, diags, options);
  if (stats) {
    stats->tokens += lexed.tokens.size() - 1;
    stats->declarations += chunks.size();
  }

  MLOpsParser parser(nullptr);
  parser.removeErrorListeners();
  auto bail = std::make_shared<antlr4::BailErrorStrategy>();
  std::string sourceName = buffer->getBufferIdentifier().str();
  AstBuilder builder(context, text, diags);
  ChunkTokenSource source(sourceName);
  ChunkTokenStream stream(&source, text);
  builder.setTokens(&stream);
  builder.setMaxDepth(options.maxNesting);
  std::vector<ast::Decl*> decls;
  decls.reserve(chunks.size());

  for (const Chunk& chunk : chunks) {
    if (diags.tooManyErrors()) break;
    if (chunk.tooDeep) continue;
    ChunkContext info;
    info.text = text;
    info.lexed = &lexed;
    info.begin = chunk.begin;
    info.end = chunk.end;
    if (diagsAfterLex > diagsBeforeLex)
      info.lexicalErrors = lexicalErrorsIn(diags, diagsBeforeLex, text.data() + lexed.tokens[chunk.begin].offset,
                                           text.data() + lexed.tokens[chunk.end].offset);
    info.lexicalErrorAbsorbed.assign(info.lexicalErrors.size(), false);
    {
      uint32_t from = lexed.tokens[chunk.begin].offset, to = lexed.tokens[chunk.end].offset;
      auto it = std::lower_bound(lexed.unterminatedStrings.begin(), lexed.unterminatedStrings.end(), from);
      info.hasUnterminatedString = it != lexed.unterminatedStrings.end() && *it < to;
    }

    // Unchanged since the editor's last parse: copy it.
    llvm::StringRef key;
    if (options.reuse && chunk.end > chunk.begin && info.lexicalErrors.empty() && !info.hasUnterminatedString) {
      key = text.slice(lexed.tokens[chunk.begin].offset, lexed.tokens[chunk.end - 1].end());
      auto found = options.reuse->previous.find(key);
      if (found != options.reuse->previous.end()) {
        const ParseReuse::Entry& old = found->second;
        ast::Relocation relocation{old.bufferBegin, old.bufferEnd, key.data() - old.text};
        ast::Decl* decl = ast::cloneDecl(*old.decl, context, relocation);
        attachDocComment(*decl, lexed, text, lexed.tokens[chunk.begin].offset, context);
        decls.push_back(decl);
        options.reuse->next.try_emplace(key, ParseReuse::Entry{decl, key.data(), text.data(), text.data() + text.size()});
        ++options.reuse->reused;
        continue;
      }
    }
    size_t diagsBeforeChunk = diags.diagnostics().size();

    stream.reset(lexed.tokens, chunk.begin, chunk.end);
    MLOpsParser::SingleDeclarationContext* tree = nullptr;
    // Stage 1: SLL, bail out at the first error (almost every declaration).
    parser.setTokenStream(&stream);
    parser.setErrorHandler(bail);
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    try {
      tree = parser.singleDeclaration();
    } catch (const antlr4::ParseCancellationException&) {
      tree = nullptr;
    }
    if (!tree) {
      // Stage 2: full LL with recovery and our messages.
      if (stats) ++stats->sllFallbacks;
      parser.getTreeTracker().reset();
      stream.seek(0);
      parser.setTokenStream(&stream);
      parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(diags, info));
      parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
      try {
        tree = parser.singleDeclaration();
      } catch (const std::exception&) {
        tree = nullptr;
      }
      if (!info.anyError && info.lexicalErrors.empty() && !lexed.truncatedAtEof) {
        // SLL failed but LL recovered silently: still an error in the input.
        const Token& t = lexed.tokens[chunk.begin];
        const char* p = text.data() + t.offset;
        diags.report(llvm::SMRange(llvm::SMLoc::getFromPointer(p), llvm::SMLoc::getFromPointer(p + t.length)),
                     diag::kinds::UnexpectedToken, "declaration starting at",
                     describeToken(t.kind, text.substr(t.offset, t.length)));
      }
    }
    if (tree && tree->declaration()) {
      if (ast::Decl* decl = builder.declaration(tree->declaration())) {
        decl->hasSyntaxError = info.anyError || !info.lexicalErrors.empty();
        attachDocComment(*decl, lexed, text, lexed.tokens[chunk.begin].offset, context);
        decls.push_back(decl);
        if (!key.empty() && !decl->hasSyntaxError && diags.diagnostics().size() == diagsBeforeChunk)
          options.reuse->next.try_emplace(key, ParseReuse::Entry{decl, key.data(), text.data(), text.data() + text.size()});
      }
    }
    parser.getTreeTracker().reset();
  }
  file->decls = context.copy(llvm::ArrayRef<ast::Decl*>(decls));
  return file;
}

}  // namespace mlops::syntax
