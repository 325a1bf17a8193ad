// Text for the dashboard's HTML and SVG: every string from a spec, the
// record, a metrics file or a log goes through `escape` before it is
// written, so a role's doc comment, a metric key or a log line holding
// `<script>`, quotes or control characters is shown as written and never
// read as markup. The same escaping is safe in element content and in
// double- or single-quoted attribute values.
#pragma once

#include <string>
#include <string_view>

namespace mlops::emit::dashboard {

// `text` with control characters, bidi controls and bytes that are not
// UTF-8 as visible escapes (support/display_text.h; tab and newline kept),
// then `&`, `<`, `>`, `"` and `'` as entities.
std::string escape(std::string_view text);

// `text` as a fragment of an id, a file name or a URL, made only of
// [A-Za-z0-9_-]: every other byte becomes `.XX` (hex), so two different
// texts never give the same fragment and nothing in it needs escaping.
std::string slug(std::string_view text);

// A number as a spec writes it (emit/value_text.h), for tables and tooltips.
std::string number(double value);

// A number for an SVG coordinate: one decimal, fixed notation, the same
// bytes on every run.
std::string coordinate(double value);

}  // namespace mlops::emit::dashboard
