// The audit report as GitHub-flavoured Markdown (report.md): headings,
// tables, every piece of user text escaped so it reads as text (a `|` or a
// `<script>` in a doc comment cannot break a table or become markup). The
// graph is linked as `pipeline.svg`, written next to the report (GitHub does
// not render inline SVG).
#pragma once

#include "emit/audit_document.h"

#include <string>

namespace mlops::emit {

std::string renderAuditMarkdown(const Document& document);

}  // namespace mlops::emit
