-- JSON-RPC 2.0 over a unix socket, or a command's stdin and stdout (`ssh HOST sess
-- proxy`), with Content-Length framing (the LSP base protocol), on libuv pipes.
-- Neovim 0.7: vim.loop and vim.json only.
local uv = vim.uv or vim.loop -- vim.uv from Neovim 0.10; vim.loop before

local M = {}

--- A frame decoder: feed it bytes as they arrive, get back the complete message
--- bodies (strings) in order. Lua strings are bytes, as Content-Length counts.
function M.decoder()
  local buffer = ''
  return function(chunk)
    buffer = buffer .. chunk
    local bodies = {}
    while true do
      local header_end = buffer:find('\r\n\r\n', 1, true)
      if header_end == nil then break end
      local header = buffer:sub(1, header_end - 1)
      local length = tonumber(header:lower():match('content%-length:%s*(%d+)'))
      if length == nil then
        error('sessd sent a frame without Content-Length: ' .. header)
      end
      local body_start = header_end + 4
      if #buffer < body_start + length - 1 then break end
      table.insert(bodies, buffer:sub(body_start, body_start + length - 1))
      buffer = buffer:sub(body_start + length)
    end
    return bodies
  end
end

function M.encode(message)
  local body = vim.json.encode(message)
  return 'Content-Length: ' .. #body .. '\r\n\r\n' .. body
end

local function decode(body)
  return vim.json.decode(body, { luanil = { object = true, array = true } })
end

--- An RPC error as one line: the message, with sessd's error name when it has one.
function M.describe(err)
  if type(err) ~= 'table' then return tostring(err) end
  local name = type(err.data) == 'table' and err.data.code or nil
  if name ~= nil then return err.message .. ' (' .. name .. ')' end
  return err.message or vim.inspect(err)
end

local Client = {}
Client.__index = Client

--- Starts reading framed messages from `reader` into `self`. The end of the stream
--- closes the connection, unless `ends_with_process`: then the command's exit does,
--- with what it said.
local function read_into(self, reader, ends_with_process)
  local feed = M.decoder()
  reader:read_start(function(read_err, chunk)
    if read_err ~= nil or chunk == nil then
      if not ends_with_process then
        vim.schedule(function() self:_close(read_err or 'sessd closed the connection') end)
      end
      return
    end
    local ok, bodies = pcall(feed, chunk)
    vim.schedule(function()
      if not ok then
        self:_close(bodies)
        return
      end
      for _, body in ipairs(bodies) do self:_dispatch(decode(body)) end
    end)
  end)
end

local function new_client(pipe, handlers)
  return setmetatable({ pipe = pipe, next_id = 1, pending = {}, closed = false, handlers = handlers }, Client)
end

--- Connects to the socket at `path`. `handlers.on_notification(method, params)` and
--- `handlers.on_close(reason)` run on the main loop (vim.schedule), never in a fast
--- callback, so they may use any API. `on_connect(err, client)` likewise.
function M.connect(path, handlers, on_connect)
  local pipe = uv.new_pipe(false)
  local self = new_client(pipe, handlers)
  pipe:connect(path, function(err)
    if err ~= nil then
      pipe:close()
      vim.schedule(function() on_connect(err, nil) end)
      return
    end
    read_into(self, pipe, false)
    vim.schedule(function() on_connect(nil, self) end)
  end)
  return self
end

--- Keeps the end of a command's stderr: ssh's own message fits many times over.
local STDERR_KEEP = 8192

--- Speaks over a command's stdin and stdout instead of a socket: `argv` is e.g.
--- `ssh HOST sess proxy` (sessd.remote). When the command ends, the connection closes
--- with its exit code and the last lines it wrote to stderr (ssh's message).
function M.spawn(argv, handlers, on_connect)
  local stdin, stdout, stderr = uv.new_pipe(false), uv.new_pipe(false), uv.new_pipe(false)
  local self = new_client(stdin, handlers)
  local said = ''
  local handle, spawn_err
  handle, spawn_err = uv.spawn(argv[1], { args = vim.list_slice(argv, 2), stdio = { stdin, stdout, stderr } }, function(code, signal)
    self.exited = true
    handle:close()
    -- Whatever is still buffered on stdout was read already: the process is gone.
    vim.schedule(function()
      for _, pipe in ipairs({ stdout, stderr }) do
        if not pipe:is_closing() then pipe:close() end
      end
      local lines = vim.tbl_filter(function(l) return l ~= '' end, vim.split(said, '\r?\n'))
      local last = table.concat(vim.list_slice(lines, math.max(1, #lines - 2)), '; ')
      local how = signal ~= 0 and ('was killed by signal ' .. signal) or ('exited with code ' .. code)
      self:_close(('%s %s%s'):format(argv[1], how, last ~= '' and (': ' .. last) or ''))
    end)
  end)
  if handle == nil then
    for _, pipe in ipairs({ stdin, stdout, stderr }) do pipe:close() end
    vim.schedule(function() on_connect(('cannot run %s: %s'):format(argv[1], tostring(spawn_err)), nil) end)
    return self
  end
  self.process = handle
  read_into(self, stdout, true)
  stderr:read_start(function(_, chunk)
    if chunk ~= nil then said = (said .. chunk):sub(-STDERR_KEEP) end
  end)
  vim.schedule(function() on_connect(nil, self) end)
  return self
end

function Client:_dispatch(message)
  if message.id ~= nil and message.method == nil then
    local callback = self.pending[message.id]
    self.pending[message.id] = nil
    if callback ~= nil then callback(message.error, message.result) end
  elseif message.method ~= nil and message.id == nil then
    if self.handlers.on_notification ~= nil then self.handlers.on_notification(message.method, message.params) end
  end
  -- A request from the server: sessd sends none in protocol version 1.
end

--- Sends a request; `callback(err, result)` runs once, on the main loop, also when the
--- connection closes first (err is then a table with a message).
function Client:request(method, params, callback)
  if self.closed then
    callback({ message = 'not connected to sessd' }, nil)
    return
  end
  local id = self.next_id
  self.next_id = id + 1
  self.pending[id] = callback
  self.pipe:write(M.encode({ jsonrpc = '2.0', id = id, method = method, params = params or vim.empty_dict() }))
end

--- Settles every pending request with the cause: nothing waits forever.
function Client:_close(reason)
  if self.closed then return end
  self.closed = true
  if not self.pipe:is_closing() then self.pipe:close() end
  -- A command (ssh) whose stdin closed ends by itself; one that does not is stopped.
  if self.process ~= nil and self.exited == nil and not self.process:is_closing() then self.process:kill('sigterm') end
  local pending = self.pending
  self.pending = {}
  for _, callback in pairs(pending) do callback({ message = 'connection to sessd closed: ' .. tostring(reason) }, nil) end
  if self.handlers.on_close ~= nil then self.handlers.on_close(reason) end
end

function Client:close()
  self:_close('closed by the editor')
end

return M
