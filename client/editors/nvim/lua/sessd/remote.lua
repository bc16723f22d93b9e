-- Another machine's sessd, through OpenSSH (README.md, "sess on other machines"):
-- the plugin runs `ssh HOST sess proxy` and speaks the protocol over its pipes, with
-- the user's own ssh keys, agent and known hosts. Pure: argv in, argv out.
local M = {}

--- A word the remote shell reads back as itself.
local function quote(word)
  if word:match('^[%w@%%+=:,./_-]+$') then return word end
  return "'" .. word:gsub("'", "'\\''") .. "'"
end

--- `[USER@]HOST[:PORT]` as ssh arguments: `-p PORT` and the destination (a bracketed
--- IPv6 address keeps its colons). nil for something ssh would read as an option.
function M.destination(host)
  if host == nil or host == '' or host:sub(1, 1) == '-' or host:find('[%s\'"\\;&|<>`$]') then return nil end
  local user, rest = host:match('^(.*)@([^@]*)$')
  rest = rest or host
  local name, port = rest:match('^%[(.+)%]:?(%d*)$')
  if name == nil then
    name, port = rest:match('^([^:]+):(%d+)$')
    if name == nil then name, port = rest, '' end
  end
  if name == '' or name:sub(1, 1) == '-' then return nil end
  local args = {}
  if port ~= nil and port ~= '' then vim.list_extend(args, { '-p', port }) end
  table.insert(args, user ~= nil and (user .. '@' .. name) or name)
  return args
end

--- The argv that runs `sess ARGS` on `config.host`: {ssh, -T|-t, [-p PORT], --,
--- DEST, "REMOTE_COMMAND ARGS..."}. `config`: {host, ssh?, remote_command?}.
function M.argv(config, sess_args, tty)
  local dest = M.destination(config.host)
  if dest == nil then error(('not a host: %q (expected [USER@]HOST[:PORT])'):format(tostring(config.host))) end
  local argv = { config.ssh or 'ssh', tty and '-t' or '-T' }
  if #dest == 3 then vim.list_extend(argv, { dest[1], dest[2] }) end
  vim.list_extend(argv, { '--', dest[#dest] })
  local words = { config.remote_command or 'sess' }
  for _, word in ipairs(sess_args) do table.insert(words, quote(word)) end
  table.insert(argv, table.concat(words, ' '))
  return argv
end

return M
