-- The editor's picture of sessd's sessions: a snapshot from session/list, kept
-- current by events. Pure functions, tested directly (test/nvim/unit.lua).
local M = {}

--- How a session is named to a person, and a valid reference to it: `name` in the
--- default space, `space/name` elsewhere.
function M.label(session)
  if session.space == nil or session.space == 'default' then return session.name end
  return session.space .. '/' .. session.name
end

--- Applies one event (DESIGN.md's Event, data by type as in shared/protocol/model.ts)
--- to `sessions` (a table by id). Returns true when something shown changed.
function M.apply(sessions, event)
  local id = event.sessionId
  local data = event.data or {}
  if event.type == 'session.created' then
    sessions[data.id or id] = data
    return true
  end
  local session = id ~= nil and sessions[id] or nil
  if event.type == 'session.deleted' then
    sessions[id] = nil
    return session ~= nil
  end
  if session == nil then return false end
  if event.type == 'session.status' then
    session.status = data.status
    -- The daemon's rule: activity means something only while running.
    if data.status ~= 'running' then session.activity = 'unknown' end
    if data.exitCode ~= nil then session.exitCode = data.exitCode end
    return true
  elseif event.type == 'session.activity' then
    session.activity = data.activity
    session.lastActivityAt = event.time
    return true
  elseif event.type == 'session.exited' then
    session.exitCode = data.exitCode
    return true
  elseif event.type == 'session.updated' then
    session.labels = data.labels
    session.context = data.context
    return false
  end
  return false
end

--- The notification a person should get for `event`, or nil: a session that starts
--- waiting for an answer. Call it before `apply`, which forgets the previous state.
function M.waiting_message(sessions, event)
  if event.type ~= 'session.activity' then return nil end
  local data = event.data or {}
  if data.activity ~= 'waiting' or data.previous == 'waiting' then return nil end
  local session = sessions[event.sessionId]
  local who = session ~= nil and M.label(session) or event.sessionId
  return 'sessd: ' .. who .. ' is waiting for you (:Sess attach ' .. who .. ')'
end

--- `line` split into argv as a POSIX shell quotes it (shared/shell-words.ts):
--- whitespace separates words, 'single quotes' keep everything, "double quotes" keep
--- everything but \" \\ \$ \`, a backslash outside quotes keeps the next character; no
--- expansion. Returns the words, or nil and what is wrong.
function M.shell_words(line)
  local words, word, in_word, quote = {}, '', false, nil
  local i = 1
  while i <= #line do
    local ch = line:sub(i, i)
    if quote == "'" then
      if ch == "'" then quote = nil else word = word .. ch end
    elseif quote == '"' then
      local nxt = line:sub(i + 1, i + 1)
      if ch == '"' then
        quote = nil
      elseif ch == '\\' and nxt ~= '' and ('"\\$`'):find(nxt, 1, true) then
        word, i = word .. nxt, i + 1
      else
        word = word .. ch
      end
    elseif ch == "'" or ch == '"' then
      quote, in_word = ch, true
    elseif ch == '\\' then
      if i < #line then word, i = word .. line:sub(i + 1, i + 1), i + 1 end
      in_word = true
    elseif ch:match('%s') then
      if in_word then table.insert(words, word) end
      word, in_word = '', false
    else
      word, in_word = word .. ch, true
    end
    i = i + 1
  end
  if quote ~= nil then return nil, ('unclosed %s quote'):format(quote == "'" and 'single' or 'double') end
  if in_word then table.insert(words, word) end
  return words
end

--- Sessions in display order: by space (default first), then by name.
function M.sorted(sessions)
  local list = {}
  for _, session in pairs(sessions) do table.insert(list, session) end
  table.sort(list, function(a, b)
    if a.space ~= b.space then
      if a.space == 'default' then return true end
      if b.space == 'default' then return false end
      return a.space < b.space
    end
    return a.name < b.name
  end)
  return list
end

return M
