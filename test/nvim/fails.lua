-- Proves the harness: a Lua error must make Neovim exit non-zero.
local H = dofile(os.getenv('SESSD_NVIM_HARNESS'))

H.run(function()
  error('deliberate failure')
end)
