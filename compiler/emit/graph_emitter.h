// The pipeline graph as a picture: DOT, SVG and PNG through Graphviz.
//
// The graph is built with cgraph (never by pasting strings together: cgraph
// quotes names and attribute values), laid out with `dot` and rendered with
// gvc. Nodes are shaped and coloured by kind and grouped in one cluster per
// owner role; gates show their approval quorum, tests their expectation.
// Every text from the spec goes through one escaping function, so quotes,
// `<`, `&`, backslashes, newlines and Unicode come out as written.
//
// Output is deterministic: the same graph gives the same bytes (on the same
// Graphviz and fonts: SVG and PNG depend on font metrics, DOT does not).
#pragma once

#include "ir/pipeline_graph.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::emit {

enum class GraphFormat { Dot, Svg, Png };

std::optional<GraphFormat> parseGraphFormat(std::string_view name);
const char* graphFormatName(GraphFormat format);

// `dot` grows faster than linearly: about 6 s for 2,000 nodes of
// bench/gen-spec, and a picture that size is unreadable anyway. Above this
// many nodes callers write DOT only, unless a format is asked for.
inline constexpr std::size_t kMaxLayoutNodes = 2000;

class GraphEmitter {
 public:
  // Where a node's picture links to in SVG ("" for no link): the
  // dashboard's data page makes each node a link to the page that shows it.
  using NodeLink = std::function<std::string(const ir::Node&)>;

  explicit GraphEmitter(const ir::PipelineGraph& graph, NodeLink link = {});
  ~GraphEmitter();
  GraphEmitter(const GraphEmitter&) = delete;
  GraphEmitter& operator=(const GraphEmitter&) = delete;

  // The graph in `format`, or nullopt with `error` set. DOT is the graph as
  // built, before layout (no coordinates: it does not depend on fonts); SVG
  // and PNG share one layout, made by the first call that needs it.
  std::optional<std::string> render(GraphFormat format, std::string& error);

  // What Graphviz reported while laying out and rendering (warnings), in
  // order, each a line without its trailing newline.
  const std::vector<std::string>& messages() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Text from the spec as a Graphviz label or tooltip that displays exactly
// that text: `\` doubled (labels are escStrings), `&` as `&amp;` (labels
// decode HTML entities), a newline as `\n`, and characters that XML forbids
// (C0 controls, U+FFFE, U+FFFF) as U+FFFD so the SVG stays well-formed.
std::string graphvizText(std::string_view text);

}  // namespace mlops::emit
