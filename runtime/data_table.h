// Data tests read the data they check: a CSV file (RFC 4180: a header row,
// commas, double-quoted fields with "" for a quote and embedded line
// breaks). The data functions of the IR (docs/ir.md 6.3) are computed over
// it: rows(), nulls(column), column_min/max(column), age(), schema_ok().
// `drift.psi` needs the reference profile a gate pass stores; until one
// exists a test that reads it passes and says so, as with baselines.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/expression.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

struct DataTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  double ageSeconds = 0;  // since the file last changed

  // Reads a CSV file; nullopt and `error` when it cannot be read or parsed.
  static std::optional<DataTable> readCsv(const std::string& path, std::string& error);
  // Reads the CSV source `source` of a data test (relative to the project
  // folder `root`, or absolute). A file outside the project folder (symlinks
  // resolved) is refused before it is opened: a data test would otherwise
  // put lines of any file the runner can read (its header as column names,
  // cells in messages, categories in drift profiles) into logs, results and
  // the state database. Messages about a file read name rows and columns,
  // never a cell's value.
  static std::optional<DataTable> readProjectCsv(const std::string& root, const std::string& source,
                                                 std::string& error);
  // The index of `column`, or nullopt with `error` naming the columns there are.
  std::optional<size_t> column(const std::string& name, std::string& error) const;
};

// A CSV cell as a finite number (the whole cell), or nullopt.
std::optional<double> parseNumber(const std::string& cell);

// Whether a value counts as null: empty, or null / NA / NaN in any case.
bool isNull(const std::string& value);

// The data functions over `table`, for a test on the data node `data`.
// `source` names the file in messages.
EvaluationContext dataContext(const ir::Node& data, const DataTable& table, const std::string& source);

}  // namespace mlops::runtime
