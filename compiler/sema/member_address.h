// Role members are people, named by e-mail address; separation of duties
// (E0502) and `mlopsc approve --as` compare them. A leading space, a tab, a
// zero-width space, a Cyrillic `а` or a trailing dot would make one person
// two members, so one person could own a model and approve it. Addresses are
// therefore plain ASCII `local@domain` (internationalised addresses would
// need Unicode normalisation and cross-script confusable tables: refused,
// not half handled), compared lowercased; two different addresses that look
// alike (`carol` / `caro1`, `rn` / `m`) or reach one mailbox (`+tag`) are
// E0508.
#pragma once

#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>

namespace mlops::sema {

struct AddressProblem {
  size_t offset = 0;  // the offending bytes of the address as written
  size_t length = 0;  // 0: the whole address
  std::string why;    // "has a leading space", "holds U+0430, ..."
};

// Why `address` is not a member address, or nullopt when it is one.
std::optional<AddressProblem> checkMemberAddress(llvm::StringRef address);

// The identity of a valid address: lowercased.
std::string normalizedAddress(llvm::StringRef address);

// Equal for addresses a reader could take for each other: the `+tag` of the
// local part dropped, `1`, `I` and `|` read as `l`, `0` as `o`, then
// lowercased, `rn` read as `m` and `vv` as `w`.
std::string addressSkeleton(llvm::StringRef address);

// `text` with control, space-like and non-ASCII characters written as
// `\u{…}`, fit to quote in a message.
std::string printableAddress(llvm::StringRef text);

}  // namespace mlops::sema
