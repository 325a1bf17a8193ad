#include "lsp/member_hover.h"

#include "sema/member_address.h"

namespace mlops::lsp {
namespace {

// 20260101Z → 2026-01-01; 20260101123000Z → 2026-01-01 12:30:00 UTC.
std::string readableTime(int64_t seconds) {
  std::string t = support::formatSignersTime(seconds);
  std::string out = t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2);
  if (t.size() > 9) out += " " + t.substr(8, 2) + ":" + t.substr(10, 2) + ":" + t.substr(12, 2) + " UTC";
  return out;
}

}  // namespace

std::optional<std::string> memberAddressHover(const sema::Program& program, llvm::StringRef address) {
  if (!program.signers || !program.signers->bufferId) return std::nullopt;
  const sema::SignersFacts& signers = *program.signers;
  const std::string person = sema::normalizedAddress(address);
  const std::string shown = sema::printableAddress(address);
  std::vector<const support::SignerLine*> keys = signers.file.keysOf(person);
  if (keys.empty())
    return "`" + shown + "` — **no signing key** in `" + signers.path + "`: approvals by `" + shown +
           "` cannot be signed (E0509 when they approve a gate)";
  std::string out = "`" + shown + "` — signing keys in `" + signers.path + "`:\n";
  for (const support::SignerLine* l : keys) {
    out += "\n- `" + l->key.fingerprint + "` " + l->key.type + ", line " + std::to_string(l->line);
    if (l->validAfter) out += ", valid after " + readableTime(*l->validAfter);
    if (l->validBefore) out += ", until " + readableTime(*l->validBefore);
    if (l->namespaces.empty()) {
      out += ", any namespace";
    } else {
      out += ", namespaces";
      for (size_t i = 0; i < l->namespaces.size(); ++i) out += (i ? ", " : " ") + l->namespaces[i];
    }
    if (!l->allows("mlops-approval")) out += " (cannot sign approvals)";
  }
  return out;
}

}  // namespace mlops::lsp
