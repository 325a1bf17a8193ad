// The audit report as one self-contained HTML file (report.html): inline
// CSS and the graph as inline SVG, no scripts and no external requests,
// readable tables, states shown by colour and by their words, and print
// styles so a browser's "print to PDF" gives a clean document. Every piece
// of user text is escaped.
#pragma once

#include "emit/audit_document.h"

#include <string>

namespace mlops::emit {

std::string renderAuditHtml(const Document& document);

// `&`, `<`, `>`, `"` and `'` as entities.
std::string escapeHtml(const std::string& text);

}  // namespace mlops::emit
