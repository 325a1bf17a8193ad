// Reading a small file that untrusted hands may have replaced: only a
// regular file (never a FIFO that would block the open, a device or a
// folder), at most `maxBytes`, optionally never through a symbolic link.
// Used for the files mlopsc reads back to check (the signers file a gate
// trusts, what ssh-keygen wrote into a private folder).
#pragma once

#include <optional>
#include <string>

namespace mlops::runtime {

struct BoundedRead {
  enum class Failure { None, Open, NotRegular, Read, TooLarge };
  std::optional<std::string> bytes;  // set when Failure::None
  Failure failure = Failure::None;
  int error = 0;  // errno of Open and Read
  // The failure as a sentence about `shownPath`, the caller's words for
  // the file ("`/tmp/x`", "the signers file `allowed_signers`"): "cannot
  // read SHOWN: REASON", "SHOWN is not a regular file", "SHOWN is larger
  // than N bytes"; "" when it was read.
  std::string describe(const std::string& shownPath, size_t maxBytes) const;
};

BoundedRead readBoundedFile(const std::string& path, size_t maxBytes, bool followLinks);

}  // namespace mlops::runtime
