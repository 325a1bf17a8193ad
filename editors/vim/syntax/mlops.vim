" Vim syntax file for .mlops specs (mlopsc)
" Language reference: docs/language.md; tokens: grammar/MLOps.g4.
if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syntax case match

" Items defined later win when several start at the same column, so the
" order below matters: operators, then names and keywords, then the
" property/column forms (a keyword before `=` is a property name), then
" numbers, strings and comments.

" ---- operators and punctuation
syntax match mlopsOperator /==\|!=\|<=\|>=\|[<>=+*/-]/
syntax match mlopsDelimiter /[{}[\]().,:]/
" characters that start no token (E0103): ; # & | ' $ @ ? ^ ~ ` \ % alone, ! alone, non-ASCII
syntax match mlopsError /[;#&|'$@?^~`\\%]\|!=\@!\|[^\x00-\x7f]/

" ---- names
syntax match mlopsFunction /\<\h\w*\ze\s*(/
" a declaration keyword, then the name it declares
syntax match mlopsDeclKeyword /\<\%(project\|role\|kpi\|data\|step\|model\|test\|gate\|deploy\|monitor\|pipeline\|check\)\>/ nextgroup=mlopsDeclName,mlopsNameError skipwhite
syntax match mlopsDeclName /\h\w*/ contained
syntax match mlopsNameError /\<\%(project\|use\|import\|role\|kpi\|data\|step\|model\|test\|gate\|deploy\|monitor\|pipeline\|check\|on\|for\|uses\|expect\|every\|where\|target\|of\|baseline\|and\|or\|not\|in\|true\|false\)\>/ contained
syntax match mlopsInclude /\<\%(use\|import\)\>/
syntax match mlopsKeyword /\<\%(on\|for\|uses\|expect\|every\|where\|target\|of\|baseline\)\>/
syntax match mlopsLogical /\<\%(and\|or\|not\|in\)\>/
syntax match mlopsBoolean /\<\%(true\|false\)\>/
" after a dot every word is a member name: metrics.in, std.roles.data_engineer
syntax match mlopsMember /\.\@1<=\h\w*/
syntax match mlopsFunction /\.\@1<=\h\w*\ze\s*(/

" ---- members: `name = value` (keywords too: model = scorer), `name : type`
syntax match mlopsProperty /\<\h\w*\ze\s*=\%(=\)\@!/
syntax match mlopsColumn /\<\h\w*\ze\s*:\s*\h/ nextgroup=mlopsColumnColon skipwhite
syntax match mlopsColumnColon /:/ contained nextgroup=mlopsType skipwhite
syntax match mlopsType /\h\w*/ contained
" the base of a role: role r : base { ... }
syntax match mlopsDeclKeyword /\<role\>\ze\s\+\h\w*\s*:/ nextgroup=mlopsRoleName skipwhite
syntax match mlopsRoleName /\h\w*/ contained nextgroup=mlopsRoleColon skipwhite
syntax match mlopsRoleColon /:/ contained nextgroup=mlopsRoleBase skipwhite
syntax match mlopsRoleBase /\h\w*\%(\.\h\w*\)*/ contained

" ---- numbers: 42  0.75  1e-3, with a unit: 500ms 5m 24h 512Mi 8GB 30%
syntax match mlopsNumberError /\<\d[[:alnum:]_.]*/
syntax match mlopsNumber /\<\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=\>\.\@!/
syntax match mlopsDuration /\<\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=\%(ms\|s\|m\|h\|d\)\>/ contains=mlopsUnit
syntax match mlopsSize /\<\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=\%(Ki\|Mi\|Gi\|Ti\|KB\|MB\|GB\|TB\)\>/ contains=mlopsUnit
syntax match mlopsPercent /\<\d\+\%(\.\d\+\)\=\%([eE][+-]\=\d\+\)\=%/ contains=mlopsUnit
syntax match mlopsUnit /\d\@1<=\%(ms\|[smhd]\|[KMGT]i\|[KMGT]B\|%\)/ contained

" ---- strings: "..." ends on its line; """...""" spans lines, no escapes
syntax region mlopsString start=/"/ skip=/\\\\\|\\"/ end=/"/ end=/$/ contains=mlopsEscapeError,mlopsEscape,mlopsLiteralDollar,mlopsInterpolation
syntax region mlopsRawString start=/"""/ end=/"""\%("\)\@!/ contains=mlopsLiteralDollar,mlopsInterpolation
syntax match mlopsEscapeError /\\./ contained
syntax match mlopsEscape /\\\%(["\\nt]\|u{\x\{1,6}}\)/ contained
" $${ is a literal ${
syntax match mlopsLiteralDollar /\$\${/ contained
syntax region mlopsInterpolation matchgroup=mlopsInterpolationDelimiter start=/\${/ end=/}/ end=/\ze"/ end=/$/ contained oneline contains=mlopsInterpolationPath
syntax match mlopsInterpolationPath /\h\w*\%(\s*\.\s*\h\w*\)*/ contained

" ---- comments: // line, /// doc (exactly three slashes), /* block */ (not nested)
syntax keyword mlopsTodo TODO FIXME XXX NOTE contained
syntax match mlopsComment "//.*$" contains=mlopsTodo,@Spell
syntax match mlopsDocComment "///\%(/\)\@!.*$" contains=mlopsTodo,mlopsDocCode,@Spell
syntax match mlopsDocCode /`[^`]*`/ contained
syntax region mlopsBlockComment start="/\*" end="\*/" contains=mlopsTodo,@Spell

" Raw strings and block comments span lines: parse from the start.
syntax sync fromstart

highlight default link mlopsOperator Operator
highlight default link mlopsDelimiter Delimiter
highlight default link mlopsError Error
highlight default link mlopsFunction Function
highlight default link mlopsDeclKeyword Structure
highlight default link mlopsDeclName Identifier
highlight default link mlopsNameError Error
highlight default link mlopsRoleName Identifier
highlight default link mlopsRoleColon Delimiter
highlight default link mlopsRoleBase Type
highlight default link mlopsInclude Include
highlight default link mlopsKeyword Keyword
highlight default link mlopsLogical Operator
highlight default link mlopsBoolean Boolean
highlight default link mlopsProperty Special
highlight default link mlopsColumn Special
highlight default link mlopsColumnColon Delimiter
highlight default link mlopsType Type
highlight default link mlopsNumber Number
highlight default link mlopsDuration Number
highlight default link mlopsSize Number
highlight default link mlopsPercent Number
highlight default link mlopsUnit Type
highlight default link mlopsNumberError Error
highlight default link mlopsString String
highlight default link mlopsRawString String
highlight default link mlopsEscape SpecialChar
highlight default link mlopsEscapeError Error
highlight default link mlopsLiteralDollar SpecialChar
highlight default link mlopsInterpolationDelimiter Delimiter
highlight default link mlopsInterpolationPath Identifier
highlight default link mlopsInterpolation Special
highlight default link mlopsComment Comment
highlight default link mlopsDocComment SpecialComment
highlight default link mlopsDocCode SpecialComment
highlight default link mlopsBlockComment Comment
highlight default link mlopsTodo Todo

let b:current_syntax = 'mlops'

let &cpo = s:cpo_save
unlet s:cpo_save
