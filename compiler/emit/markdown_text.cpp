#include "emit/markdown_text.h"

#include "support/display_text.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace mlops::emit {

std::string markdownText(const std::string& text, bool lineStart) {
  std::string s = support::escapeControls(text, support::Lines::Multi);
  std::string out;
  out.reserve(s.size() + 8);
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    bool escape = std::string_view("\\`*[]<>|~&").find(c) != std::string_view::npos;
    if (c == '_') escape = i == 0 || i + 1 == s.size() || !word(s[i - 1]) || !word(s[i + 1]);
    if (lineStart && i == 0 && (c == '#' || c == '-' || c == '+' || c == '=')) escape = true;
    if (lineStart && c == '.' && i > 0 && std::all_of(s.begin(), s.begin() + static_cast<long>(i),
                                                     [](char d) { return std::isdigit(static_cast<unsigned char>(d)); }))
      escape = true;
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

std::string markdownCode(const std::string& text) {
  size_t longest = 0, run = 0;
  std::string body;
  for (char c : support::escapeControls(text, support::Lines::Multi)) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '\n' || c == '\r') body += ' ';
    else if (c == '|') body += "\\|";
    else body += c;
  }
  std::string fence(longest + 1, '`');
  bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

}  // namespace mlops::emit
