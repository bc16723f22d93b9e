import type { Context } from '../context.js';

export interface Command {
  run(ctx: Context): Promise<number | void>;
}

/** Each command's code, loaded only when that command runs (registry.ts names the module). */
export const COMMAND_MODULES: Record<string, () => Promise<Command>> = {
  new: () => import('./new.js'),
  ls: () => import('./ls.js'),
  show: () => import('./show.js'),
  attach: () => import('./attach.js'),
  send: () => import('./send.js'),
  keys: () => import('./keys.js'),
  interrupt: () => import('./interrupt.js'),
  capture: () => import('./capture.js'),
  logs: () => import('./logs.js'),
  events: () => import('./events.js'),
  lifecycle: () => import('./lifecycle.js'),
  rm: () => import('./rm.js'),
  checkpoint: () => import('./checkpoint.js'),
  gc: () => import('./gc.js'),
  inbox: () => import('./inbox.js'),
  update: () => import('./update.js'),
  daemon: () => import('./daemon.js'),
  'daemon-units': () => import('./daemon-units.js'),
  template: () => import('./template.js'),
  spaces: () => import('./spaces.js'),
  metrics: () => import('./metrics.js'),
  'completion-command': () => import('./completion-command.js'),
};
