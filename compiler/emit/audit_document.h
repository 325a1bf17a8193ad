// The audit report as a document: sections of paragraphs, key/value lists,
// tables and the graph picture, built once from the report's JSON model
// (audit_report.h) and printed by two renderers, Markdown
// (audit_markdown.h) and HTML (audit_html.h). Text here is plain: each
// renderer escapes it for its format. A tone marks what needs attention,
// and renderers show it by colour and by the text itself.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlops::emit {

enum class Tone { Plain, Good, Warn, Bad, Muted };

struct Cell {
  std::string text;
  Tone tone = Tone::Plain;
  bool code = false;  // an identifier, path, digest or expression: monospace
};

struct Block {
  enum class Kind { Paragraph, Facts, Table, Picture, Chart };
  Kind kind = Kind::Paragraph;
  std::string heading;                           // optional sub-heading
  std::vector<Cell> text;                        // Paragraph: cells joined
  std::vector<std::pair<std::string, Cell>> facts;  // Facts: label → value
  std::vector<std::string> columns;              // Table
  std::vector<std::vector<Cell>> rows;
  std::string svg;                               // Picture (trusted: made by Graphviz from escaped labels), Chart
                                                 // (trusted: emit/plot_svg.h escapes its text); HTML only
};

struct Section {
  std::string anchor, title;
  std::vector<Block> blocks;
};

struct Document {
  std::string title;
  std::vector<Section> sections;
};

Document auditDocument(const nlohmann::ordered_json& report);

}  // namespace mlops::emit
