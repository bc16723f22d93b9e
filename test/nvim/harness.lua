-- The frame of a Lua test run in headless Neovim (test/helpers/nvim.ts starts it).
-- Headless Neovim exits 0 after a Lua error, so `run` catches every error and leaves
-- with `cquit 1`; notifications are recorded, and an ERROR notification that the
-- test did not expect fails it too. Steps are reported to the vitest side over a
-- unix socket ($SESSD_NVIM_CONTROL), which answers when it has checked its part.
local uv = vim.loop

local H = {}

--- Hang guard for anything a test waits for: events arrive in milliseconds.
H.TIMEOUT_MS = 20000

H.notifications = {}

vim.notify = function(message, level)
  level = level or vim.log.levels.INFO
  table.insert(H.notifications, { message = message, level = level })
  io.stdout:write(('notify[%d] %s\n'):format(level, message))
end

function H.fail(message)
  error(message, 2)
end

function H.equal(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    error(('%s: expected %s, got %s'):format(what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

--- Waits until `predicate()` is true: vim.wait re-checks it as events are processed,
--- and gives up only after the hang guard.
function H.wait(what, predicate)
  if not vim.wait(H.TIMEOUT_MS, predicate) then
    error(('gave up after %d ms waiting for %s'):format(H.TIMEOUT_MS, what), 2)
  end
end

--- Waits for a notification whose text contains `text` (plain) at `level` (default
--- INFO), and takes it off the record.
function H.notification(text, level)
  level = level or vim.log.levels.INFO
  local found
  H.wait(('a notification %q (level %d); got: %s'):format(text, level, vim.inspect(H.notifications)), function()
    for i, n in ipairs(H.notifications) do
      if n.level == level and n.message:find(text, 1, true) then
        found = table.remove(H.notifications, i)
        return true
      end
    end
    return false
  end)
  return found.message
end

local control = { lines = {}, buffer = '' }

local function connect_control()
  local path = os.getenv('SESSD_NVIM_CONTROL')
  if path == nil then return end
  local pipe = uv.new_pipe(false)
  local connected, failure = false, nil
  pipe:connect(path, function(err)
    if err ~= nil then failure = err else connected = true end
  end)
  H.wait('the control socket', function() return connected or failure ~= nil end)
  if failure ~= nil then error('cannot connect to the control socket: ' .. failure) end
  pipe:read_start(function(err, chunk)
    if err ~= nil or chunk == nil then
      control.closed = true
      return
    end
    control.buffer = control.buffer .. chunk
    for line in control.buffer:gmatch('([^\n]*)\n') do table.insert(control.lines, line) end
    control.buffer = control.buffer:match('[^\n]*$')
  end)
  control.pipe = pipe
end

--- Tells the vitest side that step `name` is done (with `data`), and waits for its
--- answer: its own checks passed (returns its data) or failed (raises its error).
function H.step(name, data)
  if control.pipe == nil then return nil end
  io.stdout:write('step ' .. name .. '\n')
  control.pipe:write(vim.json.encode({ step = name, data = data or vim.empty_dict() }) .. '\n')
  H.wait('the answer to step ' .. name, function() return #control.lines > 0 or control.closed end)
  if #control.lines == 0 then error('the control socket closed during step ' .. name) end
  local answer = vim.json.decode(table.remove(control.lines, 1))
  if not answer.ok then error(('step %s failed on the test side: %s'):format(name, answer.error), 2) end
  return answer.data
end

--- Runs the test: any error, or an ERROR notification nobody expected, exits 1.
function H.run(test)
  local ok, err = xpcall(function()
    connect_control()
    test()
    for _, n in ipairs(H.notifications) do
      if n.level >= vim.log.levels.ERROR then error('unexpected error notification: ' .. n.message) end
    end
  end, debug.traceback)
  if not ok then
    io.stderr:write('lua test failed: ' .. tostring(err) .. '\n')
    vim.cmd('cquit 1')
  end
  io.stdout:write('lua test passed\n')
  vim.cmd('qall!')
end

return H
