// Where each `${…}` of a command sits in the shell's grammar. The runtime
// turns an interpolation into one single-quoted shell word, which is safe
// only where the shell starts a word: bare, as in `train --lr ${params.lr}`.
// Inside double quotes (`"${params.x}"` with x = `$(touch PWNED)`), single
// quotes, `$'…'`, backticks, after a backslash, in a heredoc body, in a
// comment, in arithmetic or in a shell `${VAR:-…}` the quotes it adds are
// data, not quoting, and the value runs as code. The compiler refuses those
// (E0304) and the runtime refuses them again (a hand-edited pipeline.json,
// a `\u{24}{` spelled interpolation). Both read the command as /bin/sh
// would, erring towards "quoted" where a shell could read it either way.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mlops::ir {

enum class ShellContext {
  Bare,               // where a word starts or continues, unquoted: safe
  DoubleQuotes,       // "…${x}…"
  SingleQuotes,       // '…${x}…'
  AnsiCQuotes,        // $'…${x}…'
  Backslash,          // \${x}
  Backticks,          // `…${x}…`
  Heredoc,            // the body of a << here-document
  Comment,            // after a # that starts a word
  Arithmetic,         // $(( … )) or (( … ))
  ParameterExpansion  // $${VAR:-…${x}…}: the shell's own ${…}, written $${ in a spec
};

struct InterpolationSite {
  size_t begin = 0;  // offset of `$` in `${`
  size_t end = 0;    // one past its `}` (the end of the text when unterminated)
  ShellContext context = ShellContext::Bare;
};

// Every interpolation of `command` (a node's `run` or `rollback` as written:
// `${…}` interpolates, `$${` is a literal `${`), in order.
std::vector<InterpolationSite> interpolationSites(std::string_view command);

// Whether the interpolation `written` (`${…}` as in the command) may stand
// in `context`: anything where a word starts, and a secret inside double
// quotes too, where the runtime writes it as the variable reference `${NAME}`
// (the shell expands a variable there without reading its value as code).
bool allowedIn(ShellContext context, std::string_view written);

// "inside double quotes", "after a backslash", ... for messages.
const char* describe(ShellContext context);

}  // namespace mlops::ir
