-- Where sessd's socket is, resolved as shared/paths.ts does for every client:
-- an explicit setting, then SESSD_SOCKET, then $XDG_RUNTIME_DIR/sessd/sessd.sock
-- (a relative XDG_RUNTIME_DIR is ignored, as the XDG spec says), else
-- /tmp/sessd-$UID/sessd.sock.
local M = {}

local function non_empty(value)
  if value == nil or value == '' or value == vim.NIL then return nil end
  return value
end

--- Pure: `getenv(name)` and `uid` are passed in, so it can be tested directly.
function M.socket(explicit, getenv, uid)
  local chosen = non_empty(explicit) or non_empty(getenv('SESSD_SOCKET'))
  if chosen ~= nil then return chosen end
  local runtime = getenv('XDG_RUNTIME_DIR')
  if runtime ~= nil and runtime:sub(1, 1) == '/' then return runtime .. '/sessd/sessd.sock' end
  return '/tmp/sessd-' .. uid .. '/sessd.sock'
end

--- The socket for this editor: setup's `socket`, else g:sessd_socket, else the environment.
function M.resolve(option)
  local uv = vim.uv or vim.loop
  return M.socket(option or vim.g.sessd_socket, uv.os_getenv, uv.getuid())
end

return M
