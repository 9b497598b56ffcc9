-- editors/nvim/syntax/policy.vim against the spec's conformance cases, like the TextMate
-- grammar's test: the characters it highlights as annotation content must be exactly the
-- semantic tokens the server sends, and those it highlights as errors exactly the characters
-- of the syntax errors. Run: nvim --headless -u nvim_syntax.lua, with
-- POLICY_REPO and POLICY_CASES (a list of case files separated by ':').
local repo = assert(os.getenv("POLICY_REPO"), "POLICY_REPO")
vim.opt.runtimepath:prepend(repo .. "/editors/nvim")
vim.cmd("syntax on")

local KIND = { policyActorText = "actor", policyActionText = "action", policyDataText = "data", policyPurposeText = "purpose" }
local ERROR_GROUPS = "^policy%a*Mismatched$"
local ERRORS = { policyUnclosed = true, policyUnmatched = true, policyEmpty = true }
local SYNTAX_CODES = {
  ["unclosed-annotation"] = true,
  ["unmatched-closer"] = true,
  ["mismatched-closer"] = true,
  ["empty-annotation"] = true,
}

-- The LSP's three line endings and no others.
local function split_lines(text)
  local lines, start = {}, 1
  while true do
    local s, e = text:find("\r\n?", start)
    local n = text:find("\n", start, true)
    if n and (not s or n < s) then
      s, e = n, n
    end
    if not s then
      table.insert(lines, text:sub(start))
      return lines
    end
    table.insert(lines, text:sub(start, s - 1))
    start = e + 1
  end
end

local function check_case(c)
  vim.cmd("enew!")
  vim.bo.buftype = "nofile"
  local lines = split_lines(c.text)
  vim.api.nvim_buf_set_lines(0, 0, -1, false, lines)
  vim.bo.filetype = "policy"
  local tokens, invalid = {}, {}
  for ln, line in ipairs(lines) do
    local open, char = nil, 0
    local byte = 0
    while byte < #line do
      local len = #vim.fn.strcharpart(line:sub(byte + 1), 0, 1)
      local group = vim.fn.synIDattr(vim.fn.synID(ln, byte + 1, 1), "name")
      local kind
      for _, id in ipairs(vim.fn.synstack(ln, byte + 1)) do -- an escape inside content is content
        kind = kind or KIND[vim.fn.synIDattr(id, "name")]
      end
      if kind and open and open[1] == kind and open[4] == char then
        open[4] = char + 1
      elseif kind then
        open = { kind, ln - 1, char, char + 1 }
        table.insert(tokens, open)
      else
        open = nil
      end
      if ERRORS[group] or group:match(ERROR_GROUPS) then
        invalid[(ln - 1) .. ":" .. char] = group
      end
      byte = byte + len
      char = char + 1
    end
  end
  local expected = {}
  for _, t in ipairs(c.tokens) do
    table.insert(expected, { t[1], t[2], t[3], t[4] })
  end
  if not vim.deep_equal(tokens, expected) then
    return false, "tokens " .. vim.inspect(tokens) .. " want " .. vim.inspect(expected)
  end
  local want = {}
  for _, d in ipairs(c.diagnostics) do
    if SYNTAX_CODES[d[1]] then
      for ch = d[3], d[4] - 1 do
        want[d[2] .. ":" .. ch] = d[1]
      end
    end
  end
  for key, code in pairs(want) do
    if not invalid[key] then
      return false, code .. " at " .. key .. " is not highlighted as an error"
    end
  end
  for key, group in pairs(invalid) do
    if not want[key] then
      return false, group .. " at " .. key .. " but the spec reports nothing there"
    end
  end
  return true
end

local passed, failed = 0, 0
for file in (os.getenv("POLICY_CASES") or ""):gmatch("[^:]+") do
  local f = assert(io.open(file, "rb")) -- not readfile(): it drops a U+FEFF the cases rely on
  local cases = vim.fn.json_decode(f:read("*a")).cases
  f:close()
  for _, c in ipairs(cases) do
    if c.edits == nil then
      local ok, err = check_case(c)
      local name = vim.fn.fnamemodify(file, ":t") .. ": " .. c.name
      if ok then
        passed = passed + 1
        io.stdout:write("ok - syntax/policy.vim: " .. name .. "\n")
      else
        failed = failed + 1
        io.stdout:write("not ok - syntax/policy.vim: " .. name .. ": " .. err .. "\n")
      end
    end
  end
end
io.stdout:write(("syntax/policy.vim: %d passed, %d failed\n"):format(passed, failed))
vim.cmd(failed > 0 and "cquit 1" or "qall!")
