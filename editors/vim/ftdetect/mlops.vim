" .mlops specs (mlopsc) -> filetype mlops
autocmd BufNewFile,BufRead *.mlops setfiletype mlops
