-- The plugin against a real sessd (test/integration/nvim.test.ts answers the steps):
-- list, new, send (an argument, a charwise and a linewise selection), attach and
-- leave, interrupt, checkpoint, approve, stop, errors, and the waiting notification
-- on the event path.
local H = dofile(os.getenv('SESSD_NVIM_HARNESS'))
local levels = vim.log.levels

--- The row of the list buffer that names `label`: {name, status, activity, id}.
local function list_row(label)
  local buf = vim.fn.bufnr('sessd://sessions')
  if buf == -1 then return nil end
  for _, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local cells = vim.split(line, '%s+', { trimempty = true })
    if cells[1] == label then return { name = cells[1], status = cells[2], activity = cells[3], id = cells[4] } end
  end
  return nil
end

local function wait_row(label, status, activity)
  local row
  H.wait(('%s %s %s in the list'):format(label, status, activity or ''), function()
    row = list_row(label)
    return row ~= nil and row.status == status and (activity == nil or row.activity == activity)
  end)
  return row
end

H.run(function()
  vim.cmd('runtime plugin/sessd.lua')
  H.equal(vim.fn.exists(':Sess'), 2, ':Sess is defined')
  local sessd = require('sessd')
  local given = H.step('start')

  -- list: the snapshot, then sessions made elsewhere, from events.
  vim.cmd('Sess list')
  wait_row('pre', 'running')
  H.equal(sessd.server.protocolVersion, 1, 'protocol version')
  H.step('listed')
  wait_row('outside/made', 'running')

  -- new
  vim.cmd(('Sess new reporter %s %s %s'):format(given.node, given.fixture, given.report))
  H.notification('created reporter')
  local reporter = wait_row('reporter', 'running')
  H.step('created', { id = reporter.id })

  -- send: an argument, with its spacing and characters kept.
  vim.cmd('Sess send reporter hello  from nvim; #{x} ✓')
  H.notification('sent to reporter')
  H.step('sent-argument', { text = 'hello  from nvim; #{x} ✓' })

  -- send: a charwise selection, then a linewise one of two lines.
  vim.cmd('enew')
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'before SELECTED after', 'one', 'two' })
  vim.cmd('normal! gg0wve\27')
  vim.cmd("'<,'>Sess send reporter")
  H.notification('sent to reporter')
  H.step('sent-selection', { text = 'SELECTED' })
  vim.cmd('normal! 2GVj\27')
  vim.cmd("'<,'>Sess send reporter")
  H.notification('sent to reporter')
  H.step('sent-selection', { text = 'one\ntwo' })

  -- attach: a terminal buffer with a tmux client on the session's screen.
  vim.cmd('Sess attach reporter')
  H.wait('a terminal buffer', function() return vim.bo.buftype == 'terminal' end)
  local term = vim.api.nvim_get_current_buf()
  H.wait('the screen in the terminal', function()
    return table.concat(vim.api.nvim_buf_get_lines(term, 0, -1, false), '\n'):find('> one', 1, true) ~= nil
  end)
  local job = vim.b.terminal_job_id
  local pid = vim.fn.jobpid(job)
  H.step('attached', { pid = pid })
  vim.cmd('stopinsert')
  vim.cmd('bwipeout! ' .. term)
  H.equal(vim.fn.jobwait({ job }, H.TIMEOUT_MS)[1] ~= -1, true, 'the tmux client ended with its buffer')
  H.step('detached', { pid = pid })

  -- interrupt, checkpoint
  vim.cmd('Sess interrupt reporter')
  H.notification('interrupted reporter')
  H.step('interrupted')
  vim.cmd('Sess checkpoint reporter before the stop')
  H.notification('checkpoint 1 of reporter')
  H.step('checkpointed', { label = 'before the stop' })

  -- approve: answered by session/approve where sessd has it, else a clear error.
  if not sessd.supports('session/approve') then
    vim.cmd('Sess approve reporter')
    H.notification('this sessd does not answer prompts', levels.ERROR)
  end

  -- waiting: the notification when an events/event says a session started waiting,
  -- delivered through the connection's own dispatch, as the socket would.
  sessd.with_client(function(client)
    client:_dispatch({
      jsonrpc = '2.0',
      method = 'events/event',
      params = {
        subscriptionId = 'injected',
        event = { seq = 0, time = '2026-01-01T00:00:00Z', type = 'session.activity', sessionId = reporter.id, data = { activity = 'waiting', previous = 'busy' } },
      },
    })
  end)
  H.notification('reporter is waiting for you', levels.WARN)
  wait_row('reporter', 'running', 'waiting')

  -- stop, from events; a session that does not exist.
  vim.cmd('Sess stop pre')
  H.notification('pre is stopped')
  wait_row('pre', 'stopped')
  vim.cmd('Sess stop nosuch')
  H.notification('stop nosuch: ', levels.ERROR)
  vim.cmd('Sess frobnicate')
  H.notification('unknown subcommand "frobnicate"', levels.ERROR)
  H.step('done')

  -- new, quoted as in a shell, with Neovim's environment; delete.
  vim.env.QUOTED_FOO = 'from-nvim'
  vim.cmd([[Sess new quoted sh -c 'echo "$QUOTED_FOO" "a  b"; exec sleep 1000']])
  H.notification('created quoted')
  wait_row('quoted', 'running')
  H.step('quoted')
  vim.cmd('Sess new broken sh -c "oops')
  H.notification('unclosed double quote', levels.ERROR)
  vim.cmd('Sess! delete quoted')
  H.notification('deleted quoted')
  H.wait('quoted to leave the list', function() return list_row('quoted') == nil end)

  -- restore, from the checkpoint made above.
  vim.cmd('Sess stop reporter')
  H.notification('reporter is stopped')
  vim.cmd('Sess restore reporter')
  H.notification('restored reporter')
  wait_row('reporter', 'running')

  -- The daemon goes away and comes back: the plugin says so and reconnects by itself;
  -- a terminal attached meanwhile (a tmux client of its own) stays.
  vim.cmd('Sess attach reporter')
  H.wait('a terminal buffer', function() return vim.bo.buftype == 'terminal' end)
  local attached = vim.b.terminal_job_id
  vim.cmd('stopinsert')
  H.step('daemon-stopped')
  H.notification('disconnected', levels.WARN)
  H.wait('the list to say it is not connected', function() return list_row('not') ~= nil end)
  H.step('daemon-restarted')
  H.notification('reconnected')
  wait_row('reporter', 'running')
  wait_row('pre', 'stopped')
  H.equal(vim.fn.jobwait({ attached }, 0)[1], -1, 'the attached terminal stays through the restart')
  vim.fn.jobstop(attached)
end)
