" Vim syntax for the policy annotation markup, the same rules as
" syntaxes/policy.tmLanguage.json: an annotation opens and closes on one line,
" never nests; a backslash escapes ( ) [ ] < > { } \ ; full-width brackets are
" text; another kind's closer still closes an annotation but is an error.
" It makes the text readable before the language server attaches.
if exists('b:current_syntax')
  finish
endif

" Stray brackets first: Vim prefers the item defined last when several start at one place.
syntax match policyUnclosed /[[(<{]/
syntax match policyUnmatched /[])>}]/
syntax match policyEscape /\\[][()<>{}\\]/

" One character of content: an escape, a backslash before anything else, or non-markup.
let s:unit = '\%(\\[][()<>{}\\]\|\\\%([^][()<>{}\\]\|$\)\|[^][()<>{}\\]\)'
for [s:kind, s:open, s:close, s:own, s:others] in [
      \ ['Actor', '(', ')', '[()]', '[]>}]'],
      \ ['Action', '\[', '\]', '[][]', '[)>}]'],
      \ ['Data', '<', '>', '[<>]', '[])}]'],
      \ ['Purpose', '{', '}', '[{}]', '[])>]']]
  let s:group = 'policy' . s:kind
  execute 'syntax match ' . s:group . ' /' . s:open . s:unit . '*\%(' . s:close . '\|' . s:others . '\)/'
        \ . ' contains=' . s:group . 'Text,' . s:group . 'Bracket,' . s:group . 'Mismatched'
  " The content starts just after the opener (a look-behind, so the opener stays a bracket) and
  " takes every character but the closer, the only bracket left to match.
  execute 'syntax match ' . s:group . 'Text /\%(' . s:open . '\)\@1<=' . s:unit . '*/ contained contains=policyEscape'
  execute 'syntax match ' . s:group . 'Bracket /' . s:own . '/ contained'
  execute 'syntax match ' . s:group . 'Mismatched /' . s:others . '/ contained'
  execute 'highlight default link ' . s:group . 'Bracket Delimiter'
  execute 'highlight default link ' . s:group . 'Mismatched Error'
endfor
execute 'syntax match policyEmpty /[[(<{]\%(\s\|　\)*[])>}]/'

" Section headings at the start of a line: 一、 （一） 1、 （1） and a short title.
syntax match policyHeading /^\s*\%([一二三四五六七八九十百零〇]\+、\|（[一二三四五六七八九十百零〇]\+）\|[0-9０-９]\+、\|（[0-9０-９]\+）\)[^。；;：:！!？?，,()[\]<>{}\\]\{1,50}$/

highlight default link policyActorText Type
highlight default link policyActionText Function
highlight default link policyDataText Identifier
highlight default link policyPurposeText String
highlight default link policyEscape SpecialChar
highlight default link policyHeading Title
highlight default link policyUnclosed Error
highlight default link policyUnmatched Error
highlight default link policyEmpty Error

let b:current_syntax = 'policy'
