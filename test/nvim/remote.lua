-- The plugin against another machine's sessd, by setting (test/integration/ssh.test.ts
-- answers the steps): `ssh HOST sess proxy` as its channel, the list from there, attach
-- through `ssh -t`, and what it says when the host is down.
local H = dofile(os.getenv('SESSD_NVIM_HARNESS'))
local levels = vim.log.levels

H.run(function()
  vim.cmd('runtime plugin/sessd.lua')
  local sessd = require('sessd')
  local given = H.step('start')
  sessd.setup({ host = given.host, ssh = given.ssh, remote_command = given.remote_command })

  vim.cmd('Sess list')
  H.wait('the remote session in the list', function()
    for _, s in pairs(sessd.sessions) do
      if s.name == 'remote' then return true end
    end
    return false
  end)
  H.equal(sessd.server.protocolVersion, 1, 'protocol version')
  local argv = sessd.attach_command({ id = 's1234567' }, true)
  H.equal({ argv[1], argv[2], argv[#argv] }, { given.ssh, '-t', given.remote_command .. ' attach --read-only -- s1234567' }, 'attach over ssh')
  -- Closed on purpose: no reconnecting, and nothing to warn about.
  sessd.disconnect()
  H.wait('the connection closed', function() return not sessd.connected() end)

  sessd.setup({ host = given.down })
  vim.cmd('Sess list')
  local said = H.notification('cannot reach sessd on ' .. given.down, levels.ERROR)
  H.step('down', { message = said })
end)
