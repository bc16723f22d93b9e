import { defineCommand } from '../spec.js';

/** `sess daemon status`, `start`, `stop`: daemon/status and daemon/shutdown. */

export const status = defineCommand({
  name: 'daemon status',
  group: 'sessd itself',
  summary: "Show sessd's state: version, paths, sessions, tmux",
  options: {},
});

export const start = defineCommand({
  name: 'daemon start',
  group: 'sessd itself',
  summary: 'Start sessd in the background, if it is not running',
  options: {},
});

export const stop = defineCommand({
  name: 'daemon stop',
  group: 'sessd itself',
  summary: 'Stop sessd (sessions keep running)',
  options: {},
});
