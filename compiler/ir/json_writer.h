// A streaming JSON writer that produces exactly the bytes of nlohmann's
// `dump(2)` (two-space indentation, `"key": value`, `{}` and `[]` when empty,
// the same string escapes and number formats) without building a document
// first. pipeline.json of a 100k-line spec is 36 MB: building it as a DOM
// and freeing it again cost more than writing it (docs/benchmarks.md).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::ir {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void beginObject() { open('{'); }
  void endObject() { close('}'); }
  void beginArray() { open('['); }
  void endArray() { close(']'); }

  // In an object: the next member's key. In an array, values follow directly.
  void key(std::string_view k);

  void string(std::string_view s);
  void integer(int64_t v);
  void number(double v);  // whole numbers as integers (see ir::number)
  void boolean(bool v);
  void null();
  // A value that is already a JSON tree (expression trees, literals).
  void tree(const nlohmann::ordered_json& j);

  // Shorthands for `key(k)` then a value.
  void field(std::string_view k, std::string_view s) { key(k), string(s); }
  void fieldOrNull(std::string_view k, std::string_view s) {  // null when empty
    key(k);
    s.empty() ? null() : string(s);
  }
  void stringArray(std::string_view k, const std::vector<std::string>& items);

 private:
  void open(char bracket);
  void close(char bracket);
  void beforeValue();
  void newline(size_t depth);
  void escaped(std::string_view s);

  struct Level {
    bool empty = true;
  };
  std::string& out_;
  std::vector<Level> levels_;
  bool afterKey_ = false;
};

}  // namespace mlops::ir
