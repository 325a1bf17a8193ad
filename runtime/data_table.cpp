#include "runtime/data_table.h"

#include "runtime/content_hash.h"
#include "runtime/interpolation.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <chrono>
#include <cmath>
#include <cstdlib>

namespace mlops::runtime {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}


std::optional<Value> typed(const std::string& type, const std::string& text) {
  if (type == "string") return Value{text};
  if (type == "int") {
    std::optional<double> v = parseNumber(text);
    if (!v || *v != std::floor(*v)) return std::nullopt;
    return Value{*v};
  }
  if (type == "float" || type == "percent") {
    std::optional<double> v = parseNumber(text);
    if (!v) return std::nullopt;
    return Value{*v};
  }
  if (type == "bool") {
    std::string l = lower(text);
    if (l == "true" || l == "1") return Value{true};
    if (l == "false" || l == "0") return Value{false};
    return std::nullopt;
  }
  return Value{text};  // durations, sizes, lists: kept as text in this version
}

}  // namespace

bool isNull(const std::string& value) {
  std::string l = lower(value);
  return l.empty() || l == "null" || l == "na" || l == "nan";
}

std::optional<DataTable> DataTable::readCsv(const std::string& path, std::string& error) {
  std::string stampError;
  std::optional<FileStamp> stamp = statFile(path, stampError);
  if (!stamp) {
    error = "cannot read the data " + stampError;
    return std::nullopt;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read the data `" + path + "`: " + buffer.getError().message();
    return std::nullopt;
  }
  llvm::StringRef text = (*buffer)->getBuffer();
  DataTable table;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, inQuotes = false, any = false;
  size_t line = 1;
  auto endRecord = [&] {
    record.push_back(field);
    field.clear();
    if (table.header.empty()) table.header = record;
    else if (!(record.size() == 1 && record[0].empty())) table.rows.push_back(record);  // blank lines
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    any = true;
    if (inQuotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') inQuotes = false;
      else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !quoted) {
      inQuotes = quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      endRecord();
      quoted = false;
      any = false;
      ++line;
    } else {
      field += c;
    }
  }
  if (inQuotes) {
    error = "`" + path + "`: a quoted field is not closed (line " + std::to_string(line) + ")";
    return std::nullopt;
  }
  if (any || !field.empty() || !record.empty()) endRecord();
  if (table.header.empty()) {
    error = "`" + path + "` is empty: expected a header row";
    return std::nullopt;
  }
  for (size_t r = 0; r < table.rows.size(); ++r)
    if (table.rows[r].size() != table.header.size()) {
      error = "`" + path + "`: data row " + std::to_string(r + 1) + " has " + std::to_string(table.rows[r].size()) +
              " fields, the header " + std::to_string(table.header.size());
      return std::nullopt;
    }
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  table.ageSeconds = std::max(0.0, now - static_cast<double>(stamp->mtimeNs) / 1e9);
  return table;
}

std::optional<DataTable> DataTable::readProjectCsv(const std::string& root, const std::string& source,
                                                  std::string& error) {
  // Both sides real paths; a file that does not exist is placed lexically
  // (its folder may be a link, so the longest existing prefix is resolved).
  auto real = [](llvm::StringRef path) {
    llvm::SmallString<256> out;
    llvm::SmallString<256> prefix(path);
    llvm::sys::fs::make_absolute(prefix);
    llvm::sys::path::remove_dots(prefix, /*remove_dot_dot=*/true);
    std::string rest;
    while (llvm::sys::fs::real_path(prefix, out)) {
      llvm::StringRef parent = llvm::sys::path::parent_path(prefix);
      if (parent.empty() || parent == prefix) return prefix.str().str() + rest;
      rest = "/" + llvm::sys::path::filename(prefix).str() + rest;
      std::string up = parent.str();
      prefix = up;
    }
    return out.str().str() + rest;
  };
  std::string project = real(root);
  std::string file = real(projectPath(root, source));
  bool inside = file.size() > project.size() && file.compare(0, project.size(), project) == 0 &&
                (project == "/" || file[project.size()] == '/');
  if (!inside) {
    error = "the data `" + source +
            "` lies outside the project folder: data tests read only files inside it (docs/language.md, data tests)";
    return std::nullopt;
  }
  return readCsv(file, error);
}

std::optional<size_t> DataTable::column(const std::string& name, std::string& error) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  std::string names;
  for (const std::string& h : header) names += (names.empty() ? "" : ", ") + h;
  error = "column `" + name + "` is not in the data (its columns: " + names + ")";
  return std::nullopt;
}

std::optional<double> parseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

EvaluationContext dataContext(const ir::Node& data, const DataTable& table, const std::string& source) {
  EvaluationContext context;
  context.call = [&data, &table, source](const std::vector<std::string>& name, const std::vector<Value>& args,
                                          std::string& error) -> std::optional<Value> {
    std::string fn;
    for (const std::string& s : name) fn += (fn.empty() ? "" : ".") + s;
    auto columnArg = [&]() -> std::optional<size_t> {
      const std::string* col = args.size() == 1 ? std::get_if<std::string>(&args[0].v) : nullptr;
      if (!col) {
        error = "`" + fn + "()` takes a column name";
        return std::nullopt;
      }
      std::optional<size_t> index = table.column(*col, error);
      if (!index) error += " (`" + source + "`)";
      return index;
    };
    if (fn == "rows") return Value{static_cast<double>(table.rows.size())};
    if (fn == "age") return Value{table.ageSeconds};
    if (fn == "nulls") {
      std::optional<size_t> c = columnArg();
      if (!c) return std::nullopt;
      if (table.rows.empty()) return Value{0.0};
      size_t nulls = 0;
      for (const auto& row : table.rows) nulls += isNull(row[*c]);
      return Value{static_cast<double>(nulls) / static_cast<double>(table.rows.size())};
    }
    if (fn == "column_min" || fn == "column_max") {
      std::optional<size_t> c = columnArg();
      if (!c) return std::nullopt;
      std::optional<double> best;
      for (size_t r = 0; r < table.rows.size(); ++r) {
        const std::string& cell = table.rows[r][*c];
        if (isNull(cell)) continue;
        std::optional<double> v = parseNumber(cell);
        if (!v) {
          // The row, never the cell: data may hold what no log should.
          error = "`" + fn + "(\"" + table.header[*c] + "\")`: row " + std::to_string(r + 1) +
                  " is not a number (`" + source + "`)";
          return std::nullopt;
        }
        if (!best || (fn == "column_min" ? *v < *best : *v > *best)) best = v;
      }
      if (!best) {
        error = "`" + fn + "(\"" + table.header[*c] + "\")`: the column has no values (`" + source + "`)";
        return std::nullopt;
      }
      return Value{*best};
    }
    if (fn == "schema_ok") {
      for (const ir::Column& col : data.schema) {
        std::string ignored;
        std::optional<size_t> c = table.column(col.name, ignored);
        if (!c) return Value{false};
        for (const auto& row : table.rows) {
          if (isNull(row[*c])) continue;
          std::optional<Value> v = typed(col.type, row[*c]);
          if (!v) return Value{false};
          if (col.where.empty()) continue;
          EvaluationContext value;
          value.path = [&v](const std::vector<std::string>& path, std::string& e) -> std::optional<Value> {
            if (path.size() == 1 && path[0] == "value") return *v;
            e = "`" + path[0] + "` cannot be read in a column constraint";
            return std::nullopt;
          };
          std::optional<bool> ok = evaluateCondition(col.where.tree, value, error);
          if (!ok) return std::nullopt;
          if (!*ok) return Value{false};
        }
      }
      return Value{true};
    }
    error = "`" + fn + "()` is not a data function this runtime computes";
    return std::nullopt;
  };
  return context;
}

}  // namespace mlops::runtime
