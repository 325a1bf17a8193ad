-- `mlopsc lsp` under Neovim's built-in LSP client (Neovim 0.7 API:
-- vim.lsp.start_client, vim.lsp.buf_attach_client, vim.diagnostic). Run by
-- tests/e2e/lsp_neovim.sh, one case per run:
--
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/lsp/neovim/lsp_test.lua'
--
-- with the case in the environment (lines 0-based, columns 0-based bytes):
--   MLOPSC                 the mlopsc binary
--   MLOPS_NVIM_ROOT        the folder of the copied example (root_dir)
--   MLOPS_NVIM_FILE        the spec with the injected error
--   MLOPS_NVIM_CODE, MLOPS_NVIM_LNUM, MLOPS_NVIM_COL
--                          the diagnostic expected (as `mlopsc check` reports it)
--   MLOPS_NVIM_FIXED       the line as it was before the error was injected:
--                          what the quick fix must give back
--   MLOPS_NVIM_REF_LNUM, MLOPS_NVIM_REF_COL
--                          a reference to a declaration in the imported file
--   MLOPS_NVIM_DEF_FILE, MLOPS_NVIM_DEF_LNUM, MLOPS_NVIM_DEF_COL
--                          where its definition is
--   MLOPS_NVIM_HOVER       text the hover on the reference contains
--   MLOPS_NVIM_RESULTS     where to write `ok ...` / `FAIL ...` lines, then `done`
--
-- Every wait is bounded; the script always ends with :qall!.

local out = {}
-- ok(cond, what, detail): detail (a string or a function giving one) is
-- added to the line only when the check fails.
local function ok(cond, what, detail)
  if type(detail) == 'function' then detail = cond and nil or detail() end
  local line = (cond and 'ok ' or 'FAIL ') .. what
  if not cond and detail ~= nil then line = line .. ': ' .. tostring(detail):gsub('\n', ' | '):sub(1, 600) end
  table.insert(out, line)
  return cond
end
local function env(name)
  local v = os.getenv(name)
  if v == nil or v == '' then error('environment variable ' .. name .. ' is not set') end
  return v
end
local function envnum(name) return tonumber(env(name)) end
local function realpath(p) return vim.loop.fs_realpath(p) or p end

local client_id
local exit_code, exit_signal

local function run()
  local root, file = env('MLOPS_NVIM_ROOT'), env('MLOPS_NVIM_FILE')
  local code, lnum, col = env('MLOPS_NVIM_CODE'), envnum('MLOPS_NVIM_LNUM'), envnum('MLOPS_NVIM_COL')
  local ref_lnum, ref_col = envnum('MLOPS_NVIM_REF_LNUM'), envnum('MLOPS_NVIM_REF_COL')
  local def_file, def_lnum, def_col = env('MLOPS_NVIM_DEF_FILE'), envnum('MLOPS_NVIM_DEF_LNUM'), envnum('MLOPS_NVIM_DEF_COL')
  local name = vim.fn.fnamemodify(file, ':t')
  vim.o.hidden = true

  -- ---- start the server and attach the buffer
  client_id = vim.lsp.start_client({
    name = 'mlopsc',
    cmd = { env('MLOPSC'), 'lsp' },
    root_dir = root,
    on_exit = function(c, s) exit_code, exit_signal = c, s end,
  })
  if not ok(client_id ~= nil, 'vim.lsp.start_client started `mlopsc lsp`') then return end

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'mlops'
  ok(vim.lsp.buf_attach_client(bufnr, client_id), 'vim.lsp.buf_attach_client attached ' .. name)
  local client
  vim.wait(10000, function()
    client = vim.lsp.get_client_by_id(client_id)
    return (client ~= nil and client.initialized == true) or exit_code ~= nil
  end, 20)
  if not ok(client ~= nil and client.initialized == true and exit_code == nil, 'the client initialized within 10 s',
    exit_code and ('the server exited with code ' .. exit_code .. ', signal ' .. tostring(exit_signal)) or 'no answer to initialize') then
    return
  end
  local caps = client.server_capabilities or client.resolved_capabilities or {}
  ok(caps.definitionProvider == true or caps.goto_definition == true, 'the server offers go to definition')

  -- ---- the injected error
  local got = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
  if not ok(got, name .. ': vim.diagnostic.get() reports diagnostics within 15 s') then return end
  local diags = vim.diagnostic.get(bufnr)
  ok(#diags == 1, name .. ': exactly one diagnostic', function() return vim.inspect(diags) end)
  local d = diags[1]
  ok(d.code == code, name .. ': the diagnostic code is ' .. code, tostring(d.code))
  ok(d.lnum == lnum, name .. ': the diagnostic is on line ' .. lnum .. ' (0-based)', tostring(d.lnum))
  ok(d.col == col, name .. ': the diagnostic starts at column ' .. col, tostring(d.col))
  ok(d.severity == vim.diagnostic.severity.ERROR, name .. ': severity ERROR', tostring(d.severity))
  ok(d.source == 'mlopsc', name .. ': source mlopsc', tostring(d.source))
  ok(d.message:find('did you mean', 1, true) ~= nil, name .. ': the message has the did-you-mean', d.message)
  local lsp_diag = d.user_data and d.user_data.lsp or {}
  local href = lsp_diag.codeDescription and lsp_diag.codeDescription.href or ''
  ok(href:sub(-6) == '#' .. code:lower(), name .. ': codeDescription.href ends in #' .. code:lower(), href)

  -- ---- hover and definition on a reference into the imported file
  vim.api.nvim_win_set_cursor(0, { ref_lnum + 1, ref_col })
  local word = vim.fn.expand('<cword>')
  local params = vim.lsp.util.make_position_params()
  local hovers = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 5000) or {}
  local hover = hovers[client_id] and hovers[client_id].result
  local text = hover and hover.contents and hover.contents.value or ''
  ok(text:find(env('MLOPS_NVIM_HOVER'), 1, true) ~= nil, 'hover on `' .. word .. '` shows ' .. env('MLOPS_NVIM_HOVER'),
    function() return vim.inspect(hovers) end)

  local defs = vim.lsp.buf_request_sync(bufnr, 'textDocument/definition', params, 5000) or {}
  local res = defs[client_id] and defs[client_id].result
  if res and res.uri == nil and res[1] then res = res[1] end
  if ok(res ~= nil and res.uri ~= nil, 'textDocument/definition of `' .. word .. '` answers a location',
    function() return vim.inspect(defs) end) then
    local path = realpath(vim.uri_to_fname(res.uri))
    local start = (res.range or res.targetSelectionRange).start
    ok(path == realpath(def_file), 'the definition of `' .. word .. '` is in ' .. vim.fn.fnamemodify(def_file, ':t'), path)
    ok(start.line == def_lnum and start.character == def_col,
      string.format('the definition of `%s` is at %d:%d (0-based)', word, def_lnum, def_col), start.line .. ':' .. start.character)
  end

  -- vim.lsp.buf.definition(): the editor jumps there.
  vim.lsp.buf.definition()
  local jumped = vim.wait(5000, function() return realpath(vim.api.nvim_buf_get_name(0)) == realpath(def_file) end, 20)
  if ok(jumped, 'vim.lsp.buf.definition() opens ' .. vim.fn.fnamemodify(def_file, ':t'), vim.api.nvim_buf_get_name(0)) then
    local cursor = vim.api.nvim_win_get_cursor(0)
    ok(cursor[1] - 1 == def_lnum and cursor[2] == def_col,
      string.format('vim.lsp.buf.definition() puts the cursor on %d:%d (0-based)', def_lnum, def_col), (cursor[1] - 1) .. ':' .. cursor[2])
    ok(vim.fn.expand('<cword>') == word, 'the cursor is on the declaration of `' .. word .. '`', vim.fn.expand('<cword>'))
  end
  vim.api.nvim_set_current_buf(bufnr)

  -- ---- the quick fix, applied by Neovim; its didChange clears the diagnostic
  local range = { start = { line = lnum, character = col }, ['end'] = { line = lnum, character = col } }
  local actions = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction',
    { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, range = range,
      context = { diagnostics = { lsp_diag }, only = { 'quickfix' } } }, 5000) or {}
  local action = actions[client_id] and actions[client_id].result and actions[client_id].result[1]
  if ok(action ~= nil and action.edit ~= nil, 'textDocument/codeAction offers a quick fix', function() return vim.inspect(actions) end) then
    ok(action.kind == 'quickfix', 'the action is a quickfix', tostring(action.kind))
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
    local line = vim.api.nvim_buf_get_lines(bufnr, lnum, lnum + 1, false)[1]
    ok(line == env('MLOPS_NVIM_FIXED'), 'the quick fix, applied by vim.lsp.util.apply_workspace_edit, gives back the line',
      '[' .. tostring(line) .. ']')
    local cleared = vim.wait(10000, function() return #vim.diagnostic.get(bufnr) == 0 end, 20)
    ok(cleared, name .. ': after the fix (an incremental didChange) the diagnostics clear',
      function() return vim.inspect(vim.diagnostic.get(bufnr)) end)
  end

  -- ---- shutdown and exit
  vim.lsp.stop_client(client_id)
  local stopped = vim.wait(5000, function() return exit_code ~= nil end, 20)
  ok(stopped and exit_code == 0 and (exit_signal == 0 or exit_signal == nil), 'vim.lsp.stop_client: the server exits with status 0',
    'exit code ' .. tostring(exit_code) .. ', signal ' .. tostring(exit_signal))
end

local success, err = xpcall(run, debug.traceback)
ok(success, 'the test script ran to its end', tostring(err))
if exit_code == nil and client_id then pcall(vim.lsp.stop_client, client_id, true) end
table.insert(out, 'done')
vim.fn.writefile(out, os.getenv('MLOPS_NVIM_RESULTS') or 'lsp_test.results')
vim.cmd('qall!')
