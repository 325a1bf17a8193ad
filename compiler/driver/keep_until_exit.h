// Memory the process hands back all at once when it exits. Like clang's
// -disable-free: a command's big data (the AST arena, the sources, the IR
// of a 100k-line spec) would take a tenth of a second to free piece by piece
// just before the process ends. Sanitizer and fuzzing builds
// (MLOPS_FREE_AT_EXIT) free it normally, so leak checkers see every
// allocation returned.
#pragma once

#include <memory>

namespace mlops::driver {

template <class T>
void keepUntilExit(std::unique_ptr<T> owner) {
#if MLOPS_FREE_AT_EXIT
  owner.reset();
#else
  (void)owner.release();  // intentionally never freed: the process is about to end
#endif
}

}  // namespace mlops::driver
