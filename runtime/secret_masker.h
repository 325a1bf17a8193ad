// Masks secret values in a stream of output (a node's stdout and stderr on
// their way to its log), chunk by chunk: a value split across two reads is
// masked too, because the end of a chunk that could be the start of a value
// is held back until the next chunk (or the end) decides.
//
// Masked, each replaced by `***`: every value of 4 or more bytes (shorter
// ones would mask ordinary text: documented as not masked), its standard
// and URL-safe base64 encodings (without the `=` padding, which URL-safe
// encodings often leave out) and its percent-encoding (when that differs
// from the value). Not masked: a value transformed in
// any other way (hex, reversed, split by the command itself, encoded
// together with other text).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mlops::runtime {

class SecretMasker {
 public:
  explicit SecretMasker(const std::vector<std::string>& values);

  bool active() const { return !patterns_.empty(); }
  // What of the output so far can be written: `chunk` appended to what was
  // held back, masked, minus a new tail that may still become a value.
  std::string feed(std::string_view chunk);
  // The end of the stream: whatever was held back, masked.
  std::string finish();

  // The forms of `value` that are masked (the value itself first).
  static std::vector<std::string> forms(const std::string& value);

 private:
  std::string drain(bool final);
  size_t heldSuffix(std::string_view text) const;
  std::vector<std::string> patterns_;
  size_t longest_ = 0;
  std::string held_;
};

}  // namespace mlops::runtime
