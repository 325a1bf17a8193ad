// The points of a plot's file (docs/language.md 5.5.3), as the audit report
// and the dashboard draw them. The file is a node's output, written by a
// command whose author may not be the reader's friend: it is read as
// hostile input. The caller reads at most kMaxPlotBytes; here a record
// whose x or y is missing or no finite number is skipped and counted,
// records past kMaxPlotPoints are counted and left out, and a file that is
// none of the formats gives a problem sentence, never an exception.
//
// Formats, as DVC's plots read them:
//   JSON  a list of records `[{"fpr": 0, "tpr": 0}, …]`, or an object whose
//         first list-valued member is one (`{"roc": [ … ]}`);
//   CSV   a header row naming the columns, then one record per line
//         (RFC 4180 quoting);
//   TSV   the same, tab-separated, without quoting.
// The file's extension chooses (.json, .csv, .tsv); any other is read as
// JSON when it parses, else as CSV. A value is a JSON number or a string
// holding a decimal number in full (`"0.5"`, CSV cells).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::emit {

inline constexpr size_t kMaxPlotBytes = 4u << 20;  // 4 MiB
inline constexpr size_t kMaxPlotPoints = 5000;

struct PlotPoint {
  double x = 0, y = 0;
};

struct PlotData {
  std::vector<PlotPoint> points;  // in file order
  size_t skipped = 0;             // records without a numeric x and y
  size_t dropped = 0;             // records past kMaxPlotPoints
  std::string problem;            // why there is no data ("" when read)
};

PlotData parsePlotData(std::string_view text, std::string_view path, const std::string& x, const std::string& y);

}  // namespace mlops::emit
