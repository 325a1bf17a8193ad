// Hover on a role member's address (`members = ["carol@bank.example"]`):
// the SSH keys the project's signers file lists for that person, so a
// reviewer sees who can sign approvals without running ssh-keygen.
#pragma once

#include "sema/program.h"

#include <optional>
#include <string>

namespace mlops::lsp {

// Markdown listing each key of `address` (fingerprint, type, line, validity,
// namespaces), or saying it has none (E0509); nullopt when the project names
// no signers file that could be read.
std::optional<std::string> memberAddressHover(const sema::Program& program, llvm::StringRef address);

}  // namespace mlops::lsp
