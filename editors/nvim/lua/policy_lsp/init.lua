-- policy-lsp for Neovim: starts the language server for `policy` buffers and
-- links its semantic tokens to standard highlight groups.
--
--   require("policy_lsp").setup({
--     cmd = { "policy-lsp" },            -- default: policy-lsp on PATH
--     taxonomy = "policy-lsp.toml",      -- optional; relative to the project root
--     lints = { ["sensitive-data"] = "on" },
--     compare_with = "../annotator-b",  -- optional: another annotator's version (a folder,
--                                       -- or a path with ${relativeFile}); disagreement hints
--   })
--
-- :PolicyReport writes the current file's HTML report (practice graph, sensitive data,
-- disclosures, findings) to a temporary file and opens it with vim.ui.open (Neovim 0.10+),
-- or prints its path; :PolicyReport! does the same for every policy under the cwd.
--
-- Neovim >= 0.11 registers it with vim.lsp.config/vim.lsp.enable; older versions
-- start it from a FileType autocmd (vim.lsp.start, or start_client on 0.7).
local M = {}

local NAME = "policy_lsp"
-- A project is the nearest folder with a taxonomy file or a repository.
local ROOT_MARKERS = { "policy-lsp.toml", ".git" }

-- Semantic token groups -> groups every colorscheme defines, the same kinds as syntax/policy.vim.
M.highlights = {
  ["@lsp.type.actor"] = "Type",
  ["@lsp.type.action"] = "Function",
  ["@lsp.type.data"] = "Identifier",
  ["@lsp.type.purpose"] = "String",
  -- Sensitive personal information stands out whatever its kind.
  ["@lsp.mod.sensitive"] = "WarningMsg",
}

local function set_highlights()
  for group, target in pairs(M.highlights) do
    vim.cmd(("highlight default link %s %s"):format(group, target))
  end
end

local function notify(msg, level)
  vim.schedule(function()
    vim.notify("policy-lsp: " .. msg, level or vim.log.levels.ERROR)
  end)
end

local function find_root(path)
  local dir = vim.fn.fnamemodify(path ~= "" and path or vim.fn.getcwd(), ":p:h")
  while true do
    for _, marker in ipairs(ROOT_MARKERS) do
      if (vim.uv or vim.loop).fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return vim.fn.getcwd()
    end
    dir = parent
  end
end

local function init_options(opts, root)
  local options = { lints = opts.lints or vim.empty_dict() }
  if opts.taxonomy and opts.taxonomy ~= "" then
    local file = vim.fn.expand(opts.taxonomy)
    if not file:match("^/") and root then
      file = root .. "/" .. file
    end
    options.taxonomy = file
  end
  -- The server resolves a relative path from the root and fills in ${relativeFile}.
  if opts.compare_with and opts.compare_with ~= "" then
    options.compareWith = vim.fn.expand(opts.compare_with)
  end
  return options
end

--- Starts (or reuses) the client for one buffer, on Neovim < 0.11.
local function attach(opts, bufnr)
  local root = find_root(vim.api.nvim_buf_get_name(bufnr))
  local config = {
    name = NAME,
    cmd = opts.cmd,
    root_dir = root,
    init_options = init_options(opts, root),
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
  if vim.lsp.start then -- 0.8+
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  -- 0.7: one client per root, attached by hand.
  M._clients = M._clients or {}
  local id = M._clients[root]
  if not id or not vim.lsp.get_client_by_id(id) or vim.lsp.get_client_by_id(id).is_stopped() then
    id = vim.lsp.start_client(config)
    M._clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

local function policy_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = NAME })
  end
  return vim.tbl_filter(function(c)
    return c.name == NAME
  end, vim.lsp.get_active_clients())
end

--- Tells the server that a policy-lsp.toml was written, so it reloads the taxonomy and the
--- lint settings ([lints], allowed findings) at once. Neovim watches files for a server only
--- where it can (not on Linux, as of 0.11), so the plugin says it on every write instead.
local function watch_workspace_file()
  vim.api.nvim_create_autocmd("BufWritePost", {
    group = vim.api.nvim_create_augroup("policy_lsp_workspace_file", { clear = true }),
    pattern = "policy-lsp.toml",
    callback = function(args)
      local params = {
        changes = { { uri = vim.uri_from_fname(vim.fn.fnamemodify(args.file, ":p")), type = 2 } },
      }
      for _, client in ipairs(policy_clients()) do
        if vim.fn.has("nvim-0.11") == 1 then
          client:notify("workspace/didChangeWatchedFiles", params)
        else
          client.notify("workspace/didChangeWatchedFiles", params)
        end
      end
    end,
  })
end

--- Writes the report of the current buffer (or, with `all`, of the cwd) with `policy-lsp
--- report` and opens it, or says where it is. Returns the file written, or nil.
function M.report(cmd, all)
  local args = { cmd[1], "report" }
  local input
  if all then
    table.insert(args, vim.fn.getcwd())
  else
    local name = vim.api.nvim_buf_get_name(0)
    if name == "" or vim.bo.modified then
      -- What the buffer shows, saved or not.
      table.insert(args, "-")
      input = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") .. "\n"
    else
      table.insert(args, name)
    end
  end
  local out = vim.fn.tempname() .. ".html"
  vim.list_extend(args, { "-o", out })
  local output = input and vim.fn.system(args, input) or vim.fn.system(args)
  local status = vim.v.shell_error
  -- Exit 2 with a page written: some file could not be read, the others are in the page.
  if (status ~= 0 and status ~= 2) or vim.fn.filereadable(out) ~= 1 then
    notify(("`policy-lsp report` failed (exit %d): %s"):format(status, output))
    return nil
  end
  if output ~= "" then
    notify(output, vim.log.levels.WARN)
  end
  if vim.ui and vim.ui.open then -- 0.10+
    local _, err = vim.ui.open(out)
    if err then
      notify(("report written to %s (%s)"):format(out, err), vim.log.levels.INFO)
      return out
    end
  end
  notify("report written to " .. out, vim.log.levels.INFO)
  return out
end

--- Configures and enables the server. Call once, from your init.lua.
function M.setup(opts)
  opts = vim.tbl_extend("force", { cmd = { "policy-lsp" } }, opts or {})
  if type(opts.cmd) == "string" then
    opts.cmd = { opts.cmd }
  end

  if vim.fn.has("nvim-0.9") == 1 then -- semantic tokens arrived in 0.9
    set_highlights()
    vim.api.nvim_create_autocmd("ColorScheme", {
      group = vim.api.nvim_create_augroup("policy_lsp_highlights", { clear = true }),
      callback = set_highlights,
    })
  end

  if vim.fn.executable(opts.cmd[1]) ~= 1 then
    notify(
      ("the language server `%s` was not found%s. Install it from a checkout of policy-lsp with "
        .. "`cargo install --locked --path .` (it goes to ~/.cargo/bin, which must be on PATH), "
        .. "or pass its path: setup({ cmd = { '/path/to/policy-lsp' } }). "
        .. "Highlighting works without it."):format(opts.cmd[1], opts.cmd[1]:find("/") and "" or " on PATH")
    )
    return
  end

  watch_workspace_file()
  vim.api.nvim_create_user_command("PolicyReport", function(c)
    M.report(opts.cmd, c.bang)
  end, { bang = true, desc = "policy-lsp: the HTML report of this file (! for the cwd)" })

  if vim.lsp.config and vim.lsp.enable then -- 0.11+
    vim.lsp.config(NAME, {
      cmd = opts.cmd,
      filetypes = { "policy" },
      root_markers = ROOT_MARKERS,
      init_options = init_options(opts, nil),
      before_init = function(params, config)
        -- A relative taxonomy path is taken from the project root, known only now.
        if config.root_dir then
          params.initializationOptions = init_options(opts, config.root_dir)
        end
      end,
      on_attach = opts.on_attach,
      capabilities = opts.capabilities,
    })
    vim.lsp.enable(NAME)
    return
  end

  vim.api.nvim_create_autocmd("FileType", {
    group = vim.api.nvim_create_augroup("policy_lsp", { clear = true }),
    pattern = "policy",
    callback = function(args)
      attach(opts, args.buf)
    end,
  })
  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == "policy" then
      attach(opts, bufnr)
    end
  end
end

return M
