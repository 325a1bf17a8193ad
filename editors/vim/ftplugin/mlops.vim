" Vim filetype plugin for .mlops specs (mlopsc)
" Comments, 2-space indentation, `import "file"` for [i and gf.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=//\ %s
" `///` doc comments and `//` comments continue on a new line; /* */ blocks
setlocal comments=s1:/*,mb:*,ex:*/,:///,://
setlocal formatoptions-=t formatoptions+=croql
setlocal shiftwidth=2 softtabstop=2 expandtab
setlocal suffixesadd=.mlops
setlocal include=^\\s*import\\s*\"
setlocal iskeyword=@,48-57,_

let b:undo_ftplugin = 'setlocal commentstring< comments< formatoptions< shiftwidth< softtabstop< expandtab<'
      \ . ' suffixesadd< include< iskeyword<'

let &cpo = s:cpo_save
unlet s:cpo_save
