#include "ir/shell_context.h"

#include <cstring>
#include <string>

namespace mlops::ir {
namespace {

// What the scanner is inside of. Top and Command (a `$(…)`) read as a fresh
// command line: there an interpolation is bare.
enum class Frame { Top, Command, Double, Single, AnsiC, Backtick, Param, Arith, Comment };

struct Level {
  Frame frame;
  int depth = 0;  // open parentheses inside a Command or Arith frame
};

struct Heredoc {
  std::string delimiter;
  bool stripTabs = false;  // <<-
};

ShellContext contextOf(Frame frame) {
  switch (frame) {
    case Frame::Top:
    case Frame::Command: return ShellContext::Bare;
    case Frame::Double: return ShellContext::DoubleQuotes;
    case Frame::Single: return ShellContext::SingleQuotes;
    case Frame::AnsiC: return ShellContext::AnsiCQuotes;
    case Frame::Backtick: return ShellContext::Backticks;
    case Frame::Param: return ShellContext::ParameterExpansion;
    case Frame::Arith: return ShellContext::Arithmetic;
    case Frame::Comment: return ShellContext::Comment;
  }
  return ShellContext::DoubleQuotes;
}

bool startsWord(std::string_view t, size_t i) { return i == 0 || std::strchr(" \t\n;&|()<>", t[i - 1]); }

class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  std::vector<InterpolationSite> run() {
    size_t i = 0;
    while (i < t_.size()) i = step(i);
    return std::move(sites_);
  }

 private:
  // Records the interpolation at `i`; the offset after it.
  size_t site(size_t i, ShellContext context) {
    size_t close = t_.find('}', i + 2);
    size_t end = close == std::string_view::npos ? t_.size() : close + 1;
    sites_.push_back({i, end, context});
    return end;
  }

  bool at(size_t i, std::string_view s) const { return t_.substr(i, s.size()) == s; }

  size_t step(size_t i) {
    Frame frame = stack_.back().frame;
    if (at(i, "$${")) {  // the shell's own `${`, where the shell expands it
      if (frame != Frame::Single && frame != Frame::AnsiC && frame != Frame::Comment) stack_.push_back({Frame::Param});
      return i + 3;
    }
    if (at(i, "${")) return site(i, contextOf(frame));
    char c = t_[i];
    switch (frame) {
      case Frame::Single:
        if (c == '\'') stack_.pop_back();
        return i + 1;
      case Frame::Comment:
        if (c == '\n') stack_.pop_back();  // the newline itself belongs to the line below
        return c == '\n' ? i : i + 1;
      case Frame::AnsiC:
        if (c == '\\') return i + 1 < t_.size() && t_[i + 1] != '$' ? i + 2 : i + 1;
        if (c == '\'') stack_.pop_back();
        return i + 1;
      default:
        break;
    }
    if (c == '\\') {
      if (at(i + 1, "$${")) return i + 4;  // `\$` then a literal `{`
      if (at(i + 1, "${")) return site(i + 1, ShellContext::Backslash);
      return i + 2;
    }
    switch (frame) {
      case Frame::Double:
        if (c == '"') {
          stack_.pop_back();
          return i + 1;
        }
        return substitution(i);
      case Frame::Backtick:
        if (c == '`') stack_.pop_back();
        return i + 1;
      case Frame::Param:
        if (c == '}') stack_.pop_back();
        return i + 1;
      case Frame::Arith:
        if (c == '(') ++stack_.back().depth;
        if (c == ')') {
          if (stack_.back().depth > 0) {
            --stack_.back().depth;
            return i + 1;
          }
          stack_.pop_back();
          return at(i, "))") ? i + 2 : i + 1;
        }
        return i + 1;
      default:
        return commandLine(i);
    }
  }

  // `$((`, `$(` and backticks, which open where double quotes and command
  // lines both allow them; otherwise the next character.
  size_t substitution(size_t i) {
    if (at(i, "$((")) {
      stack_.push_back({Frame::Arith});
      return i + 3;
    }
    if (at(i, "$(")) {
      stack_.push_back({Frame::Command});
      return i + 2;
    }
    if (t_[i] == '`') {
      stack_.push_back({Frame::Backtick});
      return i + 1;
    }
    return i + 1;
  }

  size_t commandLine(size_t i) {
    Level& level = stack_.back();
    char c = t_[i];
    if (at(i, "$'")) {
      stack_.push_back({Frame::AnsiC});
      return i + 2;
    }
    if (c == '$' || c == '`') return substitution(i);
    if (c == '\'') {
      stack_.push_back({Frame::Single});
      return i + 1;
    }
    if (c == '"') {
      stack_.push_back({Frame::Double});
      return i + 1;
    }
    if (at(i, "((") && startsWord(t_, i)) {  // bash's arithmetic command
      stack_.push_back({Frame::Arith});
      return i + 2;
    }
    if (level.frame == Frame::Command && c == '(') ++level.depth;
    if (level.frame == Frame::Command && c == ')') {
      if (level.depth == 0) stack_.pop_back();
      else --level.depth;
    }
    if (c == '#' && startsWord(t_, i)) {
      stack_.push_back({Frame::Comment});
      return i + 1;
    }
    if (at(i, "<<<")) return i + 3;  // a here-string: an ordinary word follows
    if (at(i, "<<")) return heredoc(i + 2);
    if (c == '\n' && !pending_.empty()) return bodies(i + 1);
    return i + 1;
  }

  // After `<<`: notes the delimiter (quotes removed); the body starts at the
  // end of the line.
  size_t heredoc(size_t i) {
    Heredoc doc;
    if (i < t_.size() && t_[i] == '-') {
      doc.stripTabs = true;
      ++i;
    }
    while (i < t_.size() && (t_[i] == ' ' || t_[i] == '\t')) ++i;
    char quote = 0;
    while (i < t_.size() && (quote || !std::strchr(" \t\n;&|<>()", t_[i]))) {
      if (at(i, "${")) {  // the runtime expands it even here: never a bare word
        i = site(i, ShellContext::Heredoc);
        continue;
      }
      char c = t_[i++];
      if (quote && c == quote) quote = 0;
      else if (!quote && (c == '\'' || c == '"')) quote = c;
      else if (!quote && c == '\\' && i < t_.size()) doc.delimiter += t_[i++];
      else doc.delimiter += c;
    }
    if (!doc.delimiter.empty()) pending_.push_back(std::move(doc));
    return i;
  }

  // The bodies of the pending here-documents, from `i` (a line start); every
  // interpolation in them is in a Heredoc context.
  size_t bodies(size_t i) {
    for (const Heredoc& doc : pending_) {
      while (i < t_.size()) {
        size_t eol = t_.find('\n', i);
        size_t lineEnd = eol == std::string_view::npos ? t_.size() : eol;
        std::string_view line = t_.substr(i, lineEnd - i);
        if (doc.stripTabs)
          while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
        size_t next = eol == std::string_view::npos ? t_.size() : eol + 1;
        if (line == doc.delimiter) {
          i = next;
          break;
        }
        for (size_t j = i; j < lineEnd;) {
          if (at(j, "$${")) j += 3;
          else if (at(j, "${")) j = site(j, ShellContext::Heredoc);
          else ++j;
        }
        i = next;
      }
    }
    pending_.clear();
    return i;
  }

  std::string_view t_;
  std::vector<Level> stack_{{Frame::Top}};
  std::vector<Heredoc> pending_;
  std::vector<InterpolationSite> sites_;
};

}  // namespace

std::vector<InterpolationSite> interpolationSites(std::string_view command) { return Scanner(command).run(); }

bool allowedIn(ShellContext context, std::string_view written) {
  if (context == ShellContext::Bare) return true;
  if (context != ShellContext::DoubleQuotes || written.size() < 3) return false;
  std::string_view body = written.substr(2, written.size() - 3);
  while (!body.empty() && body.front() == ' ') body.remove_prefix(1);
  return body.substr(0, 8) == "secrets.";
}

const char* describe(ShellContext context) {
  switch (context) {
    case ShellContext::Bare: return "where a shell word starts";
    case ShellContext::DoubleQuotes: return "inside double quotes";
    case ShellContext::SingleQuotes: return "inside single quotes";
    case ShellContext::AnsiCQuotes: return "inside $'…' quotes";
    case ShellContext::Backslash: return "after a backslash";
    case ShellContext::Backticks: return "inside backticks";
    case ShellContext::Heredoc: return "in the body of a here-document";
    case ShellContext::Comment: return "in a shell comment";
    case ShellContext::Arithmetic: return "inside shell arithmetic";
    case ShellContext::ParameterExpansion: return "inside a shell ${…} expansion";
  }
  return "in an unknown shell context";
}

}  // namespace mlops::ir
