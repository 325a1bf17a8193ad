// Text shown on terminals and in text files (support/display_text.h): control
// characters, C1 controls, DEL, bidi controls and bytes that are not UTF-8
// become visible escapes; everything else, non-ASCII text included, is kept.
#include "support/display_text.h"

#include <catch2/catch.hpp>

using mlops::support::escapeControls;
using mlops::support::Lines;

TEST_CASE("security item 10: terminal escape sequences are shown, not obeyed", "[support][security]") {
  // Clear screen, set the window title, ring the bell: what an approval
  // comment held in the review.
  CHECK(escapeControls("ok\x1b[2J\x1b]0;pwned\x07!") == "ok\\x1b[2J\\x1b]0;pwned\\x07!");
  CHECK(escapeControls(std::string("nul\0here", 8)) == "nul\\x00here");
  CHECK(escapeControls("del\x7f") == "del\\x7f");
  // C1 controls in their UTF-8 form (U+009B is CSI on many terminals).
  CHECK(escapeControls("csi\xc2\x9b" "2J") == "csi\\u{9b}2J");
}

TEST_CASE("security item 10: bidi overrides and isolates are shown (Trojan source)", "[support][security]") {
  CHECK(escapeControls("admin\xe2\x80\xae" "txt.exe") == "admin\\u{202e}txt.exe");
  for (const char* c : {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae", "\xe2\x81\xa6",
                        "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c"})
    CHECK(escapeControls(c).rfind("\\u{", 0) == 0);
  CHECK(escapeControls("a\xe2\x80\xa8" "b") == "a\\u{2028}b");  // a line separator breaks no line
}

TEST_CASE("security item 10: line breaks are escaped in a field, kept in a multi-line text", "[support][security]") {
  CHECK(escapeControls("a\tb\nc\rd") == "a\\tb\\nc\\rd");
  CHECK(escapeControls("a\tb\nc\rd", Lines::Multi) == "a\tb\nc\\rd");
  CHECK(escapeControls("log line\n\x1b[31mred\x1b[0m\n", Lines::Multi) == "log line\n\\x1b[31mred\\x1b[0m\n");
}

TEST_CASE("security item 10: text and valid UTF-8 stay as they are", "[support][security]") {
  CHECK(escapeControls("") == "");
  CHECK(escapeControls("plain `text` with \\ and \"quotes\"") == "plain `text` with \\ and \"quotes\"");
  CHECK(escapeControls("Zürich – 東京 🙂") == "Zürich – 東京 🙂");
}

TEST_CASE("security item 10: bytes that are not UTF-8 are escaped one by one", "[support][security]") {
  CHECK(escapeControls("a\xff" "b") == "a\\xffb");
  CHECK(escapeControls("\x9b" "2J") == "\\x9b2J");  // a bare 8-bit CSI
  CHECK(escapeControls("\xc0\xaf") == "\\xc0\\xaf");            // overlong '/'
  CHECK(escapeControls("\xed\xa0\x80") == "\\xed\\xa0\\x80");    // a surrogate
  CHECK(escapeControls("\xe2\x80") == "\\xe2\\x80");            // cut short
  CHECK(escapeControls("\xf4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
}
