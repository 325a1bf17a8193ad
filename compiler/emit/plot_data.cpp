#include "emit/plot_data.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace mlops::emit {
namespace {

using Json = nlohmann::json;

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A decimal number written in full: "0.5", " 3 ", "-1e-3"; not "", "1x",
// "nan" or "inf".
std::optional<double> numberIn(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  for (char c : copy)  // strtod also reads hex floats and "infinity"
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return std::nullopt;
  return v;
}

std::optional<double> numberIn(const Json& v) {
  if (v.is_number()) {
    double d = v.get<double>();
    return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
  }
  if (v.is_string()) return numberIn(std::string_view(v.get_ref<const std::string&>()));
  return std::nullopt;
}

void add(PlotData& out, std::optional<double> x, std::optional<double> y) {
  if (!x || !y) ++out.skipped;
  else if (out.points.size() >= kMaxPlotPoints) ++out.dropped;
  else out.points.push_back({*x, *y});
}

PlotData fromJson(const Json& doc, const std::string& x, const std::string& y) {
  PlotData out;
  const Json* records = doc.is_array() ? &doc : nullptr;
  if (doc.is_object())
    for (const auto& [key, value] : doc.items())
      if (value.is_array()) {
        records = &value;
        break;
      }
  if (!records) {
    out.problem = "it holds no list of records";
    return out;
  }
  for (const Json& r : *records) {
    if (!r.is_object()) {
      ++out.skipped;
      continue;
    }
    auto xi = r.find(x), yi = r.find(y);
    add(out, xi == r.end() ? std::nullopt : numberIn(*xi), yi == r.end() ? std::nullopt : numberIn(*yi));
  }
  return out;
}

// One line of a CSV (RFC 4180 quotes, which may hold newlines) or TSV
// file from `pos`; false at the end.
bool nextRow(std::string_view text, size_t& pos, char separator, std::vector<std::string>& cells) {
  cells.clear();
  if (pos >= text.size()) return false;
  std::string cell;
  bool quoted = false;
  while (pos < text.size()) {
    char c = text[pos++];
    if (quoted) {
      if (c == '"' && pos < text.size() && text[pos] == '"') cell += '"', ++pos;
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"' && separator == ',' && cell.empty()) {
      quoted = true;
    } else if (c == separator) {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      cell += c;
    }
  }
  cells.push_back(std::move(cell));
  return true;
}

PlotData fromTable(std::string_view text, char separator, const std::string& x, const std::string& y) {
  PlotData out;
  size_t pos = 0;
  std::vector<std::string> cells;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // a byte order mark
  if (!nextRow(text, pos, separator, cells)) {
    out.problem = "it is empty";
    return out;
  }
  std::optional<size_t> xc, yc;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] == x && !xc) xc = i;
    if (cells[i] == y && !yc) yc = i;
  }
  if (!xc || !yc) {
    out.problem = std::string("its header has no column `") + (!xc ? x : y) + "`";
    return out;
  }
  while (nextRow(text, pos, separator, cells)) {
    if (cells.size() == 1 && cells[0].empty()) continue;  // a blank line
    add(out, *xc < cells.size() ? numberIn(std::string_view(cells[*xc])) : std::nullopt,
        *yc < cells.size() ? numberIn(std::string_view(cells[*yc])) : std::nullopt);
  }
  return out;
}

}  // namespace

PlotData parsePlotData(std::string_view text, std::string_view path, const std::string& x, const std::string& y) {
  PlotData out;
  if (text.size() > kMaxPlotBytes) {
    out.problem = "it is larger than " + std::to_string(kMaxPlotBytes) + " bytes";
    return out;
  }
  if (endsWith(path, ".csv")) out = fromTable(text, ',', x, y);
  else if (endsWith(path, ".tsv")) out = fromTable(text, '\t', x, y);
  else {
    Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_discarded()) out = fromJson(doc, x, y);
    else if (endsWith(path, ".json")) out.problem = "it is not JSON";
    else out = fromTable(text, ',', x, y);
  }
  if (out.problem.empty() && out.points.empty())
    out.problem = out.skipped ? "none of its " + std::to_string(out.skipped) + " record(s) has a numeric `" + x +
                                    "` and `" + y + "`"
                              : "it holds no records";
  return out;
}

}  // namespace mlops::emit
