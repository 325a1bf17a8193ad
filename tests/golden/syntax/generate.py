#!/usr/bin/env python3
"""Regenerates the golden inputs that an editor could silently damage:
byte order marks, CRLF line endings, invalid UTF-8, files that end without
a newline, and very deep nesting. Run from anywhere:

    python3 tests/golden/syntax/generate.py

Then check with build/tests/golden_runner tests/golden/syntax (the .ast
goldens are kept as they are; review any difference by eye).
"""
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    (HERE / name).write_bytes(data)


BOM = b"\xef\xbb\xbf"

# ---- positive cases

write("bom.mlops", BOM + b"// The file starts with a UTF-8 byte order mark, which is skipped.\n"
      b"project bom {\n  version = \"1.0.0\"\n}\n")

write("bom_crlf_doc.mlops", BOM + b"/// Doc right after the BOM, on CRLF lines.\r\n"
      b"project bom_crlf {\r\n  version = \"1.0.0\"\r\n}\r\n")

write("crlf_tabs.mlops",
      "/// Doc on a CRLF line.\r\n"
      "/// Second line.\r\n"
      "project crlf {\r\n"
      "\tversion\t=\t\"1.0.0\"\r\n"
      "\trisk_tier = high\t// tab before comment\r\n"
      "}\r\n"
      "\r\n"
      "model m {\r\n"
      "\trun = \"x\"\t/* block\r\n"
      "\tcomment over CRLF */\r\n"
      "\tparams\t{\tc = 0.5\t}\r\n"
      "}\r\n"
      "\f\r\n"
      "test t on m {\r\n"
      "\texpect a >= 1\r\n"
      "\t\tand b < 2\r\n"
      "}")  # no line break at the end of the file

# 255 brackets inside the model's `{`: exactly the limit of 256 levels.
write("nesting_at_limit.mlops",
      "// 256 levels of brackets (the model's `{` and 255 `[`) is the deepest accepted.\n"
      "model m {\n  x = " + "[" * 255 + "]" * 255 + "\n}\n")

# ---- failing cases

write("fail_nesting_too_deep.mlops",
      "// 300 nested `[` inside a `{`: the error points at the bracket that opens level 257,\n"
      "// once, and the declaration is skipped without a cascade.\n"
      "model m {\n  x = " + "[" * 300 + "]" * 300 +
      "  // expect-error E0101 {{nesting is too deep: more than 256 levels of brackets}}\n"
      "}\n"
      "model ok { y = 1 }\n")

# Latin-1 `é` (0xE9) inside a string: the offset counts bytes from the start of the file.
head = b"// A Latin-1 byte in an otherwise ASCII file.\nproject p {\n  name = \"caf"
write("fail_e0105_latin1_byte.mlops", head + b"\xe9\"   // expect-error E0105 "
      b"{{file is not valid UTF-8: invalid byte 0xE9 at byte offset %d}}\n" % len(head) +
      b"// expect-note@-1 {{re-encode the file}}\n}\n")

# UTF-16 little-endian byte order mark at offset 0.
write("fail_e0105_utf16_bom.mlops", b"\xff\xfe// expect-error E0105 "
      b"{{invalid byte 0xFF at byte offset 0}}\n// expect-note@-1 {{mlopsc reads source files as UTF-8}}\n"
      b"project p {}\n")

# An overlong encoding of `/` (0xC0 0xAF) inside a comment: comments are checked too.
head = b"project p {}\n// overlong: "
write("fail_e0105_overlong.mlops", head + b"\xc0\xaf   // expect-error E0105 "
      b"{{invalid byte 0xC0 at byte offset %d}}\n" % len(head) +
      b"// expect-note@-1 {{re-encode}}\n")

# A UTF-16 surrogate encoded in UTF-8 (0xED 0xA0 0x80) inside a string.
head = b"project p {\n  s = \""
write("fail_e0105_surrogate.mlops", head + b"\xed\xa0\x80\"   // expect-error E0105 "
      b"{{invalid byte 0xED at byte offset %d}}\n" % len(head) +
      b"// expect-note@-1 {{re-encode}}\n}\n")

# Files that end without a line break, in the middle of a token.
write("fail_unterminated_string_eof.mlops",
      "// An unterminated string on the last line, with no newline at the end of the file.\n"
      "project p { version = \"1\" }\n"
      "import \"teams.mlops   // expect-error E0102 {{unterminated string literal: expected a closing `}}")
write("fail_unterminated_block_comment.mlops",
      "project p {\n  version = \"1.0.0\"\n}\n"
      "/* A block comment that is never closed.  // expect-error E0102 "
      "{{unterminated block comment: expected `*}}\n"
      "model m {\n  run = \"x\"\n}\n"
      "// expect-note {{the file ends here}}")
write("fail_unterminated_block_comment_slash.mlops",
      "model m { x = 1 }\n"
      "/*/ is an opening slash-star followed by a slash, not a whole comment  "
      "// expect-error E0102 {{unterminated block comment}}\n"
      "data d {}\n"
      "// expect-note {{the file ends here}}")
write("fail_unterminated_raw_string.mlops",
      "model m {\n"
      "  run = \"\"\"python3 train.py  // expect-error E0102 "
      "{{unterminated raw string: expected a closing `}}\n"
      "}\n\"\"\ndata d {}\n"
      "// expect-note {{the file ends here}}")
write("fail_missing_rbrace_eof.mlops",
      "// The file ends inside a block (and without a final line break, so that\n"
      "// the end of the file is on the last line).\n"
      "project p { version = \"1\" }\n"
      "model m {                          // expect-note {{this `{` is not closed}}\n"
      "  params {\n    c = 0.5\n  }\n  run = \"x\"\n"
      "// expect-error E0101 {{expected `}` to close the block, found end of file}}")
