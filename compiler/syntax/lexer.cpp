#include "syntax/lexer.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/raw_ostream.h>

namespace mlops::syntax {
namespace {

bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

bool isDurationUnit(llvm::StringRef u) {
  return u == "ms" || u == "s" || u == "m" || u == "h" || u == "d";
}
bool isSizeUnit(llvm::StringRef u) {
  return u == "Ki" || u == "Mi" || u == "Gi" || u == "Ti" || u == "KB" || u == "MB" ||
         u == "GB" || u == "TB";
}

// Decodes one code point (input is valid UTF-8).
uint32_t decodeUtf8(llvm::StringRef s, size_t at, unsigned len) {
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[at + i]); };
  switch (len) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3: return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

}  // namespace

unsigned utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

void Lexer::add(TokenKind kind, size_t begin, size_t end) {
  out_.tokens.push_back(Token{kind, static_cast<uint32_t>(begin), static_cast<uint32_t>(end - begin)});
}

LexedFile Lexer::lex() {
  out_.tokens.reserve(text_.size() / 5 + 1);
  if (text_.startswith("\xEF\xBB\xBF")) pos_ = 3;  // byte order mark
  const size_t n = text_.size();
  while (pos_ < n) {
    if (diags_.tooManyErrors()) break;
    char c = text_[pos_];
    switch (c) {
      case ' ': case '\t': case '\r': case '\n': case '\f':
        ++pos_;
        continue;
      case '"':
        if (text_.substr(pos_).startswith("\"\"\"")) lexRawString();
        else lexString();
        continue;
      case '\'':
        lexSingleQuoted();
        continue;
      case '/':
        if (lexCommentOrSlash()) continue;
        add(TokenKind::Slash, pos_, pos_ + 1);
        ++pos_;
        continue;
      default:
        break;
    }
    if (isIdentStart(c)) {
      size_t begin = pos_;
      while (pos_ < n && isIdentChar(text_[pos_])) ++pos_;
      add(classifyWord(text_.slice(begin, pos_)), begin, pos_);
    } else if (llvm::isDigit(c)) {
      lexNumber();
    } else {
      lexPunctuation();
    }
  }
  out_.tokens.push_back(Token{TokenKind::EndOfFile, static_cast<uint32_t>(n), 0});
  return std::move(out_);
}

bool Lexer::lexCommentOrSlash() {
  const size_t n = text_.size();
  if (pos_ + 1 >= n) return false;
  size_t begin = pos_;
  if (text_[pos_ + 1] == '/') {
    bool doc = pos_ + 2 < n && text_[pos_ + 2] == '/' && !(pos_ + 3 < n && text_[pos_ + 3] == '/');
    while (pos_ < n && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
    out_.comments.push_back({doc ? CommentKind::Doc : CommentKind::Line, static_cast<uint32_t>(begin),
                             static_cast<uint32_t>(pos_ - begin)});
    return true;
  }
  if (text_[pos_ + 1] == '*') {
    size_t close = text_.find("*/", pos_ + 2);
    if (close == llvm::StringRef::npos) {
      diags_.report(range(begin, begin + 2), diag::kinds::UnterminatedBlockComment)
          .note(loc(n), "the file ends here");
      pos_ = n;
      out_.truncatedAtEof = true;
    } else {
      pos_ = close + 2;
    }
    out_.comments.push_back({CommentKind::Block, static_cast<uint32_t>(begin),
                             static_cast<uint32_t>(pos_ - begin)});
    return true;
  }
  return false;
}

void Lexer::lexNumber() {
  const size_t n = text_.size();
  size_t begin = pos_;
  auto digits = [&] { while (pos_ < n && llvm::isDigit(text_[pos_])) ++pos_; };
  digits();
  if (pos_ + 1 < n && text_[pos_] == '.' && llvm::isDigit(text_[pos_ + 1])) {
    ++pos_;
    digits();
  }
  if (pos_ < n && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    size_t p = pos_ + 1;
    if (p < n && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p < n && llvm::isDigit(text_[p])) {
      pos_ = p;
      digits();
    } else if (!(p < n && isIdentChar(text_[p])) || text_[pos_ + 1] == '+' || text_[pos_ + 1] == '-') {
      // `1e`, `1e+`: an exponent without digits.
      size_t end = p;
      diags_.report(range(begin, end), diag::kinds::MalformedNumber, text_.slice(begin, end),
                    "expected digits after the exponent `e`");
      pos_ = end;
      add(TokenKind::Number, begin, pos_);
      return;
    }
  }
  size_t numberEnd = pos_;
  if (pos_ < n && text_[pos_] == '%') {
    ++pos_;
    add(TokenKind::Percent, begin, pos_);
    return;
  }
  if (pos_ < n && text_[pos_] == '_') {
    while (pos_ < n && isIdentChar(text_[pos_])) ++pos_;
    diags_.report(range(begin, pos_), diag::kinds::MalformedNumber, text_.slice(begin, pos_),
                  "digit separators `_` are not allowed");
    add(TokenKind::Number, begin, pos_);
    return;
  }
  if (pos_ < n && isIdentStart(text_[pos_])) {
    while (pos_ < n && isIdentChar(text_[pos_])) ++pos_;
    llvm::StringRef unit = text_.slice(numberEnd, pos_);
    if (isDurationUnit(unit)) {
      add(TokenKind::Duration, begin, pos_);
    } else if (isSizeUnit(unit)) {
      add(TokenKind::Size, begin, pos_);
    } else {
      diags_.report(range(numberEnd, pos_), diag::kinds::UnknownUnit, unit);
      add(TokenKind::Number, begin, pos_);
    }
    return;
  }
  if (pos_ < n && text_[pos_] == '.' && pos_ + 1 < n && !llvm::isDigit(text_[pos_ + 1]) &&
      !isIdentStart(text_[pos_ + 1])) {
    diags_.report(range(begin, pos_ + 1), diag::kinds::MalformedNumber, text_.slice(begin, pos_ + 1),
                  "expected digits after the decimal point");
    ++pos_;
  }
  add(TokenKind::Number, begin, pos_);
}

void Lexer::lexString() {
  const size_t n = text_.size();
  size_t begin = pos_++;
  while (pos_ < n) {
    char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      add(TokenKind::String, begin, pos_);
      return;
    }
    if (c == '\n' || c == '\r') break;
    if (c != '\\') {
      ++pos_;
      continue;
    }
    size_t escBegin = pos_;
    if (pos_ + 1 >= n) { ++pos_; break; }
    char e = text_[pos_ + 1];
    if (e == '"' || e == '\\' || e == 'n' || e == 't') {
      pos_ += 2;
      continue;
    }
    if (e == 'u') {
      size_t p = pos_ + 2;
      bool ok = p < n && text_[p] == '{';
      size_t hexBegin = p + 1, q = hexBegin;
      if (ok) {
        while (q < n && llvm::isHexDigit(text_[q])) ++q;
        ok = q < n && text_[q] == '}' && q > hexBegin && q - hexBegin <= 6;
      }
      if (ok) {
        uint64_t value = 0;
        text_.slice(hexBegin, q).getAsInteger(16, value);
        ok = value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF);
      }
      size_t escEnd;
      if (ok) {
        escEnd = q + 1;
      } else {
        // Cover `\u`, an optional `{`, the hex digits and a `}` if present.
        size_t e2 = escBegin + 2;
        if (e2 < n && text_[e2] == '{') ++e2;
        while (e2 < n && llvm::isHexDigit(text_[e2])) ++e2;
        if (e2 < n && text_[e2] == '}') ++e2;
        escEnd = e2;
      }
      if (!ok)
        diags_.report(range(escBegin, escEnd), diag::kinds::InvalidUnicodeEscape,
                      text_.slice(escBegin, escEnd));
      pos_ = escEnd;
      continue;
    }
    if (e == '\n' || e == '\r') {
      // `\` at the end of a line: the string goes on, but strings are one line.
      size_t next = pos_ + 1 + ((e == '\r' && pos_ + 2 < n && text_[pos_ + 2] == '\n') ? 2 : 1);
      diags_.report(range(escBegin, escBegin + 1), diag::kinds::UnterminatedString)
          .note("a `\"` string ends on its line; use \"\"\"...\"\"\" for text over several lines");
      pos_ = next;
      continue;
    }
    unsigned len = utf8SequenceLength(static_cast<unsigned char>(e));
    diags_.report(range(escBegin, escBegin + 1 + len), diag::kinds::InvalidEscape,
                  text_.slice(escBegin, escBegin + 1 + len));
    pos_ += 1 + len;
  }
  // Unterminated: point at the opening quote, underline to the end of the line.
  diags_.report(range(begin, pos_), diag::kinds::UnterminatedString)
      .fixit(range(pos_, pos_), "\"");
  out_.unterminatedStrings.push_back(static_cast<uint32_t>(begin));
  add(TokenKind::String, begin, pos_);
}

// 'text': a string with the wrong quotes. Reported once, lexed as a string
// so the parser does not trip over its contents.
void Lexer::lexSingleQuoted() {
  const size_t n = text_.size();
  size_t begin = pos_++;
  while (pos_ < n && text_[pos_] != '\'' && text_[pos_] != '\n' && text_[pos_] != '\r' && text_[pos_] != '"' &&
         !text_.substr(pos_).startswith("//"))
    ++pos_;
  if (pos_ < n && text_[pos_] == '\'') {
    ++pos_;
    auto d = diags_.report(range(begin, begin + 1), diag::kinds::InvalidCharacter, "`'` (U+0027)");
    d.note("strings use double quotes: \"...\"");
    d.fixit(range(begin, begin + 1), "\"").fixit(range(pos_ - 1, pos_), "\"");
    add(TokenKind::String, begin, pos_);
    return;
  }
  pos_ = begin;
  lexInvalid();
}

void Lexer::lexRawString() {
  size_t begin = pos_;
  size_t close = text_.find("\"\"\"", pos_ + 3);
  if (close == llvm::StringRef::npos) {
    diags_.report(range(begin, begin + 3), diag::kinds::UnterminatedRawString)
        .note(loc(text_.size()), "the file ends here");
    pos_ = text_.size();
    out_.truncatedAtEof = true;
  } else {
    pos_ = close + 3;
    // `""""` ends with the last three quotes of a run, as in Python.
    while (pos_ < text_.size() && text_[pos_] == '"') ++pos_;
  }
  add(TokenKind::RawString, begin, pos_);
}

void Lexer::lexPunctuation() {
  const size_t n = text_.size();
  char c = text_[pos_];
  char next = pos_ + 1 < n ? text_[pos_ + 1] : '\0';
  size_t begin = pos_;
  TokenKind kind;
  size_t len = 1;
  switch (c) {
    case '{': kind = TokenKind::LBrace; break;
    case '}': kind = TokenKind::RBrace; break;
    case '[': kind = TokenKind::LBracket; break;
    case ']': kind = TokenKind::RBracket; break;
    case '(': kind = TokenKind::LParen; break;
    case ')': kind = TokenKind::RParen; break;
    case ',': kind = TokenKind::Comma; break;
    case '.': kind = TokenKind::Dot; break;
    case ':': kind = TokenKind::Colon; break;
    case '+': kind = TokenKind::Plus; break;
    case '-': kind = TokenKind::Minus; break;
    case '*': kind = TokenKind::Star; break;
    case '=':
      if (next == '=') { kind = TokenKind::EqEq; len = 2; }
      else kind = TokenKind::Assign;
      break;
    case '<':
      if (next == '=') { kind = TokenKind::LessEq; len = 2; }
      else kind = TokenKind::Less;
      break;
    case '>':
      if (next == '=') { kind = TokenKind::GreaterEq; len = 2; }
      else kind = TokenKind::Greater;
      break;
    case '!':
      if (next == '=') { kind = TokenKind::NotEq; len = 2; break; }
      [[fallthrough]];
    default:
      lexInvalid();
      return;
  }
  add(kind, begin, begin + len);
  pos_ += len;
}

// Reports a run of characters that cannot start a token as one diagnostic.
// Typographic look-alikes of operators (≥ ≤ ≠ − ×) and quotes (“ ”) are
// reported with the ASCII spelling as a fix-it and then lexed as if written
// that way, so one pasted character does not cascade into parse and type
// errors.
void Lexer::lexInvalid() {
  const size_t n = text_.size();
  size_t begin = pos_;
  unsigned firstLen = utf8SequenceLength(static_cast<unsigned char>(text_[pos_]));
  uint32_t cp = decodeUtf8(text_, pos_, firstLen);
  struct LookAlike { uint32_t cp; TokenKind kind; const char* ascii; };
  static const LookAlike lookAlikes[] = {
      {0x2265, TokenKind::GreaterEq, ">="}, {0x2264, TokenKind::LessEq, "<="}, {0x2260, TokenKind::NotEq, "!="},
      {0x2212, TokenKind::Minus, "-"},      {0x00D7, TokenKind::Star, "*"},    {0x2013, TokenKind::Minus, "-"},
  };
  for (const LookAlike& la : lookAlikes) {
    if (cp != la.cp) continue;
    std::string shown;
    llvm::raw_string_ostream(shown) << '`' << text_.substr(begin, firstLen) << "` (U+"
                                    << llvm::format_hex_no_prefix(cp, 4, true) << ')';
    diags_.report(range(begin, begin + firstLen), diag::kinds::InvalidCharacter, shown)
        .note(std::string("did you mean `") + la.ascii + "`?")
        .fixit(range(begin, begin + firstLen), la.ascii);
    add(la.kind, begin, begin + firstLen);
    pos_ += firstLen;
    return;
  }
  if (cp == 0x201C) {  // “typographic quotes”: a string
    size_t close = text_.find("\xE2\x80\x9D", begin + 3);
    size_t eol = text_.find_first_of("\r\n", begin);
    if (close != llvm::StringRef::npos && close < eol) {
      diags_.report(range(begin, begin + 3), diag::kinds::InvalidCharacter, "`\xE2\x80\x9C` (U+201C)")
          .note("strings use straight double quotes: \"...\"")
          .fixit(range(begin, begin + 3), "\"")
          .fixit(range(close, close + 3), "\"");
      pos_ = close + 3;
      add(TokenKind::String, begin, pos_);
      return;
    }
  }
  auto startsToken = [&](size_t p) {
    char c = text_[p];
    if (c == '!' ) return p + 1 < n && text_[p + 1] == '=';
    return static_cast<unsigned char>(c) < 0x80 &&
           (isIdentChar(c) || llvm::StringRef(" \t\r\n\f\"/{}[](),.:+-*=<>%").contains(c));
  };
  pos_ += firstLen;
  while (pos_ < n && !startsToken(pos_)) pos_ += utf8SequenceLength(static_cast<unsigned char>(text_[pos_]));
  std::string shown;
  llvm::raw_string_ostream os(shown);
  if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0))
    os << '`' << text_.substr(begin, firstLen) << "` ";
  os << "(U+" << llvm::format_hex_no_prefix(cp, 4, true) << ')';
  os.flush();
  auto d = diags_.report(range(begin, pos_), diag::kinds::InvalidCharacter, shown);
  if (cp == '!') d.note("use `not` for negation and `!=` for inequality");
  else if (cp == '\'') d.note("strings use double quotes: \"...\"");
  else if (cp == '&' || cp == '|') d.note("use `and` / `or` to combine conditions");
  else if (cp == '#') d.note("comments start with `//`");
  else if (cp == ';') d.note("`;` is not needed: spaces and newlines separate properties");
  else if (cp >= 0x80) d.note("identifiers are ASCII: [A-Za-z_][A-Za-z0-9_]*");
}

}  // namespace mlops::syntax
