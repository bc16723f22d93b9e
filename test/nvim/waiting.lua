-- The waiting notification from a real session.activity event: the vitest side
-- starts a program that asks for approval, and sessd's agent awareness says so.
local H = dofile(os.getenv('SESSD_NVIM_HARNESS'))
local levels = vim.log.levels

H.run(function()
  vim.cmd('runtime plugin/sessd.lua')
  vim.cmd('Sess list')
  H.wait('the connection', function() return require('sessd').connected() end)
  H.step('listening')
  H.notification('asker is waiting for you', levels.WARN)
  vim.cmd('Sess approve asker')
  H.notification('approved asker')
  H.step('approved')
end)
