-- :Sess {subcommand} [args]: parsing, the choice of a session when none is named,
-- and completion.
local model = require('sessd.model')
local sessd = require('sessd')
local ui = require('sessd.ui')

local M = {}

--- Calls `run(ref)` with the session named, else the one under the cursor in the
--- list, else one the user picks among the running ones.
local function with_session(ref, run)
  if ref ~= nil and ref ~= '' then return run(ref) end
  local here = ui.session_under_cursor()
  if here ~= nil then return run(here) end
  sessd.with_client(function()
    local running = {}
    for _, session in ipairs(model.sorted(sessd.sessions)) do
      if session.status == 'running' then table.insert(running, model.label(session)) end
    end
    if #running == 0 then return sessd.notify('no running session; :Sess new NAME COMMAND...', vim.log.levels.WARN) end
    if #running == 1 then return run(running[1]) end
    vim.ui.select(running, { prompt = 'Session:' }, function(choice)
      if choice ~= nil then run(choice) end
    end)
  end)
end

--- The words after the subcommand: the first (a session), and the raw rest.
local function split_rest(args)
  local rest = args:match('^%s*%S+%s*(.*)$') or ''
  local first, tail = rest:match('^(%S+)%s?(.*)$')
  return first, tail or ''
end

M.subcommands = {
  list = function() ui.open_list() end,
  new = function(opts)
    -- Quoted as in a shell: `:Sess new api sh -c 'npm run dev | tee log'`.
    local words, err = model.shell_words(opts.args:match('^%s*%S+%s*(.*)$') or '')
    if words == nil then return sessd.notify('new: cannot read the command: ' .. err, vim.log.levels.ERROR) end
    sessd.create({ name = table.remove(words, 1), command = words })
  end,
  restore = function(opts) with_session(opts.fargs[2], sessd.restore) end,
  delete = function(opts)
    with_session(opts.fargs[2], function(ref)
      if opts.bang or vim.fn.confirm(('Delete %s? Its program is stopped and its history removed.'):format(ref), '&Delete\n&Cancel', 2) == 1 then
        sessd.delete(ref)
      end
    end)
  end,
  attach = function(opts)
    with_session(opts.fargs[2], function(ref) ui.attach(ref, opts.bang) end)
  end,
  send = function(opts)
    local ref, text = split_rest(opts.args)
    with_session(ref, function(chosen)
      if text ~= '' then return sessd.send(chosen, text) end
      if opts.range > 0 then return sessd.send(chosen, ui.selection_text(opts.line1, opts.line2)) end
      ui.prompt_send(chosen)
    end)
  end,
  interrupt = function(opts) with_session(opts.fargs[2], sessd.interrupt) end,
  approve = function(opts) with_session(opts.fargs[2], sessd.approve) end,
  checkpoint = function(opts)
    local ref, label = split_rest(opts.args)
    with_session(ref, function(chosen) sessd.checkpoint(chosen, label) end)
  end,
  stop = function(opts) with_session(opts.fargs[2], sessd.stop) end,
}

local ORDER = { 'list', 'new', 'attach', 'send', 'interrupt', 'approve', 'checkpoint', 'stop', 'restore', 'delete' }

function M.run(opts)
  local name = opts.fargs[1] or 'list'
  local subcommand = M.subcommands[name]
  if subcommand == nil then
    return sessd.notify(('unknown subcommand %q; one of: %s'):format(name, table.concat(ORDER, ', ')), vim.log.levels.ERROR)
  end
  subcommand(opts)
end

--- Subcommands, then session names from the last snapshot (no request is made).
function M.complete(lead, line)
  local words = vim.split(line:sub(1, #line - #lead), '%s+', { trimempty = true })
  local candidates = {}
  if #words <= 1 then
    candidates = ORDER
  elseif #words == 2 and words[2] ~= 'new' then
    for _, session in ipairs(model.sorted(sessd.sessions)) do table.insert(candidates, model.label(session)) end
  end
  return vim.tbl_filter(function(c) return c:sub(1, #lead) == lead end, candidates)
end

return M
