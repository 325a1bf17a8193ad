// What every fuzz target does with a broken property: say which on stderr and
// abort(), which libFuzzer (and the fuzz_replay driver) reports as a crash
// with the input kept as a reproducer.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace mlops::fuzz {

[[noreturn]] inline void fail(const char* target, const char* what, const char* detail) {
  std::fprintf(stderr, "%s: %s: %s\n", target, what, detail);
  std::fflush(stderr);
  std::abort();
}

// Runs `body`; an exception escaping it is a finding: every input path of
// the tool must turn bad input into a diagnostic or an error value.
template <typename Body>
void noExceptionEscapes(const char* target, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    fail(target, "an exception escaped", e.what());
  } catch (...) {
    fail(target, "an exception escaped", "(not a std::exception)");
  }
}

}  // namespace mlops::fuzz
