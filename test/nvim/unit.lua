-- Pure parts of the Neovim plugin, tested directly: framing, socket path rules,
-- the session picture kept from events, the waiting notification, the list's lines,
-- the text of a visual selection, and completion.
local H = dofile(os.getenv('SESSD_NVIM_HARNESS'))

H.run(function()
  local rpc = require('sessd.rpc')
  local paths = require('sessd.paths')
  local model = require('sessd.model')

  -- Framing: whole frames, frames cut anywhere, several in one chunk, multi-byte bodies.
  local frames = rpc.encode({ jsonrpc = '2.0', id = 1, result = { text = 'héllo ✓' } })
    .. rpc.encode({ jsonrpc = '2.0', method = 'events/event', params = { n = 2 } })
  for cut = 1, #frames - 1 do
    local feed = rpc.decoder()
    local bodies = vim.list_extend(feed(frames:sub(1, cut)), feed(frames:sub(cut + 1)))
    H.equal(#bodies, 2, 'frames cut at byte ' .. cut)
    H.equal(vim.json.decode(bodies[1]).result.text, 'héllo ✓', 'first body cut at byte ' .. cut)
    H.equal(vim.json.decode(bodies[2]).params.n, 2, 'second body cut at byte ' .. cut)
  end
  H.equal(rpc.decoder()('content-length: 2\r\nContent-Type: x\r\n\r\n{}'), { '{}' }, 'header names in any case, other headers')
  H.equal(pcall(rpc.decoder(), 'X: 1\r\n\r\n{}'), false, 'a frame without Content-Length is an error')
  H.equal(rpc.encode({ params = vim.empty_dict() }):match('\r\n\r\n(.*)$'), '{"params":{}}', 'empty params are an object')
  H.equal(rpc.describe({ message = 'session not found: x', data = { code = 'session_not_found' } }),
    'session not found: x (session_not_found)', 'errors name their code')

  -- Socket paths, as shared/paths.ts resolves them.
  local function env(values) return function(name) return values[name] end end
  H.equal(paths.socket('/x.sock', env({ SESSD_SOCKET = '/y.sock' }), 5), '/x.sock', 'an explicit socket wins')
  H.equal(paths.socket(nil, env({ SESSD_SOCKET = '/y.sock', XDG_RUNTIME_DIR = '/run/u' }), 5), '/y.sock', 'then SESSD_SOCKET')
  H.equal(paths.socket('', env({ SESSD_SOCKET = '', XDG_RUNTIME_DIR = '/run/u' }), 5), '/run/u/sessd/sessd.sock', 'empty is unset')
  H.equal(paths.socket(nil, env({ XDG_RUNTIME_DIR = 'run/u' }), 5), '/tmp/sessd-5/sessd.sock', 'a relative XDG_RUNTIME_DIR is ignored')
  H.equal(paths.socket(nil, env({}), 1000), '/tmp/sessd-1000/sessd.sock', 'without XDG_RUNTIME_DIR')

  -- Commands quoted as in a shell.
  H.equal(model.shell_words([[sh -c 'echo "$X" ; ls'  b\ c "d \"e\""]]), { 'sh', '-c', 'echo "$X" ; ls', 'b c', 'd "e"' }, 'shell words')
  H.equal(model.shell_words(''), {}, 'no words')
  H.equal({ model.shell_words("it's") }, { nil, 'unclosed single quote' }, 'an unclosed quote')

  -- The picture of sessions, from events.
  local function session(id, name, space)
    return { id = id, name = name, space = space or 'default', status = 'running', activity = 'unknown', command = { 'bash' } }
  end
  local sessions = {}
  H.equal(model.apply(sessions, { type = 'session.created', sessionId = 'a1', data = session('a1', 'api') }), true, 'created')
  H.equal(sessions.a1.name, 'api', 'created session kept')
  H.equal(model.apply(sessions, { type = 'session.activity', sessionId = 'a1', time = 't1', data = { activity = 'busy', previous = 'unknown' } }), true, 'activity')
  H.equal({ sessions.a1.activity, sessions.a1.lastActivityAt }, { 'busy', 't1' }, 'activity kept')
  model.apply(sessions, { type = 'session.status', sessionId = 'a1', data = { status = 'stopped', previous = 'running' } })
  H.equal({ sessions.a1.status, sessions.a1.activity }, { 'stopped', 'unknown' }, 'activity is unknown when not running')
  H.equal(model.apply(sessions, { type = 'session.status', sessionId = 'zz', data = { status = 'stopped' } }), false, 'an unknown session is ignored')
  H.equal(model.apply(sessions, { type = 'message.delivered', sessionId = 'a1', data = {} }), false, 'other events change nothing shown')
  H.equal(model.apply(sessions, { type = 'session.deleted', sessionId = 'a1', data = { name = 'api', space = 'default' } }), true, 'deleted')
  H.equal(sessions.a1, nil, 'deleted session gone')

  -- The waiting notification: only on the change into `waiting`.
  sessions = { b2 = session('b2', 'review', 'web') }
  local function activity(now, previous)
    return { type = 'session.activity', sessionId = 'b2', data = { activity = now, previous = previous } }
  end
  H.equal(model.waiting_message(sessions, activity('waiting', 'busy')), 'sessd: web/review is waiting for you (:Sess attach web/review)', 'waiting')
  H.equal(model.waiting_message(sessions, activity('waiting', 'waiting')), nil, 'still waiting')
  H.equal(model.waiting_message(sessions, activity('idle', 'waiting')), nil, 'no longer waiting')
  H.equal(model.waiting_message(sessions, { type = 'session.status', sessionId = 'b2', data = { status = 'waiting' } }), nil, 'not an activity event')
  H.equal(model.waiting_message({}, activity('waiting', 'idle')), 'sessd: b2 is waiting for you (:Sess attach b2)', 'an unknown session by id')

  -- The list's lines: sorted, the default space first, activity only while running.
  local ui = require('sessd.ui')
  local listed = { a = session('a', 'zed'), b = session('b', 'api', 'web'), c = session('c', 'api') }
  listed.c.status = 'exited'
  local lines, ids = ui.list_lines(listed, true)
  H.equal(lines[1]:match('^NAME%s+STATUS%s+ACTIVITY%s+ID%s+COMMAND$') ~= nil, true, 'header: ' .. lines[1])
  H.equal({ ids[2], ids[3], ids[4] }, { 'c', 'a', 'b' }, 'order')
  H.equal(vim.split(lines[2], '%s+'), { 'api', 'exited', '-', 'c', 'bash' }, 'an exited session')
  H.equal(vim.split(lines[4], '%s+'), { 'web/api', 'running', 'unknown', 'b', 'bash' }, 'a session in a space')
  H.equal(ui.list_lines({}, false), { 'not connected to sessd (R reconnects)' }, 'disconnected')

  -- The text of a visual selection.
  vim.api.nvim_buf_set_lines(0, 0, -1, false, { 'before SELECTED after', 'one ✓', 'two' })
  vim.cmd('normal! gg0wve\27')
  H.equal(ui.selection_text(1, 1), 'SELECTED', 'charwise')
  vim.cmd('normal! gg0wvj$\27')
  H.equal(ui.selection_text(1, 2), 'SELECTED after\none ✓', 'charwise over two lines, to a multi-byte end')
  vim.cmd('normal! 2GVj\27')
  H.equal(vim.fn.visualmode(), 'V', 'a linewise selection was made')
  H.equal(ui.selection_text(2, 3), 'one ✓\ntwo', 'linewise')
  vim.cmd('normal! gg0\22jl\27')
  H.equal(vim.fn.visualmode(), '\22', 'a blockwise selection was made')
  H.equal(ui.selection_text(1, 2), 'be\non', 'blockwise')
  H.equal(ui.selection_text(3, 3), 'two', 'a range that is not the selection: whole lines')

  -- Completion: subcommands, then the names of known sessions.
  local commands = require('sessd.commands')
  H.equal(commands.complete('s', 'Sess s'), { 'send', 'stop' }, 'subcommands')
  require('sessd').sessions = listed
  H.equal(commands.complete('', 'Sess attach '), { 'api', 'zed', 'web/api' }, 'session names')
  H.equal(commands.complete('', 'Sess new '), {}, 'new takes a new name')

  -- No sessd on the socket: a clear error, and the list says it is not connected.
  vim.cmd('runtime plugin/sessd.lua')
  require('sessd').setup({ socket = vim.fn.getcwd() .. '/nothing.sock' })
  vim.cmd('Sess list')
  local message = H.notification('cannot reach sessd at ' .. vim.fn.getcwd() .. '/nothing.sock', vim.log.levels.ERROR)
  H.equal(message:find('sess daemon start', 1, true) ~= nil, true, 'says what to do: ' .. message)
  H.equal(vim.api.nvim_buf_get_lines(0, 0, 1, false), { 'not connected to sessd (R reconnects)' }, 'the list without sessd')
end)
