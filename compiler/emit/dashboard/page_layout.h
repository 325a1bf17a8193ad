// What every dashboard page shares: the document around its body (the
// Content-Security-Policy, the style sheet and script links, the page
// navigation), where each node of the graph is shown, and the small pieces
// the pages repeat (a status badge, a table of results over runs).
#pragma once

#include "emit/dashboard/dashboard_input.h"

#include <string>
#include <string_view>

namespace mlops::emit::dashboard {

// The pages' policy: nothing but the dashboard's own files (and data: URLs
// for images). `frame-ancestors` has no effect in a <meta> element, so the
// server adds it to its header (kServedContentSecurityPolicy).
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'";
inline constexpr std::string_view kServedContentSecurityPolicy =
    "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

// The file of a model's page: model-NAME.html (NAME as html_text.h slug).
std::string modelPage(const ir::Node& model);
// Where a node is shown: its model's page (models, their tests and gates,
// deploys and monitors), else its anchor on the data page; with its anchor.
std::string nodeHref(const ir::PipelineGraph& graph, const ir::Node& node);
// The anchor of a node on its page.
std::string nodeAnchor(const ir::Node& node);

// `title` and `body` as a whole page at `path`, with the navigation
// marking the current page.
std::string pageDocument(const DashboardInput& input, const std::string& path, const std::string& title,
                         const std::string& body);

// A status word in a coloured badge (the colour repeats the word, never
// replaces it): good for succeeded/passed/met…, bad for failed/missed…,
// warn for waiting, skipped and anything else.
std::string badge(const std::string& status);

// A node's newest result, or null when it never ran.
const NodeRun* latestRun(const DashboardInput& input, const std::string& node);

// A node's results over runs as a strip of small marks, the newest last
// (at most `limit`), each with its run, status and why as a tooltip.
std::string resultStrip(const std::vector<NodeRun>& runs, size_t limit = 60);

// The first 8 hex digits of a digest.
std::string shortDigest(const std::string& digest);

// "3.2 s", "1.5 MiB" for the resource columns.
std::string secondsText(double seconds);
std::string memoryText(double bytes);
// An age in the largest unit that keeps it over 2: "45 s", "12 min", "30 h", "9 d".
std::string ageText(double seconds);

}  // namespace mlops::emit::dashboard
