if vim.g.loaded_sessd == 1 then return end
vim.g.loaded_sessd = 1

vim.api.nvim_create_user_command('Sess', function(opts)
  require('sessd.commands').run(opts)
end, {
  nargs = '*',
  range = true,
  bang = true,
  desc = 'sessd: list, new, attach, send, interrupt, approve, checkpoint, stop',
  complete = function(lead, line)
    return require('sessd.commands').complete(lead, line)
  end,
})

-- The list buffer follows every change the daemon reports.
require('sessd').on_change(function()
  require('sessd.ui').render()
end)
