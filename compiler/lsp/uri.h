// file:// URIs <-> paths (RFC 8089, percent-encoding as VS Code does).
#pragma once

#include <string>

namespace mlops::lsp {

std::string pathToUri(const std::string& path);
// The path of a file:// URI; for other schemes (untitled:), the URI itself.
std::string uriToPath(const std::string& uri);

}  // namespace mlops::lsp
