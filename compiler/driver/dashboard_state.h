// What `mlopsc dashboard` shows, read from the team's record and the
// project folder into the renderer's input (emit/dashboard/dashboard_input.h),
// as audit_output.h does for the report: the renderer never sees the
// runtime. Everything read is hostile input to the renderer, which escapes
// it; here a metrics file that is not JSON, a log that is not text or a
// profile that does not parse is left out, never a crash.
#pragma once

#include "emit/dashboard/dashboard_input.h"
#include "runtime/state/record.h"

#include <string>

namespace mlops::driver {

// The dashboard's input for `graph` rooted at `root` from `record` (null:
// no record, the spec alone). Reads every node's results in one query,
// each model's artifacts once, the approvals log and the gate passes once:
// no query per run or per node.
emit::dashboard::DashboardInput readDashboardInput(const ir::PipelineGraph& graph, const std::string& root,
                                                   const runtime::Record* record);

// A model's metrics JSON text flattened to numeric (key, value) pairs,
// nested objects as `a.b`, in the file's order; at most `limit` pairs.
// Empty when the text is not a JSON object.
std::vector<std::pair<std::string, double>> numericMetrics(const std::string& json, size_t limit = 100);

}  // namespace mlops::driver
