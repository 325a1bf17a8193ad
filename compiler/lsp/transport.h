// JSON-RPC 2.0 over a byte stream with LSP's base protocol framing:
// `Content-Length: N\r\n` headers, a blank line, then N bytes of JSON.
#pragma once

#include <cstdio>
#include <mutex>
#include <optional>
#include <string>

namespace mlops::lsp {

class Transport {
 public:
  Transport(std::FILE* in, std::FILE* out) : in_(in), out_(out) {}

  // The next message body. nullopt at end of input; a framing problem
  // (no or bad Content-Length, a body cut short) sets `problem` and returns
  // an empty body, so the caller can answer and go on.
  std::optional<std::string> read(std::string& problem);
  // Frames and writes one message; safe from several threads.
  void write(const std::string& body);

  static constexpr size_t kMaxBody = 256u << 20;  // 256 MiB

 private:
  bool readLine(std::string& line);
  std::FILE* in_;
  std::FILE* out_;
  std::mutex writeMutex_;
};

}  // namespace mlops::lsp
