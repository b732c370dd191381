-- Opens a migration in Neovim (0.7 or later, no plugins), attaches `pgshift lsp` with the built-in
-- client, waits for its diagnostics and writes them, one a line, to a file the test reads:
--   LINE:COLUMN:SEVERITY:CODE
-- The migration, the binary and the output file come from the environment.
local binary = os.getenv('PGSHIFT_BINARY')
local migration = os.getenv('PGSHIFT_MIGRATION')
local output = os.getenv('PGSHIFT_DIAGNOSTICS')

vim.cmd('edit ' .. vim.fn.fnameescape(migration))
local buffer = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({
  name = 'pgshift',
  cmd = { binary, 'lsp' },
  root_dir = vim.fn.fnamemodify(migration, ':h'),
})
local lines = {}
if client == nil then
  lines = { 'error: the client did not start' }
else
  vim.lsp.buf_attach_client(buffer, client)
  vim.wait(30000, function() return #vim.diagnostic.get(buffer) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    table.insert(lines, string.format('%d:%d:%d:%s', d.lnum, d.col, d.severity, tostring(d.code)))
  end
  vim.lsp.stop_client(client)
end
vim.fn.writefile(lines, output)
vim.cmd('qall!')
