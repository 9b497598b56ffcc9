" Annotated privacy policies: prose with bracket markup.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

" % jumps between the four bracket kinds; long Chinese paragraphs wrap at characters.
setlocal matchpairs=(:),[:],<:>,{:}
setlocal wrap linebreak
let b:undo_ftplugin = 'setlocal matchpairs< wrap< linebreak<'
