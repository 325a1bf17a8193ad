#include "ir/json_writer.h"

#include "ir/pipeline_graph.h"

namespace mlops::ir {

void JsonWriter::newline(size_t depth) {
  out_ += '\n';
  out_.append(depth * 2, ' ');
}

void JsonWriter::beforeValue() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (levels_.empty()) return;
  Level& level = levels_.back();
  if (!level.empty) out_ += ',';
  level.empty = false;
  newline(levels_.size());
}

void JsonWriter::key(std::string_view k) {
  Level& level = levels_.back();
  if (!level.empty) out_ += ',';
  level.empty = false;
  newline(levels_.size());
  escaped(k);
  out_ += ": ";
  afterKey_ = true;
}

void JsonWriter::open(char bracket) {
  beforeValue();
  out_ += bracket;
  levels_.push_back({});
}

void JsonWriter::close(char bracket) {
  bool empty = levels_.back().empty;
  levels_.pop_back();
  if (!empty) newline(levels_.size());
  out_ += bracket;
}

void JsonWriter::escaped(std::string_view s) {
  bool simple = true;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x80 || c == '"' || c == '\\') {
      simple = false;
      break;
    }
  }
  if (simple) {
    out_ += '"';
    out_ += s;
    out_ += '"';
    return;
  }
  // Escapes, non-ASCII and invalid UTF-8 exactly as nlohmann writes them.
  out_ += nlohmann::ordered_json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonWriter::string(std::string_view s) {
  beforeValue();
  escaped(s);
}

void JsonWriter::integer(int64_t v) {
  beforeValue();
  out_ += std::to_string(v);
}

void JsonWriter::number(double v) {
  tree(ir::number(v));
}

void JsonWriter::boolean(bool v) {
  beforeValue();
  out_ += v ? "true" : "false";
}

void JsonWriter::null() {
  beforeValue();
  out_ += "null";
}

void JsonWriter::tree(const nlohmann::ordered_json& j) {
  beforeValue();
  using Serializer = nlohmann::detail::serializer<nlohmann::ordered_json>;
  Serializer serializer(nlohmann::detail::output_adapter<char, std::string>(out_), ' ',
                        nlohmann::json::error_handler_t::replace);
  serializer.dump(j, /*pretty_print=*/true, /*ensure_ascii=*/false, /*indent_step=*/2,
                  /*current_indent=*/static_cast<unsigned>(levels_.size() * 2));
}

void JsonWriter::stringArray(std::string_view k, const std::vector<std::string>& items) {
  key(k);
  beginArray();
  for (const std::string& s : items) string(s);
  endArray();
}

}  // namespace mlops::ir
