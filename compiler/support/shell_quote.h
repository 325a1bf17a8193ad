// Text as one word of a POSIX shell script: single-quoted, each `'` written
// as `'\''` (close the quotes, an escaped quote, open them again). Inside
// single quotes a shell expands nothing: `$(…)`, backquotes, `$NAME`, `\`,
// `*` and newlines are kept as they are, so the word the shell reads back is
// exactly `text`. The one quoting function of every generated shell script
// (emit/slurm_script.h); text from a spec reaches a script only through it.
//
// A shell word cannot hold a NUL byte: callers never pass one (spec text
// cannot name a file or a node with one).
#pragma once

#include <string>
#include <string_view>

namespace mlops::support {

// `text` single-quoted: `it's` → `'it'\''s'`, "" → `''`.
std::string shellQuote(std::string_view text);

// Whether `name` can be a shell variable's name and an environment
// variable's that `sbatch --export` passes on: [A-Za-z_][A-Za-z0-9_]*.
bool isShellName(std::string_view name);

}  // namespace mlops::support
