import { spawn } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { mkdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SessionCreateRequest,
  SessionGetRequest,
  SessionRestartRequest,
  TemplateSetRequest,
  type Session,
} from '../../shared/protocol/index.js';
import { TestClient } from '../helpers/client.js';
import { killTmuxServer, pathsIn, tempDir, TestDaemon, tmux, type DaemonPaths } from '../helpers/daemon.js';
import { EVENT_TIMEOUT_MS } from '../helpers/wait.js';

/**
 * Values that tmux would read as syntax if sessd let it: `#()` runs a shell command
 * while a format is expanded, `#{}` and `#W` are replaced, `;` separates commands,
 * quotes, `$` and `~` mean something to tmux's parser, `#[` is a style. Each goes
 * through every field that reaches tmux, and must arrive unchanged with nothing run.
 * The shell commands touch the file named by $SESSD_PWNED, which the daemon's (and so
 * the tmux server's) environment sets.
 */
const VALUES: { label: string; value: string }[] = [
  { label: 'a #() job', value: 'fix#(touch "$SESSD_PWNED")' },
  { label: 'a #() job in a #{}', value: 'x#{?#(touch "$SESSD_PWNED"),a,b}y' },
  { label: 'formats', value: 'tab#{pane_id} #S #W #{session_name}' },
  { label: 'a command separator', value: 'a ; run-shell "touch $SESSD_PWNED" \\; b' },
  { label: 'quotes, $ and ~', value: `q ' " \` $HOME \\ ~root` },
  { label: 'styles and runs of #', value: 'st #[fg=red] ##[x] ### end#' },
  { label: 'unicode', value: 'uni 日本語 ✓ 🚀 é' },
  { label: 'a newline (where the field allows one)', value: 'nl\nsecond #(touch "$SESSD_PWNED")' },
];

/** Names and spaces refuse control characters; the other fields take them. */
const oneLine = (value: string): string => value.replace(/\p{Cc}/gu, ' ');

/** The program: waits for input forever, so its cwd, environment and argv stay readable in /proc. */
const program = (value: string): string[] => ['/bin/sh', '-c', 'read line', 'sh', value];

let paths: DaemonPaths;
let daemon: TestDaemon;
let client: TestClient;
let pwned: string;
/** A session to attach the control job's client to. */
let someSession = '';

beforeAll(async () => {
  const dir = await tempDir();
  paths = pathsIn(dir);
  pwned = join(dir, 'pwned');
  daemon = await TestDaemon.start(paths, { env: { SESSD_PWNED: pwned } });
  client = await TestClient.connect(paths.socket);
});

afterAll(async () => {
  client?.close();
  await daemon?.stop();
  if (paths !== undefined) await killTmuxServer(paths.tmuxSocket);
});

async function expectRunsAsAsked(session: Session, value: string, cwd: string): Promise<void> {
  expect(session.status).toBe('running');
  const pid = session.pid!;
  expect(await readlink(`/proc/${pid}/cwd`)).toBe(cwd);
  const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
  expect(environ).toContain(`SESSD_PROBE=${value}`);
  expect((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').slice(0, -1)).toEqual(program(value));
  const [windowName] = (await tmux(paths.tmuxSocket, 'list-windows', '-t', `=${session.id}`, '-F', '#{window_name}')).split('\n');
  expect(windowName).toBe(session.name);
}

/** Waits for a file to exist, on file-system events. */
function appears(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(join(file, '..'), () => check());
    const timer = setTimeout(() => finish(new Error(`${file} did not appear within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
    const finish = (error?: Error): void => {
      watcher.close();
      clearTimeout(timer);
      if (error === undefined) resolve();
      else reject(error);
    };
    const check = (): void => {
      if (existsSync(file)) finish();
    };
    check();
  });
}

describe('tmux format injection', () => {
  it.each(VALUES)('$label: nothing runs, every field round-trips, the program runs where asked', async ({ value }) => {
    const cwd = join(paths.dir, value.replaceAll('/', '_'));
    await mkdir(cwd);
    const created = await client.request(SessionCreateRequest, {
      name: oneLine(value),
      space: oneLine(value),
      command: program(value),
      cwd,
      env: { SESSD_PROBE: value },
      labels: { probe: value },
      context: { probe: value },
    });
    const got = await client.request(SessionGetRequest, { session: created.id });
    expect(got).toMatchObject({
      name: oneLine(value),
      space: oneLine(value),
      command: program(value),
      cwd,
      env: { SESSD_PROBE: value },
      labels: { probe: value },
      context: { probe: value },
    });
    await expectRunsAsAsked(got, value, cwd);
    someSession = created.id;

    // A restart runs the program in a new window: the same arguments again.
    const restarted = (await client.request(SessionRestartRequest, { session: created.id })) as Session;
    expect(restarted.pid).not.toBe(got.pid);
    await expectRunsAsAsked(restarted, value, cwd);
  });

  it.each(VALUES)('$label: from a template', async ({ value }) => {
    const cwd = join(paths.dir, `t ${value.replaceAll('/', '_')}`);
    await mkdir(cwd);
    const name = `t${VALUES.findIndex((v) => v.value === value)}`;
    await client.request(TemplateSetRequest, {
      template: { name, command: program(value), cwd, env: { SESSD_PROBE: value }, labels: { probe: value }, space: `t ${oneLine(value)}` },
    });
    const created = await client.request(SessionCreateRequest, { template: name });
    expect(created).toMatchObject({ template: name, space: `t ${oneLine(value)}`, command: program(value), cwd, env: { SESSD_PROBE: value }, labels: { probe: value } });
    await expectRunsAsAsked(created, value, cwd);
  });

  it('ran none of the #() jobs (a job run on this server now does run, so the check can fail)', async () => {
    // tmux runs #() jobs in the background; the control job starts after every job the
    // values above could have started, so once it has run, they would have too.
    // The job belongs to the client that expanded it and dies with it, so the client
    // is a control client that stays until the job has run.
    expect(someSession, 'a session to attach to').not.toBe('');
    const control = join(paths.dir, 'control');
    const client = spawn('tmux', ['-S', paths.tmuxSocket, '-C', 'attach-session', '-t', `=${someSession}`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise((resolve) => client.once('exit', resolve));
    client.stdin.write(`display-message -p "#(touch ${control})"\n`);
    try {
      await appears(control);
    } finally {
      client.stdin.end();
      await exited;
    }
    expect(existsSync(pwned)).toBe(false);
  });
});
