// What an approval signs about the model: each declared output with its
// SHA-256, read in the same pass that gives the approvals log's XXH3
// artifact digest (runtime/approvals.h), so a model is read once.
//
// A file's subject is `{name: PATH, sha256: SHA-256 of its bytes}`. A
// folder's is `{name: PATH/, sha256: …}` over its regular files, computed
// as anyone can recompute it with coreutils:
//
//   (cd DIR && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum
//
// i.e. SHA-256 of the lines `HEX  ./REL\n`, sorted bytewise by `./REL`. A
// folder holding a symbolic link, a special file, or a name with `\`, a
// line feed or a carriage return (which sha256sum escapes, changing the
// line) cannot be signed, nor a folder without files (xargs would hash
// stdin): `unsignable` says why and the XXH3 outputs are still given.
#pragma once

#include "ir/pipeline_graph.h"
#include "runtime/trust/approval_statement.h"
#include "runtime/state/records.h"

#include <optional>
#include <string>
#include <vector>

namespace mlops::runtime {

struct TrustedOutputs {
  NodeSuccess outputs;            // as currentOutputs gives them (XXH3, from the bytes)
  std::vector<Subject> subjects;  // in declared order; empty when unsignable
  std::string unsignable;         // why the outputs cannot be signed; empty when they can
};

// The model's declared outputs under `root`, every file read once. Nullopt
// with `missing` set to the first output that is not there (or cannot be read).
std::optional<TrustedOutputs> trustedOutputs(const ir::Node& model, const std::string& root, std::string& missing);

}  // namespace mlops::runtime
