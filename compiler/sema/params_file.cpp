#include "sema/params_file.h"

#include "ir/project_params.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <charconv>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

namespace mlops::sema {
namespace {

using json = nlohmann::ordered_json;

struct Refused {
  ParamsFileError error;
};

[[noreturn]] void refuse(const YAML::Mark& mark, std::string message, size_t length = 0) {
  throw Refused{{std::move(message), mark.pos < 0 ? 0 : static_cast<size_t>(mark.pos), length}};
}

// A plain scalar by YAML 1.2's core schema.
json resolvePlain(const std::string& text, const YAML::Mark& mark) {
  static const std::regex integer("[-+]?[0-9]+");
  static const std::regex octal("0o[0-7]+");
  static const std::regex hex("0x[0-9a-fA-F]+");
  static const std::regex decimal("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex special("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  auto whole = [&](std::string_view d, int base) -> json {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), v, base);
    if (ec == std::errc() && end == d.data() + d.size()) return v;
    refuse(mark, "integer `" + text + "` is out of range: expected at most 19 digits", text.size());
  };
  if (std::regex_match(text, integer)) return whole(digits, 10);
  if (std::regex_match(text, octal)) return whole(digits.substr(2), 8);
  if (std::regex_match(text, hex)) return whole(digits.substr(2), 16);
  if (std::regex_match(text, decimal)) {
    double v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(v))
      refuse(mark, "number `" + text + "` is out of range", text.size());
    return v;
  }
  if (std::regex_match(text, special))
    refuse(mark, "`" + text + "` is not a finite number: a parameter's value must be one a command can read",
           text.size());
  return text;
}

// Builds the document from the parser's events, bounded (see the header).
class Builder : public YAML::EventHandler {
 public:
  json root;
  std::map<std::string, size_t> keyOffsets;  // dotted keys of the map chain from the root

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++) refuse(mark, "a second YAML document: expected one map of parameters");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { value(mark, nullptr); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    refuse(mark, "an alias (`*name`): write the value out, aliases are not read in a parameters file", 1);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& text) override {
    if (tag == "?") return value(mark, resolvePlain(text, mark), text.size());
    if (tag == "!" || tag == "tag:yaml.org,2002:str") return value(mark, text, text.size());
    refuse(mark, "tag `" + tag + "`: expected a plain or quoted value, tags are not read in a parameters file");
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    collection(mark, tag, json::array());
  }
  void OnSequenceEnd() override { frames_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    collection(mark, tag, json::object());
  }
  void OnMapEnd() override {
    if (frames_.back().inKeyTree && frames_.size() > 1) path_.pop_back();
    frames_.pop_back();
  }

 private:
  struct Frame {
    json* target;
    bool inKeyTree;  // every enclosing collection is a map, up to the root
    bool expectKey = true;
    std::string key;
    std::set<std::string> keys;
  };

  void count(const YAML::Mark& mark) {
    if (++nodes_ > kMaxParamsNodes)
      refuse(mark, "more than " + std::to_string(kMaxParamsNodes) + " values: a parameters file holds settings, not data");
  }

  std::string dotted(const std::string& last) const {
    std::string out;
    for (const std::string& p : path_) out += p + ".";
    return out + last;
  }

  // Where the next value goes; for a key, takes it and returns null.
  json* place(const YAML::Mark& mark, const json* keyValue, size_t length) {
    if (frames_.empty()) {
      if (documents_ > 1 || !root.is_null()) refuse(mark, "a second value at the top level");
      return &root;
    }
    Frame& f = frames_.back();
    if (f.target->is_array()) {
      f.target->push_back(nullptr);
      return &f.target->back();
    }
    if (f.expectKey) {
      if (!keyValue) refuse(mark, "a map or list as a key: expected a name");
      if (keyValue->is_null()) refuse(mark, "an empty key: expected a name");
      std::string key = keyValue->is_string() ? keyValue->get<std::string>() : keyValue->dump();
      if (!f.keys.insert(key).second) refuse(mark, "key `" + key + "` appears twice in this map", length);
      if (f.inKeyTree) {
        if (!ir::isParamKeySegment(key))
          refuse(mark,
                 "key `" + key + "` cannot be read as `${params." + dotted(key) +
                     "}`: expected letters, digits, `_` and `-`",
                 length);
        keyOffsets[dotted(key)] = mark.pos < 0 ? 0 : static_cast<size_t>(mark.pos);
      }
      f.key = key;
      f.expectKey = false;
      return nullptr;
    }
    f.expectKey = true;
    return &(*f.target)[f.key];
  }

  void value(const YAML::Mark& mark, json v, size_t length = 0) {
    count(mark);
    if (json* at = place(mark, &v, length)) *at = std::move(v);
    if (frames_.empty()) refuse(mark, "a single value: expected a map of parameters (`name: value` lines)");
  }

  void collection(const YAML::Mark& mark, const std::string& tag, json empty) {
    count(mark);
    if (!tag.empty() && tag != "?" && tag != "!" && tag != "tag:yaml.org,2002:map" && tag != "tag:yaml.org,2002:seq")
      refuse(mark, "tag `" + tag + "`: expected a plain map or list, tags are not read in a parameters file");
    if (frames_.size() >= kMaxParamsDepth)
      refuse(mark, "nesting deeper than " + std::to_string(kMaxParamsDepth) + " levels");
    bool isMap = empty.is_object();
    if (frames_.empty() && !isMap) refuse(mark, "a list at the top level: expected a map of parameters");
    bool keyTree = frames_.empty() || (frames_.back().inKeyTree && frames_.back().target->is_object());
    std::string key = frames_.empty() ? std::string() : frames_.back().key;
    json* at = place(mark, nullptr, 0);
    *at = std::move(empty);
    if (keyTree && isMap && !frames_.empty()) path_.push_back(key);
    frames_.push_back({at, keyTree && isMap, true, {}, {}});
  }

  std::vector<Frame> frames_;
  std::vector<std::string> path_;
  size_t nodes_ = 0;
  int documents_ = 0;
};

void flatten(const json& value, const std::string& prefix, const std::map<std::string, size_t>& offsets,
             std::vector<ParamsFileLeaf>& out) {
  for (const auto& [key, v] : value.items()) {
    std::string dotted = prefix.empty() ? key : prefix + "." + key;
    if (v.is_object() && !v.empty()) {
      flatten(v, dotted, offsets, out);
      continue;
    }
    auto at = offsets.find(dotted);
    out.push_back({dotted, v, at == offsets.end() ? 0 : at->second});
  }
}

}  // namespace

bool readParamsFile(std::string_view bytes, std::vector<ParamsFileLeaf>& out, ParamsFileError& error) {
  Builder builder;
  try {
    std::istringstream in{std::string(bytes)};
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const Refused& r) {
    error = r.error;
    return false;
  } catch (const YAML::Exception& e) {
    error = {"not valid YAML or JSON: " + e.msg, e.mark.pos < 0 ? 0 : static_cast<size_t>(e.mark.pos), 0};
    return false;
  }
  if (builder.root.is_null()) {
    error = {"no parameters: expected a map of parameters (`name: value` lines)", 0, 0};
    return false;
  }
  flatten(builder.root, "", builder.keyOffsets, out);
  return true;
}

}  // namespace mlops::sema
