// What ssh-keygen said about a signature, remembered per user so a gate or
// `history --verify` does not start one ssh-keygen per approval every time
// (each costs ~13 ms of CPU).
//
// The key is the hex SHA-256 of
//   "mlops-verify 1\n" + hex SHA-256(payload) + "\n" + hex SHA-256(signature) + "\n" + signers SHA-256 (hex)
// : the principal, the verify time and the namespace ssh-keygen checked
// come from the payload and the signature, so a verdict is a pure function
// of the key and never expires. Removing a key from allowed_signers changes
// its digest: every entry misses and is verified again.
//
// Where: $MLOPS_VERIFY_CACHE, else $XDG_CACHE_HOME/mlopsc/verified.db, else
// ~/.cache/mlopsc/verified.db (folder 0700, file 0600), never the project's
// state: whoever can write a forged approval there could write its
// "verified" entry too, while this file is in the trust domain of the user
// running mlopsc. MLOPS_VERIFY_CACHE=off disables it (benchmarks, paranoid
// CI). A cache that cannot be opened or written is no cache, silently:
// verification is only slower.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct sqlite3;

namespace mlops::runtime {

struct CachedVerdict {
  bool ok = false;
  std::string reason;  // ssh-keygen's first stderr line when it refused
  bool operator==(const CachedVerdict&) const = default;
};

class VerifyCache {
 public:
  ~VerifyCache();
  VerifyCache(const VerifyCache&) = delete;
  VerifyCache& operator=(const VerifyCache&) = delete;

  // The cache file mlopsc's environment names; nullopt when it is off or
  // there is no HOME to put it in.
  static std::optional<std::string> location();
  // The cache at location(); nullptr when off or unusable.
  static std::unique_ptr<VerifyCache> open();
  // The cache at `path` (its folder created 0700, the file 0600); nullptr
  // when unusable.
  static std::unique_ptr<VerifyCache> openAt(const std::string& path);

  static std::string key(std::string_view payload, std::string_view signature, std::string_view signersSha256);

  // One read transaction for all of `keys`; nullopt for a miss (or when the
  // file cannot be read).
  std::vector<std::optional<CachedVerdict>> lookup(const std::vector<std::string>& keys);
  // One write transaction; a failure leaves the entries uncached.
  void insert(const std::vector<std::pair<std::string, CachedVerdict>>& entries);

 private:
  explicit VerifyCache(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace mlops::runtime
