-- What :Sess shows: the session list buffer, terminal buffers attached to sessions,
-- and the text of a visual selection.
local model = require('sessd.model')
local sessd = require('sessd')

local M = {}

local LIST_NAME = 'sessd://sessions'
local HELP = '<CR> attach  s send  i interrupt  a approve  c checkpoint  X stop  n new  R reconnect  q close'
-- The session id on each line of the list buffer, as last rendered.
local row_ids = {}

--- The lines of the list, and the session id on each line (nil for headers).
function M.list_lines(sessions, connected)
  local lines, ids = {}, {}
  if not connected then
    table.insert(lines, 'not connected to sessd (R reconnects)')
    return lines, ids
  end
  local rows = { { 'NAME', 'STATUS', 'ACTIVITY', 'ID', 'COMMAND' } }
  for _, session in ipairs(model.sorted(sessions)) do
    table.insert(rows, {
      model.label(session),
      session.status,
      session.status == 'running' and session.activity or '-',
      session.id,
      table.concat(session.command or {}, ' '),
    })
    ids[#rows] = session.id
  end
  local widths = {}
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row) do widths[i] = math.max(widths[i] or 0, vim.fn.strdisplaywidth(cell)) end
  end
  for _, row in ipairs(rows) do
    local cells = {}
    for i, cell in ipairs(row) do
      cells[i] = i == #row and cell or cell .. string.rep(' ', widths[i] - vim.fn.strdisplaywidth(cell))
    end
    table.insert(lines, table.concat(cells, '  '))
  end
  if #rows == 1 then table.insert(lines, '(no sessions: :Sess new NAME COMMAND...)') end
  table.insert(lines, '')
  table.insert(lines, HELP)
  return lines, ids
end

local function list_buffer()
  local buf = vim.fn.bufnr(LIST_NAME)
  if buf ~= -1 and vim.api.nvim_buf_is_valid(buf) then return buf end
  return nil
end

function M.render()
  local buf = list_buffer()
  if buf == nil then return end
  local lines, ids = M.list_lines(sessd.sessions, sessd.connected())
  vim.api.nvim_buf_set_option(buf, 'modifiable', true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.api.nvim_buf_set_option(buf, 'modifiable', false)
  row_ids = ids
end

--- The session on the cursor's line in the list buffer, or nil.
function M.session_under_cursor()
  local buf = vim.api.nvim_get_current_buf()
  if buf ~= list_buffer() then return nil end
  local id = row_ids[vim.api.nvim_win_get_cursor(0)[1]]
  local session = id ~= nil and sessd.sessions[id] or nil
  return session ~= nil and model.label(session) or nil
end

local function map(buf, lhs, run)
  vim.keymap.set('n', lhs, run, { buffer = buf, nowait = true, silent = true })
end

local function on_cursor(action)
  return function()
    local ref = M.session_under_cursor()
    if ref == nil then return sessd.notify('no session on this line', vim.log.levels.WARN) end
    action(ref)
  end
end

local function create_list_buffer()
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(buf, LIST_NAME)
  vim.api.nvim_buf_set_option(buf, 'bufhidden', 'hide')
  vim.api.nvim_buf_set_option(buf, 'filetype', 'sessd')
  vim.api.nvim_buf_set_option(buf, 'modifiable', false)
  map(buf, '<CR>', on_cursor(function(ref) M.attach(ref, false) end))
  map(buf, 's', on_cursor(function(ref) M.prompt_send(ref) end))
  map(buf, 'i', on_cursor(sessd.interrupt))
  map(buf, 'a', on_cursor(sessd.approve))
  map(buf, 'c', on_cursor(function(ref) sessd.checkpoint(ref, nil) end))
  map(buf, 'X', on_cursor(sessd.stop))
  map(buf, 'n', function()
    vim.ui.input({ prompt = 'New session (NAME COMMAND...): ' }, function(input)
      if input == nil or input == '' then return end
      local words = vim.split(vim.trim(input), '%s+')
      sessd.create({ name = table.remove(words, 1), command = words })
    end)
  end)
  map(buf, 'R', function()
    sessd.disconnect()
    sessd.with_client(M.render)
  end)
  map(buf, 'q', '<Cmd>close<CR>')
  return buf
end

--- Shows the list in a window (the one it is in already, else a new split).
function M.open_list()
  local buf = list_buffer() or create_list_buffer()
  local win = vim.fn.bufwinid(buf)
  if win ~= -1 then
    vim.api.nvim_set_current_win(win)
  else
    vim.cmd('botright split')
    vim.api.nvim_win_set_buf(0, buf)
  end
  M.render()
  sessd.with_client(M.render)
end

function M.prompt_send(ref)
  vim.ui.input({ prompt = 'Send to ' .. ref .. ': ' }, function(text)
    if text ~= nil and text ~= '' then sessd.send(ref, text) end
  end)
end

--- Opens a terminal buffer running a tmux client attached to the session.
function M.attach(ref, read_only)
  sessd.attach(ref, read_only, function(session, argv)
    -- In this window, unless that would abandon unsaved changes.
    vim.cmd(vim.bo.modified and 'new' or 'enew')
    local job = vim.fn.termopen(argv)
    if job <= 0 then
      return sessd.notify('cannot run ' .. argv[4] .. ' to attach (termopen returned ' .. job .. ')', vim.log.levels.ERROR)
    end
    vim.b.sessd_session = session.id
    pcall(vim.api.nvim_buf_set_name, 0, 'sessd://attach/' .. model.label(session))
    vim.cmd('startinsert')
  end)
end

--- The text of the last visual selection when it covers lines `first`..`last` (a
--- command given the range '<,'>), charwise, linewise or blockwise; otherwise the
--- whole lines `first`..`last`.
function M.selection_text(first, last)
  local lines = vim.api.nvim_buf_get_lines(0, first - 1, last, false)
  local start, finish = vim.fn.getpos("'<"), vim.fn.getpos("'>")
  local mode = vim.fn.visualmode()
  if start[2] ~= first or finish[2] ~= last or mode == 'V' or mode == '' then
    return table.concat(lines, '\n')
  end
  -- Byte columns, 1-based; '> points at the first byte of the last selected character.
  local function end_byte(line, col)
    if col >= #line then return #line end
    return col - 1 + #vim.fn.strpart(line, col - 1, 1, 1)
  end
  if mode == 'v' then
    lines[#lines] = lines[#lines]:sub(1, end_byte(lines[#lines], finish[3]))
    lines[1] = lines[1]:sub(start[3])
    return table.concat(lines, '\n')
  end
  -- Blockwise: the same columns of every line.
  local left, right = math.min(start[3], finish[3]), math.max(start[3], finish[3])
  for i, line in ipairs(lines) do lines[i] = line:sub(left, end_byte(line, right)) end
  return table.concat(lines, '\n')
end

return M
