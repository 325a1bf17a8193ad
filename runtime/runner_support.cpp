#include "runtime/runner_support.h"

#include "runtime/interpolation.h"

#include <llvm/Support/MemoryBuffer.h>

#include <cstdio>

namespace mlops::runtime::runner_support {

std::vector<std::string> upstream(const ir::Node& n) {
  std::vector<std::string> out;
  for (const ir::Input& in : n.inputs) out.push_back(in.node);
  out.insert(out.end(), n.orderAfter.begin(), n.orderAfter.end());
  switch (n.kind) {
    case ir::NodeKind::Test: out.push_back(n.target); break;
    case ir::NodeKind::Gate:
      out.push_back(n.model);
      out.insert(out.end(), n.require.begin(), n.require.end());
      break;
    case ir::NodeKind::Deploy:
      out.push_back(n.model);
      if (!n.after.empty()) out.push_back(n.after);
      break;
    case ir::NodeKind::Monitor: out.push_back(n.deploy); break;
    default: break;
  }
  out.insert(out.end(), n.whenReads.begin(), n.whenReads.end());  // a condition reads them
  return out;
}

bool ciJob(const RunOptions& o) { return o.ci && !o.node.empty() && !o.artifactsDir.empty(); }

std::string label(const ir::Node& n) { return std::string(ir::nodeKindName(n.kind)) + " " + n.name; }

std::string percentText(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", fraction * 100);
  return buf;
}

std::optional<std::string> readFile(const std::string& path, std::string& error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read `" + path + "`: " + buffer.getError().message();
    return std::nullopt;
  }
  return (*buffer)->getBuffer().str();
}

std::string join(const std::string& root, const std::string& path) { return projectPath(root, path); }

}  // namespace mlops::runtime::runner_support
