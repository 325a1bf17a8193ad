#include "lsp/transport.h"

#include <llvm/ADT/StringRef.h>

namespace mlops::lsp {

bool Transport::readLine(std::string& line) {
  line.clear();
  int c;
  while ((c = std::fgetc(in_)) != EOF) {
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
    line += static_cast<char>(c);
    if (line.size() > 64 * 1024) return true;  // not a header: let the caller complain
  }
  return !line.empty();
}

std::optional<std::string> Transport::read(std::string& problem) {
  problem.clear();
  std::string line;
  long long length = -1;
  bool sawHeader = false;
  while (true) {
    if (!readLine(line)) return std::nullopt;
    if (line.empty()) {
      if (!sawHeader) continue;  // stray blank lines between messages
      break;
    }
    sawHeader = true;
    llvm::StringRef header(line);
    auto [name, value] = header.split(':');
    // Other headers (Content-Type) need nothing.
    if (name.trim().equals_insensitive("content-length")) {
      unsigned long long n = 0;
      if (value.trim().getAsInteger(10, n)) problem = "bad Content-Length header: " + line.substr(0, 80);
      else length = static_cast<long long>(n);
    }
  }
  if (length < 0) {
    if (problem.empty()) problem = "a message without a Content-Length header";
    return std::string();
  }
  std::string body(static_cast<size_t>(std::min<long long>(length, kMaxBody)), '\0');
  size_t got = body.empty() ? 0 : std::fread(body.data(), 1, body.size(), in_);
  if (static_cast<long long>(got) < length && length <= static_cast<long long>(kMaxBody)) {
    if (got == 0 && std::feof(in_)) return std::nullopt;
    problem = "the input ended inside a message";
    return std::string();
  }
  if (length > static_cast<long long>(kMaxBody)) {
    for (long long rest = length - static_cast<long long>(got); rest > 0 && std::fgetc(in_) != EOF; --rest) {}
    problem = "a message larger than 256 MiB";
    return std::string();
  }
  problem.clear();  // a bad Content-Length followed by a good one
  return body;
}

void Transport::write(const std::string& body) {
  std::lock_guard<std::mutex> lock(writeMutex_);
  std::fprintf(out_, "Content-Length: %zu\r\n\r\n", body.size());
  std::fwrite(body.data(), 1, body.size(), out_);
  std::fflush(out_);
}

}  // namespace mlops::lsp
