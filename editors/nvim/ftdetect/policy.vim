" Annotated privacy policies (policy-lsp markup).
autocmd BufRead,BufNewFile *.policy setfiletype policy
