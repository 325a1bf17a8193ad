" Vim indent file for .mlops specs (mlopsc)
" One level (shiftwidth) per `{`, `[` or `(` that ends a line; a line starting
" with `}`, `]` or `)` lines up with the line that opened it; a list broken
" after its first item (`require = [a, b,`) continues under that item.
" Brackets inside strings and comments do not count, and the lines inside a
" multi-line `"""` raw string or `/* */` comment keep their indentation (it is
" part of the string's value).
if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetMlopsIndent(v:lnum)
setlocal indentkeys=0{,0},0],0),!^F,o,O
setlocal autoindent nolisp nosmartindent nocindent

let b:undo_indent = 'setlocal indentexpr< indentkeys< autoindent< lisp< smartindent< cindent<'

if exists('*GetMlopsIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Syntax groups whose text is not code (needs `:syntax on`; without syntax
" highlighting brackets in strings and comments count, and raw strings are
" indented like code).
let s:not_code = '^mlops\%(String\|RawString\|Comment\|DocComment\|BlockComment\)$'
let s:multiline = '^mlops\%(RawString\|BlockComment\)$'

function! s:InGroup(lnum, col, pattern) abort
  for id in synstack(a:lnum, a:col)
    if synIDattr(id, 'name') =~# a:pattern
      return 1
    endif
  endfor
  return 0
endfunction

" True when line lnum starts inside a raw string or block comment that an
" earlier line opened.
function! s:Continues(lnum) abort
  if a:lnum <= 1
    return 0
  endif
  let prev = a:lnum - 1
  return s:InGroup(prev, strlen(getline(prev)) + 1, s:multiline)
endfunction

" The line where the statement holding line lnum starts: lnum, or the line
" that opened the raw string or block comment lnum continues.
function! s:StatementStart(lnum) abort
  let l = a:lnum
  while l > 1 && s:Continues(l)
    let l -= 1
  endwhile
  return l
endfunction

function! s:IsCode(lnum, col) abort
  return !s:InGroup(a:lnum, a:col, s:not_code)
endfunction

" The [lnum, col] of the bracket that the closing bracket at (lnum, col)
" closes, or [0, 0]. Looks back at most 2000 lines.
function! s:MatchingOpen(lnum, col) abort
  let depth = 0
  let l = a:lnum
  let c = a:col - 1
  let stop = max([1, a:lnum - 2000])
  while l >= stop
    let text = getline(l)
    if c < 0
      let c = strlen(text)
    endif
    while c > 0
      let ch = text[c - 1]
      if ch =~# '[}\])]' && s:IsCode(l, c)
        let depth += 1
      elseif ch =~# '[{[(]' && s:IsCode(l, c)
        if depth == 0
          return [l, c]
        endif
        let depth -= 1
      endif
      let c -= 1
    endwhile
    let l -= 1
    let c = -1
  endwhile
  return [0, 0]
endfunction

function! GetMlopsIndent(lnum) abort
  " Inside a raw string or block comment: leave the line as it is.
  if s:Continues(a:lnum)
    return -1
  endif
  let line = getline(a:lnum)
  " A line starting with a closing bracket lines up with the line that opened it.
  if line =~# '^\s*[}\])]'
    let open = s:MatchingOpen(a:lnum, match(line, '\S') + 1)
    if open[0] > 0
      return indent(s:StatementStart(open[0]))
    endif
  endif
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  " The previous line's statement may have started on an earlier line (a raw
  " string or block comment over several lines): look at all of it.
  let first = s:StatementStart(prev)
  let stack = []
  let unmatched = []
  for l in range(first, prev)
    let text = getline(l)
    let len = strlen(text)
    let c = 1
    while c <= len
      let ch = text[c - 1]
      if ch =~# '[{[(]' && s:IsCode(l, c)
        call add(stack, [l, c])
      elseif ch =~# '[}\])]' && s:IsCode(l, c)
        if empty(stack)
          let unmatched = [l, c]
        else
          call remove(stack, -1)
        endif
      endif
      let c += 1
    endwhile
  endfor
  if !empty(stack)
    " Still open at the end of the previous line. `[a, b,` with more on its
    " line: line up with the first item; `{` or `[` ending its line: one
    " level deeper than the statement.
    let [ol, oc] = stack[-1]
    let rest = strpart(getline(ol), oc)
    let item = match(rest, '\S')
    if item >= 0 && rest[item : item + 1] !=# '//' && rest[item : item + 1] !=# '/*'
      return virtcol([ol, oc]) + item
    endif
    return indent(first) + shiftwidth()
  endif
  if !empty(unmatched)
    " The previous line closed brackets opened earlier: back to the
    " indentation of the line that opened them.
    let open = s:MatchingOpen(unmatched[0], unmatched[1])
    if open[0] > 0
      return indent(s:StatementStart(open[0]))
    endif
  endif
  return indent(first)
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
