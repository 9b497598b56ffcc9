-- Headless Neovim, used as `nvim --headless -u nvim_e2e.lua`: loads editors/nvim the way a
-- user does (runtimepath + setup()), opens a copy of the JD sample and checks what the user
-- gets: filetype and syntax before the server, diagnostics after breaking a bracket and after
-- the fix, the hover text in its floating window, and (Neovim >= 0.11) the semantic token
-- and, with `compareWith` naming another annotator's version, a disagreement hint and its
-- "take theirs" quick fix; with the lint preset `pipl`, `recipient-missing` on a sharing and
-- its end once the recipient is annotated; and the quick fix "Add to the workspace taxonomy
-- as …" applied by vim.lsp.buf.code_action, the file saved, the `unclassified-data` gone; and
-- "Allow in policy-lsp.toml" the same way, the finding gone.
-- Environment: POLICY_REPO (checkout), POLICY_LSP (server), POLICY_SAMPLE (a copy to edit).
local repo = assert(os.getenv("POLICY_REPO"), "POLICY_REPO")
local server = assert(os.getenv("POLICY_LSP"), "POLICY_LSP")
local sample = assert(os.getenv("POLICY_SAMPLE"), "POLICY_SAMPLE")

vim.opt.runtimepath:prepend(repo .. "/editors/nvim")
vim.o.swapfile = false

-- Every publishDiagnostics the client receives, so "no errors" means "the server said so".
local published = 0
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(...)
  published = published + 1
  return publish(...)
end

-- Another annotator's versions, compared through setup()'s `compare_with` (the folder is
-- filled in by the compareWith check below; the sample has no counterpart there).
local agree = vim.fn.fnamemodify(sample, ":h") .. "/agree"
require("policy_lsp").setup({ cmd = { server }, compare_with = agree .. "/theirs" })

local version = vim.version()
local label = ("nvim %d.%d"):format(version.major, version.minor)
local has_semantic_tokens = vim.fn.has("nvim-0.11") == 1
local passed, failed = 0, 0
local function out(line)
  io.stdout:write(line .. "\n")
end

local function check(name, fn)
  local start = vim.loop.hrtime()
  local ok, err = pcall(fn)
  local ms = math.floor((vim.loop.hrtime() - start) / 1e6)
  if ok then
    passed = passed + 1
    out(("ok - %s: %s (%d ms)"):format(label, name, ms))
  else
    failed = failed + 1
    out(("not ok - %s: %s: %s"):format(label, name, tostring(err)))
  end
end

local function wait_for(ms, what, predicate)
  if not vim.wait(ms, predicate, 50) then
    error("timed out waiting for " .. what, 2)
  end
end

local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

local function policy_diagnostics(bufnr)
  return vim.tbl_filter(function(d)
    return d.source == "policy-lsp"
  end, vim.diagnostic.get(bufnr))
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function describe(diags)
  local parts = {}
  for _, d in ipairs(diags) do
    table.insert(parts, ("%s@%d:%d"):format(tostring(code_of(d)), d.lnum, d.col))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

-- The sample's line 16 (0-based 15): `…京东<账户名>、<密码>、您本人的<手机号码>…`
local ROW = 15

local function run()
  local bufnr, line, opener, closer, password

  check("*.policy opens as filetype policy with the bracket syntax", function()
    vim.cmd("edit " .. vim.fn.fnameescape(sample))
    bufnr = vim.api.nvim_get_current_buf()
    assert(vim.bo.filetype == "policy", "filetype is " .. vim.bo.filetype)
    assert(vim.b.current_syntax == "policy", "syntax is " .. tostring(vim.b.current_syntax))
    line = vim.api.nvim_buf_get_lines(bufnr, ROW, ROW + 1, true)[1]
    opener = assert(line:find("<账户名>", 1, true)) - 1 -- 0-based byte of `<`
    closer = opener + #"<账户名"
    password = assert(line:find("<密码>", 1, true)) - 1 + #"<密" -- on 码
    local function group(col0)
      return vim.fn.synIDattr(vim.fn.synID(ROW + 1, col0 + 1, 1), "name")
    end
    assert(group(opener + 1) == "policyDataText", "账户名 is " .. group(opener + 1))
    assert(group(opener) == "policyDataBracket", "< is " .. group(opener))
    assert(group(0) == "", "plain text is " .. group(0))
  end)

  check("the server attaches and publishes no errors for the sample", function()
    wait_for(10000, "the client to attach", function()
      local c = clients(bufnr)[1]
      return c ~= nil and c.initialized ~= false and published > 0
    end)
    local diags = policy_diagnostics(bufnr)
    assert(#diags == 0, "diagnostics on open: " .. describe(diags))
  end)

  check("deleting a `>` gives an unclosed-annotation error at its `<`", function()
    vim.api.nvim_buf_set_text(bufnr, ROW, closer, ROW, closer + 1, { "" })
    local found
    wait_for(10000, "unclosed-annotation", function()
      for _, d in ipairs(policy_diagnostics(bufnr)) do
        if code_of(d) == "unclosed-annotation" then
          found = d
          return true
        end
      end
    end)
    assert(found.lnum == ROW and found.col == opener, ("at %d:%d, want %d:%d"):format(found.lnum, found.col, ROW, opener))
    assert(found.severity == vim.diagnostic.severity.ERROR, "severity " .. tostring(found.severity))
    local all = policy_diagnostics(bufnr)
    assert(#all == 1, "diagnostics: " .. describe(all))
  end)

  check("hover on a sensitive data item shows its classification", function()
    local col = password - #">" -- 码 moved one character left with the `>` deleted
    vim.api.nvim_win_set_cursor(0, { ROW + 1, col })
    vim.lsp.buf.hover()
    local text
    wait_for(10000, "the hover window", function()
      for _, win in ipairs(vim.api.nvim_list_wins()) do
        if vim.api.nvim_win_get_config(win).relative ~= "" then
          text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), "\n")
          return true
        end
      end
    end)
    out("# " .. label .. " hover: " .. (text:gsub("\n+", " | ")):sub(1, 160))
    assert(text:find("个人敏感信息", 1, true), "hover text: " .. text)
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= "" then
        vim.api.nvim_win_close(win, true)
      end
    end
  end)

  check("retyping the `>` clears the error", function()
    local before = published
    vim.api.nvim_buf_set_text(bufnr, ROW, closer, ROW, closer, { ">" })
    wait_for(10000, "a publication with no diagnostics", function()
      return published > before and #policy_diagnostics(bufnr) == 0
    end)
  end)

  if has_semantic_tokens then
    check("the semantic token on 密码 is data, sensitive, highlighted through the plugin's links", function()
      local token
      wait_for(10000, "a semantic token on 密码", function()
        for _, t in ipairs(vim.lsp.semantic_tokens.get_at_pos(bufnr, ROW, password) or {}) do
          token = t
          return true
        end
      end)
      assert(token.type == "data", "type " .. tostring(token.type))
      assert(token.modifiers and token.modifiers.sensitive, "modifiers " .. vim.inspect(token.modifiers))
      local link = vim.api.nvim_get_hl(0, { name = "@lsp.type.data" }).link
      assert(link == "Identifier", "@lsp.type.data links to " .. tostring(link))
      link = vim.api.nvim_get_hl(0, { name = "@lsp.mod.sensitive" }).link
      assert(link == "WarningMsg", "@lsp.mod.sensitive links to " .. tostring(link))
    end)
  end

  if has_semantic_tokens then
    check("the quick fix for an unclosed bracket closes it and the error goes", function()
      vim.api.nvim_buf_set_text(bufnr, ROW, closer, ROW, closer + 1, { "" })
      local diag
      wait_for(10000, "unclosed-annotation", function()
        for _, d in ipairs(policy_diagnostics(bufnr)) do
          if code_of(d) == "unclosed-annotation" then
            diag = d
            return true
          end
        end
      end)
      local client = clients(bufnr)[1]
      local lsp_diag = diag.user_data.lsp
      local params = {
        textDocument = vim.lsp.util.make_text_document_params(bufnr),
        range = lsp_diag.range,
        context = { diagnostics = { lsp_diag }, only = { "quickfix" } },
      }
      local action, titles = nil, {}
      for _, res in pairs(vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 5000) or {}) do
        for _, a in ipairs(res.result or {}) do
          table.insert(titles, a.title)
          if a.title:find("end of the clause", 1, true) then
            action = a
          end
        end
      end
      assert(action, "no 'close at the end of the clause' fix among: " .. table.concat(titles, "; "))
      if not action.edit then
        action = assert(client:request_sync("codeAction/resolve", action, 5000)).result
      end
      local before = published
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
      wait_for(10000, "the error to go", function()
        return published > before and #policy_diagnostics(bufnr) == 0
      end)
      local now = vim.api.nvim_buf_get_lines(bufnr, ROW, ROW + 1, true)[1]
      assert(now == line, "the fix should restore the line, got: " .. now)
    end)
  end

  if has_semantic_tokens then
    check("compareWith: a disagreement hint, and taking theirs rewrites the line and clears it", function()
      -- Two annotators' versions of a one-line policy: theirs marks only 手机 as data.
      local ours_line = "(我们)[收集]<手机号码>用于{下单}"
      local theirs_line = "(我们)[收集]<手机>号码用于{下单}"
      local dir = agree
      vim.fn.mkdir(dir .. "/ours", "p")
      vim.fn.mkdir(dir .. "/theirs", "p")
      vim.fn.writefile({ ours_line }, dir .. "/ours/small.policy")
      vim.fn.writefile({ theirs_line }, dir .. "/theirs/small.policy")
      -- setup() sent compareWith = agree/theirs at start; the server finds theirs by the
      -- document's path relative to the root. Then the document.
      vim.o.hidden = true
      vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/ours/small.policy"))
      local ours = vim.api.nvim_get_current_buf()
      local hint
      wait_for(10000, "a disagreement hint", function()
        for _, d in ipairs(policy_diagnostics(ours)) do
          if code_of(d) == "disagreement" then
            hint = d
            return true
          end
        end
      end)
      assert(hint.severity == vim.diagnostic.severity.HINT, "severity " .. tostring(hint.severity))
      assert(hint.message:find("<手机>", 1, true), "message: " .. hint.message)
      -- Over our <手机号码>: byte columns of `<` and after `>`.
      local from = assert(ours_line:find("<手机号码>", 1, true)) - 1
      assert(hint.lnum == 0 and hint.col == from and hint.end_col == from + #"<手机号码>",
        ("hint at %d:%d-%d"):format(hint.lnum, hint.col, hint.end_col))
      -- The hover there shows both versions.
      vim.api.nvim_win_set_cursor(0, { 1, from + #"<" })
      vim.lsp.buf.hover()
      local text
      wait_for(10000, "the hover window", function()
        for _, win in ipairs(vim.api.nvim_list_wins()) do
          if vim.api.nvim_win_get_config(win).relative ~= "" then
            text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), "\n")
            vim.api.nvim_win_close(win, true)
            return true
          end
        end
      end)
      assert(text:find("<手机号码>", 1, true) and text:find("<手机>号码", 1, true), "hover text: " .. text)
      local client = clients(ours)[1]
      local lsp_diag = hint.user_data.lsp
      local params = {
        textDocument = vim.lsp.util.make_text_document_params(ours),
        range = lsp_diag.range,
        context = { diagnostics = { lsp_diag }, only = { "quickfix" } },
      }
      local action, titles = nil, {}
      for _, res in pairs(vim.lsp.buf_request_sync(ours, "textDocument/codeAction", params, 5000) or {}) do
        for _, a in ipairs(res.result or {}) do
          table.insert(titles, a.title)
          if a.title:find("^Take theirs:") then
            action = a
          end
        end
      end
      assert(action and action.edit, "no 'Take theirs' fix among: " .. table.concat(titles, "; "))
      local before = published
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
      local now = vim.api.nvim_buf_get_lines(ours, 0, 1, true)[1]
      assert(now == theirs_line, "after taking theirs: " .. now)
      wait_for(10000, "the hint to go", function()
        return published > before and #policy_diagnostics(ours) == 0
      end)
    end)
  end

  if has_semantic_tokens then
    check("with the preset pipl, a sharing with no recipient is reported until one is annotated", function()
      local dir = vim.fn.fnamemodify(sample, ":h") .. "/lints"
      vim.fn.mkdir(dir, "p")
      local text = "(我们)会[共享]您的<位置信息>给第三方。"
      vim.fn.writefile({ text }, dir .. "/share.policy")
      -- The setting as a user's config sends it: lints = { "pipl" }.
      clients(bufnr)[1]:notify("workspace/didChangeConfiguration", { settings = { lints = { "pipl" } } })
      vim.o.hidden = true
      vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/share.policy"))
      local buf = vim.api.nvim_get_current_buf()
      local found
      wait_for(10000, "recipient-missing", function()
        for _, d in ipairs(policy_diagnostics(buf)) do
          if code_of(d) == "recipient-missing" then
            found = d
            return true
          end
        end
      end)
      local from = assert(text:find("[共享]", 1, true)) - 1
      assert(found.lnum == 0 and found.col == from and found.end_col == from + #"[共享]",
        ("recipient-missing at %d:%d-%d"):format(found.lnum, found.col, found.end_col))
      assert(found.severity == vim.diagnostic.severity.INFO, "severity " .. tostring(found.severity))
      -- The author annotates the recipient: (第三方).
      local at = assert(text:find("第三方", 1, true)) - 1
      vim.api.nvim_buf_set_text(buf, 0, at + #"第三方", 0, at + #"第三方", { ")" })
      vim.api.nvim_buf_set_text(buf, 0, at, 0, at, { "(" })
      local now = vim.api.nvim_buf_get_lines(buf, 0, 1, true)[1]
      assert(now == "(我们)会[共享]您的<位置信息>给(第三方)。", now)
      wait_for(10000, "recipient-missing to go", function()
        for _, d in ipairs(policy_diagnostics(buf)) do
          if code_of(d) == "recipient-missing" then
            return false
          end
        end
        return true
      end)
    end)

    check("'Add to the workspace taxonomy as …' through vim.lsp.buf.code_action writes policy-lsp.toml", function()
      local dir = vim.fn.fnamemodify(sample, ":h") .. "/taxfix"
      vim.fn.mkdir(dir, "p")
      local toml = dir .. "/policy-lsp.toml"
      local text = "(我们)[收集]您的<星座>{用于推荐}。"
      vim.fn.writefile({ text }, dir .. "/stars.policy")
      vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/stars.policy"))
      local buf = vim.api.nvim_get_current_buf()
      local function unclassified()
        for _, d in ipairs(policy_diagnostics(buf)) do
          if code_of(d) == "unclassified-data" then
            return d
          end
        end
      end
      wait_for(10000, "unclassified-data on 星座 (the preset is on)", function()
        return unclassified() ~= nil
      end)
      assert(vim.fn.filereadable(toml) == 0, "no policy-lsp.toml yet")
      local col = assert(text:find("星座", 1, true)) - 1
      vim.api.nvim_win_set_cursor(0, { 1, col })
      local title
      vim.lsp.buf.code_action({
        apply = true,
        filter = function(a)
          if a.title:find("to the workspace taxonomy as", 1, true) and a.title:find("(basic_profile)", 1, true) then
            title = a.title
            return true
          end
          return false
        end,
      })
      -- The edit creates the file and fills its buffer; the user saves it.
      local toml_buf
      wait_for(10000, "the edit of policy-lsp.toml", function()
        toml_buf = vim.fn.bufnr(toml)
        return toml_buf ~= -1 and table.concat(vim.api.nvim_buf_get_lines(toml_buf, 0, -1, false), "\n"):find("星座", 1, true)
      end)
      out("# " .. label .. " applied: " .. tostring(title))
      vim.api.nvim_buf_call(toml_buf, function()
        vim.cmd("silent write")
      end)
      local written = table.concat(vim.fn.readfile(toml), "\n")
      assert(written:find('id = "basic_profile"', 1, true) and written:find('keywords = ["星座"]', 1, true), written)
      wait_for(10000, "unclassified-data to go once the file is saved", function()
        return unclassified() == nil
      end)
    end)
  end

  if has_semantic_tokens then
    check("'Allow in policy-lsp.toml' through vim.lsp.buf.code_action allows the finding for good", function()
      local dir = vim.fn.fnamemodify(sample, ":h") .. "/allow"
      vim.fn.mkdir(dir, "p")
      local toml = dir .. "/policy-lsp.toml"
      local text = "😀(我们)会[共享]您的<位置信息>。"
      vim.fn.writefile({ text }, dir .. "/share.policy")
      vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/share.policy"))
      local buf = vim.api.nvim_get_current_buf()
      local function recipient()
        for _, d in ipairs(policy_diagnostics(buf)) do
          if code_of(d) == "recipient-missing" then
            return d
          end
        end
      end
      wait_for(10000, "recipient-missing (the preset is on)", function()
        return recipient() ~= nil
      end)
      vim.api.nvim_win_set_cursor(0, { 1, assert(text:find("共享", 1, true)) - 1 })
      local title
      vim.lsp.buf.code_action({
        apply = true,
        filter = function(a)
          if a.title:find("^Allow in policy%-lsp%.toml: recipient%-missing") then
            title = a.title
            return true
          end
          return false
        end,
      })
      local toml_buf
      wait_for(10000, "the edit of policy-lsp.toml", function()
        toml_buf = vim.fn.bufnr(toml)
        return toml_buf ~= -1 and table.concat(vim.api.nvim_buf_get_lines(toml_buf, 0, -1, false), "\n"):find("lints.allow", 1, true)
      end)
      out("# " .. label .. " applied: " .. tostring(title))
      vim.api.nvim_buf_call(toml_buf, function()
        vim.cmd("silent write")
      end)
      -- (Neovim keeps the empty line of the new buffer after the inserted text.)
      local written = vim.trim(table.concat(vim.fn.readfile(toml), "\n"))
      assert(written == '[[lints.allow]]\ncode = "recipient-missing"\ntext = "😀我们会共享您的位置信息"', (written:gsub("\n", " | ")))
      wait_for(10000, "recipient-missing to go once the file is saved", function()
        return recipient() == nil
      end)
    end)
  end

  check("a missing server is reported with what to do", function()
    local messages = {}
    local notify = vim.notify
    vim.notify = function(msg)
      table.insert(messages, msg)
    end
    require("policy_lsp").setup({ cmd = { "no-such-policy-lsp" } })
    wait_for(2000, "a notification", function()
      return #messages > 0
    end)
    vim.notify = notify
    assert(messages[1]:find("no-such-policy-lsp", 1, true) and messages[1]:find("PATH", 1, true), messages[1])
  end)

  report_checks(check, wait_for)
  out(("%s: %d passed, %d failed"):format(label, passed, failed))
  if failed > 0 then
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    vim.schedule(run)
  end,
})

-- :PolicyReport and :PolicyReport! (run from run() before the summary): each writes an HTML
-- page holding the practice graph, and opens it (vim.ui.open, stubbed here) or says its path.
function report_checks(check, wait_for)
  local function run_report(command)
    local messages, opened = {}, nil
    local notify, ui_open = vim.notify, vim.ui.open
    vim.notify = function(msg)
      table.insert(messages, msg)
    end
    if ui_open then
      vim.ui.open = function(path)
        opened = path
        return {}, nil
      end
    end
    vim.cmd(command)
    wait_for(5000, "a report message", function()
      return #messages > 0
    end)
    vim.notify, vim.ui.open = notify, ui_open
    local path = messages[1]:match("report written to (%S+%.html)")
    assert(path, "message: " .. messages[1])
    if ui_open then
      assert(opened == path, "vim.ui.open got " .. tostring(opened))
    end
    local f = assert(io.open(path, "r"), "no file at " .. path)
    local html = f:read("*a")
    f:close()
    return html
  end

  check(":PolicyReport writes the current file's report with its practice graph", function()
    vim.cmd("edit! " .. vim.fn.fnameescape(sample))
    vim.cmd("edit!") -- saved: the report reads the file, and names it
    local html = run_report("PolicyReport")
    assert(html:find('<svg id="graph"', 1, true), "no graph in the page")
    assert(html:find('<g class="node data sensitive"', 1, true), "no sensitive category node")
    assert(html:find(">个人身份信息<", 1, true), "no 个人身份信息 node")
    assert(html:find("jd%-privacy%-policy%.policy: practice report"), "title: " .. tostring(html:match("<title>(.-)</title>")))
  end)

  check(":PolicyReport! writes the report of every policy under the cwd", function()
    local html = run_report("PolicyReport!")
    assert(html:find('<svg id="graph"', 1, true), "no graph in the page")
    -- The cwd holds the sample: its row in the documents' table links to its file.
    assert(html:find('<table class="docs">', 1, true), "no documents table")
    assert(html:find("jd-privacy-policy.policy#L", 1, true), "no line link to the sample")
  end)
end
