// A folder only this user can enter, for the files ssh-keygen reads and
// writes while signing and verifying (a statement, its `.sig`, the signers
// bytes that were parsed and digested, a literal public key): another user
// on the machine can neither read them nor swap one between our check and
// ssh-keygen's read. Created as `$TMPDIR/mlopsc-sign.XXXXXX` (mode 0700;
// /tmp when TMPDIR is unset or relative), files created new (O_EXCL, never
// through a link, mode 0600), everything removed by the destructor, which
// also runs when an interrupted command unwinds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mlops::runtime {

class PrivateTempDir {
 public:
  // Nullopt with `error` when no folder can be created.
  static std::optional<PrivateTempDir> create(std::string& error);
  PrivateTempDir(PrivateTempDir&& other) noexcept : path_(std::move(other.path_)), names_(other.names_) {
    other.path_.clear();
  }
  PrivateTempDir& operator=(PrivateTempDir&&) = delete;
  PrivateTempDir(const PrivateTempDir&) = delete;
  ~PrivateTempDir();

  const std::string& path() const { return path_; }
  // The path of `name` in the folder.
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
  // A name not handed out before: `N` + `suffix` (N counts from 1).
  std::string newName(std::string_view suffix) const { return std::to_string(++names_) + std::string(suffix); }
  // Writes `bytes` as the new file `name` (a plain name, no `/`); nullopt
  // with `error` when it exists already or cannot be written.
  std::optional<std::string> write(std::string_view name, std::string_view bytes, std::string& error) const;
  // Reads the file `name` (one ssh-keygen wrote), refusing a link, anything
  // but a regular file and more than `maxBytes` bytes.
  std::optional<std::string> read(std::string_view name, size_t maxBytes, std::string& error) const;

 private:
  explicit PrivateTempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
  mutable unsigned names_ = 0;
};

}  // namespace mlops::runtime
