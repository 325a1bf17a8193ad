#include "emit/yaml_text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ostream>
#include <stdexcept>

namespace mlops::emit {

namespace {

// Characters that are plain text anywhere in a plain scalar (ASCII only,
// independent of the locale).
constexpr std::array<bool, 256> plainCharacters() {
  std::array<bool, 256> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (char c : {'_', '-', '.', '/', '@', '+'}) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kPlain = plainCharacters();

bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool isPlainSafe(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  if (!isAsciiLetter(s[0]) && s[0] != '_' && s[0] != '/') return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (kPlain[static_cast<unsigned char>(c)]) continue;
    // Inner single spaces and a `:` not followed by a space are plain text.
    if (c == ' ' && s[i + 1] != ' ' && s[i + 1] != '#' && s[i + 1] != '-') continue;
    if (c == ':' && s[i + 1] != ' ') continue;
    return false;
  }
  // YAML 1.1 booleans and nulls (GitHub's and GitLab's parsers differ on
  // which they honour, so none of them is written plain).
  if (s.size() > 5) return true;
  static constexpr std::array<std::string_view, 11> keywords = {"y",   "n",  "yes",   "no",   "on", "off",
                                                               "true", "false", "null", "nan", "inf"};
  char lower[6] = {};
  for (size_t i = 0; i < s.size(); ++i) lower[i] = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
  return std::find(keywords.begin(), keywords.end(), std::string_view(lower, s.size())) == keywords.end();
}

// Text yaml-cpp writes as it is (see the header: isPlainSafe vouched for it).
struct PlainText {
  std::string_view text;
};

}  // namespace mlops::emit

// yaml-cpp's scalar writer for streamable values (Emitter::WriteIntegralType)
// lays the scalar out in the document (indentation, `- `, `key: `) and then
// prints it through a std::stringstream, whose construction (locale facets)
// would cost more than everything else. This specialisation for our own type
// takes the same steps and prints the text directly.
template <>
YAML::Emitter& YAML::Emitter::WriteIntegralType<mlops::emit::PlainText>(mlops::emit::PlainText value) {
  if (!good()) return *this;
  PrepareNode(EmitterNodeType::Scalar);
  m_stream.write(value.text.data(), value.text.size());
  StartedScalar();
  return *this;
}

namespace mlops::emit {
namespace {

bool hasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

void scalar(YAML::Emitter& out, std::string_view s) {
  if (isPlainSafe(s)) out.WriteIntegralType(PlainText{s});
  else if (!hasControl(s)) out << YAML::SingleQuoted << std::string(s);
  else out << YAML::DoubleQuoted << std::string(s);
}

YAML::Emitter& operator<<(YAML::Emitter& out, PlatformKey k) {
  if (!k.text.empty() && std::all_of(k.text.begin(), k.text.end(), [](unsigned char c) { return std::isalpha(c); }))
    out.WriteIntegralType(PlainText{k.text});
  else
    scalar(out, k.text);
  return out;
}

YAML::Emitter& operator<<(YAML::Emitter& out, Word w) {
  scalar(out, w.text);
  return out;
}

void quotedText(YAML::Emitter& out, std::string_view s) {
  out << (hasControl(s) ? YAML::DoubleQuoted : YAML::SingleQuoted) << std::string(s);
}

void emptyMap(YAML::Emitter& out) { out << YAML::Flow << YAML::BeginMap << YAML::EndMap; }
void emptySeq(YAML::Emitter& out) { out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq; }

void configure(YAML::Emitter& out) {
  out.SetIndent(2);
  out.SetMapFormat(YAML::Block);
  out.SetSeqFormat(YAML::Block);
  out.SetStringFormat(YAML::Auto);
}

std::string finishDocument(const YAML::Emitter& out, std::string_view header) {
  if (!out.good()) throw std::runtime_error("yaml-cpp: " + out.GetLastError());
  std::string text;
  for (size_t start = 0; start < header.size();) {
    size_t end = header.find('\n', start);
    if (end == std::string_view::npos) end = header.size();
    text += "# ";
    text += header.substr(start, end - start);
    text += '\n';
    start = end + 1;
  }
  text += out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace mlops::emit
