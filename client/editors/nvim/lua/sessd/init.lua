-- sessd for Neovim: one connection to the daemon, a picture of its sessions kept
-- current by events, and the actions behind :Sess. See README.md, "Neovim".
local model = require('sessd.model')
local paths = require('sessd.paths')
local remote = require('sessd.remote')
local rpc = require('sessd.rpc')

local M = {}

M.PROTOCOL_VERSION = 1
M.CLIENT_VERSION = '0.1.0'
local levels = vim.log.levels

M.config = {
  -- The daemon's socket; default as every sessd client resolves it (sessd.paths).
  socket = nil,
  -- Another machine's sessd instead (g:sessd_host): [USER@]HOST[:PORT] or a Host of
  -- ~/.ssh/config, reached through `ssh HOST sess proxy` (sessd.remote).
  host = nil,
  -- The ssh program, and the command that runs sess on `host` (as its shell reads it).
  ssh = 'ssh',
  remote_command = 'sess',
  -- The tmux program that attaches a terminal buffer to a session.
  tmux = 'tmux',
  -- Notify when a session starts waiting for an answer.
  notify_waiting = true,
}

--- Sessions by id, current as of the last event. Read-only for callers.
M.sessions = {}
--- The initialize result (protocolVersion, serverInfo, capabilities) while connected.
M.server = nil
--- From daemon/status: the private tmux server's socket, for attaching.
M.tmux_socket = nil

--- The first wait before reaching sessd again after it went away: a restart takes a few hundred ms.
M.RECONNECT_FIRST_DELAY_MS = 100
--- The longest wait between attempts, so a sessd that came back is found within it.
M.RECONNECT_MAX_DELAY_MS = 5000

local client = nil
local waiters = nil -- callbacks waiting for a connection being made
local listeners = {}
local reconnecting = false -- attempts to reach sessd again are scheduled
local let_go = false -- the connection was closed on purpose (M.disconnect): no reconnecting
local reconnect_soon

function M.setup(options)
  M.config = vim.tbl_extend('force', M.config, options or {})
end

function M.notify(message, level)
  vim.notify('sessd: ' .. message, level or levels.INFO)
end

--- `listener()` runs after every change to M.sessions or to the connection.
function M.on_change(listener)
  table.insert(listeners, listener)
end

--- Runs every listener; one that fails is reported and does not stop the others,
--- nor the caller (a connection being made, an event being applied).
local function changed()
  for _, listener in ipairs(listeners) do
    local ok, err = xpcall(listener, debug.traceback)
    if not ok then M.notify('updating the view failed: ' .. tostring(err), levels.ERROR) end
  end
end

function M.connected()
  return client ~= nil and not client.closed
end

local function on_notification(method, params)
  if method ~= 'events/event' then return end
  local event = params.event
  if M.config.notify_waiting then
    local message = model.waiting_message(M.sessions, event)
    if message ~= nil then vim.notify(message, levels.WARN) end
  end
  if model.apply(M.sessions, event) then changed() end
end

--- Replaces M.sessions with every page of session/list, then calls `done(err)`.
local function snapshot(c, done)
  local fresh = {}
  local function page(cursor)
    c:request('session/list', cursor and { cursor = cursor } or vim.empty_dict(), function(err, result)
      if err ~= nil then return done(err) end
      for _, session in ipairs(result.sessions) do fresh[session.id] = session end
      if result.nextCursor ~= nil then return page(result.nextCursor) end
      M.sessions = fresh
      done(nil)
    end)
  end
  page(nil)
end

--- Connects, initializes, subscribes to events and takes a snapshot: events that
--- arrive before the snapshot's reply are already in it (one ordered connection).
local function open(where, finish)
  local c
  local handlers = {
    on_notification = on_notification,
    on_close = function(reason)
      if client ~= c then return end
      client, M.server = nil, nil
      changed()
      if let_go then return end
      M.notify('disconnected (' .. tostring(reason) .. '); reconnecting', levels.WARN)
      reconnect_soon(M.RECONNECT_FIRST_DELAY_MS)
    end,
  }
  local function on_connect(err)
    if err ~= nil and where.host ~= nil then return finish(('cannot reach %s: %s'):format(where.host, err)) end
    if err ~= nil then
      return finish(('cannot reach sessd at %s (%s): start it with `sess daemon start`, or set g:sessd_socket'):format(where.socket, err))
    end
    local hello = { clientName = 'sessd.nvim', clientVersion = M.CLIENT_VERSION, protocolVersion = M.PROTOCOL_VERSION }
    c:request('initialize', hello, function(init_err, server)
      -- Over ssh, a connection that ended before the answer is ssh or `sess proxy` failing: say what they said.
      if init_err ~= nil and c.closed and where.host ~= nil then
        return finish(('cannot reach sessd on %s (%s); is sessd installed there, with sess on its PATH?'):format(where.host, rpc.describe(init_err)))
      end
      if init_err ~= nil then
        c:close()
        return finish('sessd refused this client: ' .. rpc.describe(init_err))
      end
      local function step(fail, next_step)
        return function(step_err, result)
          if step_err ~= nil then
            c:close()
            return finish(fail .. ': ' .. rpc.describe(step_err))
          end
          next_step(result)
        end
      end
      c:request('daemon/status', vim.empty_dict(), step('daemon/status failed', function(status)
        c:request('events/subscribe', vim.empty_dict(), step('events/subscribe failed', function()
          snapshot(c, step('session/list failed', function()
            M.server, M.tmux_socket = server, status.paths.tmuxSocket
            finish(nil, c)
          end))
        end))
      end))
    end)
  end
  if where.host ~= nil then
    local ok, argv = pcall(remote.argv, { host = where.host, ssh = M.config.ssh, remote_command = M.config.remote_command }, { 'proxy' }, false)
    if not ok then return finish(tostring(argv)) end
    c = rpc.spawn(argv, handlers, on_connect)
  else
    c = rpc.connect(where.socket, handlers, on_connect)
  end
end

--- Calls `callback(client)` once connected (at once when already); a failure to
--- connect is notified, and the callback is not called.
function M.with_client(callback)
  let_go = false
  if M.connected() then return callback(client) end
  if waiters ~= nil then
    table.insert(waiters, callback)
    return
  end
  waiters = { callback }
  open({ socket = M.socket(), host = M.host() }, function(err, c)
    local pending = waiters
    waiters = nil
    if err ~= nil then return M.notify(err, levels.ERROR) end
    client = c
    for _, waiting in ipairs(pending) do waiting(c) end
    changed()
  end)
end

--- Tries to reach sessd again after `delay` ms, then again with twice the wait (up
--- to RECONNECT_MAX_DELAY_MS) until it answers; the sessions are listed afresh.
--- Terminal buffers attach to tmux directly, so they stay through a sessd restart.
reconnect_soon = function(delay)
  if reconnecting then return end
  reconnecting = true
  vim.defer_fn(function()
    reconnecting = false
    if M.connected() or waiters ~= nil or let_go then return end
    waiters = {}
    open({ socket = M.socket(), host = M.host() }, function(err, c)
      local pending = waiters
      waiters = nil
      if err ~= nil then return reconnect_soon(math.min(delay * 2, M.RECONNECT_MAX_DELAY_MS)) end
      client = c
      for _, waiting in ipairs(pending) do waiting(c) end
      changed()
      M.notify('reconnected')
    end)
  end, delay)
end

function M.socket()
  return paths.resolve(M.config.socket)
end

--- The remote machine to use (setup's `host`, else g:sessd_host), or nil for this one.
function M.host()
  local host = M.config.host or vim.g.sessd_host
  if host == nil or host == '' or host == vim.NIL then return nil end
  return host
end

--- One request; an error is notified as "WHAT: message (code)", a result goes to `on_result`.
function M.request(what, method, params, on_result)
  M.with_client(function(c)
    c:request(method, params, function(err, result)
      if err ~= nil then return M.notify(what .. ': ' .. rpc.describe(err), levels.ERROR) end
      if on_result ~= nil then on_result(result) end
    end)
  end)
end

function M.supports(method)
  return M.server ~= nil and vim.tbl_contains(M.server.capabilities.methods, method)
end

--- Creates a session; `spec`: {name?, command? (argv), cwd?}. It runs with Neovim's
--- environment (sessd leaves out what belongs to Neovim and its terminal).
function M.create(spec)
  -- Neovim's directory and environment mean nothing on another machine: there sessd picks its own.
  local remote = M.host() ~= nil
  local params = { cwd = spec.cwd or (not remote and vim.fn.getcwd() or nil) }
  if not remote then
    params.callerEnv = vim.fn.environ()
    if next(params.callerEnv) == nil then params.callerEnv = vim.empty_dict() end
  end
  if spec.name ~= nil then params.name = spec.name end
  if spec.command ~= nil and #spec.command > 0 then params.command = spec.command end
  M.request('new', 'session/create', params, function(session)
    M.notify(('created %s (%s); :Sess attach %s'):format(model.label(session), session.id, model.label(session)))
  end)
end

function M.send(ref, text)
  M.request('send to ' .. ref, 'session/send', { session = ref, text = text }, function()
    M.notify('sent to ' .. ref)
  end)
end

function M.interrupt(ref)
  M.request('interrupt ' .. ref, 'session/interrupt', { session = ref }, function()
    M.notify('interrupted ' .. ref)
  end)
end

function M.checkpoint(ref, label)
  local params = { session = ref }
  if label ~= nil and label ~= '' then params.label = label end
  M.request('checkpoint ' .. ref, 'session/checkpoint', params, function(checkpoint)
    M.notify(('checkpoint %d of %s'):format(checkpoint.seq, ref))
  end)
end

--- Recreates the session from its latest checkpoint.
function M.restore(ref)
  M.request('restore ' .. ref, 'session/restore', { session = ref }, function(session)
    M.notify(('restored %s; it is %s'):format(model.label(session), session.status))
  end)
end

--- Deletes the session (its program is stopped first).
function M.delete(ref)
  M.request('delete ' .. ref, 'session/delete', { session = ref }, function()
    M.notify('deleted ' .. ref)
  end)
end

function M.stop(ref)
  M.request('stop ' .. ref, 'session/stop', { session = ref }, function(session)
    M.notify(('%s is %s'):format(ref, session.status))
  end)
end

--- Answers the session's open approval prompt (session/approve, with agent awareness).
function M.approve(ref)
  M.with_client(function()
    if not M.supports('session/approve') then
      return M.notify(('approve %s: this sessd does not answer prompts (no session/approve); answer in its terminal: :Sess attach %s'):format(ref, ref), levels.ERROR)
    end
    M.request('approve ' .. ref, 'session/approve', { session = ref }, function()
      M.notify('approved ' .. ref)
    end)
  end)
end

--- The argv of a tmux client on sessd's private server attached to `session`
--- (what `sess attach` runs); TMUX is unset so that it works inside another tmux.
--- With a host, `ssh -t HOST sess attach ID`: tmux attaches there.
function M.attach_command(session, read_only)
  if M.host() ~= nil then
    local args = { 'attach' }
    if read_only then table.insert(args, '--read-only') end
    vim.list_extend(args, { '--', session.id })
    return remote.argv({ host = M.host(), ssh = M.config.ssh, remote_command = M.config.remote_command }, args, true)
  end
  local argv = { 'env', '-u', 'TMUX', M.config.tmux, '-S', M.tmux_socket, 'attach-session' }
  if read_only then table.insert(argv, '-r') end
  vim.list_extend(argv, { '-t', '=' .. session.runtime.tmuxSession })
  return argv
end

--- Looks the session up and calls `on_session(session, argv)` when it has a screen.
function M.attach(ref, read_only, on_session)
  M.request('attach ' .. ref, 'session/get', { session = ref }, function(session)
    if session.runtime == nil or session.runtime.tmuxSession == nil then
      return M.notify(('%s is %s and has no screen to attach to; start it with `sess start %s`'):format(ref, session.status, ref), levels.ERROR)
    end
    on_session(session, M.attach_command(session, read_only))
  end)
end

--- Closes the connection, with no reconnecting (a later command reconnects).
function M.disconnect()
  let_go = true
  if client ~= nil then client:close() end
end

return M
