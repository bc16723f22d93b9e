import { execFile } from 'node:child_process';
import { existsSync, statSync, watch } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO, tempDir, timeout, tmux, waitForExit } from './daemon.js';
import { isAlive } from './processes.js';
import { ScreenWatcher } from './screen.js';
import { Wakeable } from './wait.js';

/**
 * The real Claude Code and Codex CLIs, installed from npm as devDependencies, run in
 * a test-owned tmux server against a MockModel, each in its own temp HOME with its
 * settings seeded so that it starts where a test needs it. What each program shows
 * and does is written down in test/fixtures/screens/REAL.md.
 */

/** Pane size of the recorded screens. */
export const AGENT_COLS = 120;
export const AGENT_ROWS = 40;
/** The API key Claude Code is given; its last 20 characters are what ~/.claude.json approves. */
const CLAUDE_API_KEY = 'sk-ant-api03-mock-key-for-tests';

const run = promisify(execFile);

/**
 * Where the agents' packages are: the project's node_modules, or SESSD_AGENTS_MODULES
 * (a node_modules holding them, for a checkout whose own does not).
 */
function agentModules(): string {
  return process.env.SESSD_AGENTS_MODULES ?? join(REPO, 'node_modules');
}

/**
 * Claude Code's native binary. The package's postinstall copies it over
 * bin/claude.exe; where install scripts did not run, bin/claude.exe is a small stub,
 * and the binary is taken from the platform package instead.
 */
export function claudeBinary(): string {
  const modules = agentModules();
  const copied = join(modules, '@anthropic-ai', 'claude-code', 'bin', 'claude.exe');
  if (existsSync(copied) && statSync(copied).size > 1_000_000) return copied;
  const libc = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const suffix = `${process.platform}-${process.arch}${libc.header?.glibcVersionRuntime === undefined ? '-musl' : ''}`;
  const require = createRequire(join(modules, '@anthropic-ai', 'claude-code', 'package.json'));
  return join(dirname(require.resolve(`@anthropic-ai/claude-code-${suffix}/package.json`)), 'claude');
}

/** Codex's launcher (bin/codex.js, which runs the platform package's native binary). */
export function codexLauncher(): string {
  return join(agentModules(), '@openai', 'codex', 'bin', 'codex.js');
}

export interface AgentHome {
  /** HOME for the agent. */
  home: string;
  /** The project directory the agent runs in. */
  project: string;
}

/** A temp HOME and an empty project directory for one agent run. */
export async function newHome(): Promise<AgentHome> {
  const dir = await tempDir('agent-');
  const at = { home: join(dir, 'home'), project: join(dir, 'project') };
  await mkdir(at.home, { recursive: true });
  await mkdir(at.project, { recursive: true });
  return at;
}

/**
 * Seeds ~/.claude.json so Claude Code starts at its prompt: onboarding done (the
 * first-run flow checks api.anthropic.com itself and stops at "Unable to connect to
 * Anthropic services"), the environment's API key approved (else it asks "Do you want
 * to use this API key?", defaulting to No), and the project trusted (else the
 * folder-trust dialog) unless `trusted` is false.
 */
export async function seedClaude(at: AgentHome, options: { trusted?: boolean } = {}): Promise<void> {
  const projects = options.trusted === false ? {} : { [at.project]: { hasTrustDialogAccepted: true, allowedTools: [] } };
  const settings = {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: '2.1.197',
    customApiKeyResponses: { approved: [CLAUDE_API_KEY.slice(-20)], rejected: [] },
    projects,
  };
  await mkdir(at.home, { recursive: true });
  await writeFile(join(at.home, '.claude.json'), JSON.stringify(settings, null, 2));
}

/** Claude Code's environment: the mock as its API, and everything else it would reach for switched off. */
export function claudeEnv(at: AgentHome, modelUrl: string): Record<string, string> {
  return {
    ...baseEnv(at.home),
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: CLAUDE_API_KEY,
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

/**
 * Hook settings for `claude --settings FILE`: every lifecycle event appends its JSON
 * payload (one line, with the time it arrived) to `log`, and a PermissionRequest for
 * a command containing `denyMarker` is denied with `denyReason`.
 */
export async function claudeHookSettings(dir: string, log: string, deny?: { marker: string; reason: string }): Promise<string> {
  const script = join(dir, 'hook.sh');
  const decision = JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: deny?.reason ?? '' } } });
  await writeFile(
    script,
    [
      '#!/bin/sh',
      'payload=$(cat)',
      `printf '%s\\n' "$payload" >> '${log}'`,
      ...(deny === undefined
        ? []
        : [`case "$payload" in *'"hook_event_name":"PermissionRequest"'*'${deny.marker}'*) printf '%s\\n' '${decision}' ;; esac`]),
      'exit 0',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const entry = [{ matcher: '*', hooks: [{ type: 'command', command: script }] }];
  const events = ['SessionStart', 'UserPromptSubmit', 'Stop', 'Notification', 'PreToolUse', 'PostToolUse', 'PermissionRequest', 'SessionEnd'];
  const file = join(dir, 'hooks.json');
  await writeFile(file, JSON.stringify({ hooks: Object.fromEntries(events.map((e) => [e, entry])) }, null, 2));
  return file;
}

/** The hook payloads logged so far. */
export async function hookPayloads(log: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Seeds $CODEX_HOME/config.toml: the mock as a Responses API provider, approvals on
 * request (the mock's commands ask for escalation, so each one is put to the user),
 * the project trusted unless `trusted` is false, no background app-server daemon
 * (it would outlive the test) and no update check; `notify` runs a program with each
 * turn's payload as its last argument.
 */
export async function seedCodex(at: AgentHome, modelUrl: string, options: { trusted?: boolean; notify?: string[] } = {}): Promise<void> {
  const codexHome = join(at.home, '.codex');
  await mkdir(codexHome, { recursive: true });
  const toml = (value: string): string => JSON.stringify(value);
  const lines = [
    'model = "mock-model"',
    'model_provider = "mock"',
    'approval_policy = "on-request"',
    'check_for_update_on_startup = false',
    ...(options.notify === undefined ? [] : [`notify = [${options.notify.map(toml).join(', ')}]`]),
    '',
    '[features]',
    'daemon_auto_start = false',
    '',
    '[model_providers.mock]',
    'name = "Mock"',
    `base_url = ${toml(`${modelUrl}/v1`)}`,
    'env_key = "MOCK_API_KEY"',
    'wire_api = "responses"',
    '',
    ...(options.trusted === false ? [] : [`[projects.${toml(at.project)}]`, 'trust_level = "trusted"', '']),
  ];
  await writeFile(join(codexHome, 'config.toml'), lines.join('\n'));
}

export function codexEnv(at: AgentHome): Record<string, string> {
  return { ...baseEnv(at.home), CODEX_HOME: join(at.home, '.codex'), MOCK_API_KEY: 'mock' };
}

function baseEnv(home: string): Record<string, string> {
  // Node on PATH for Codex's launcher; nothing else of the test's own environment.
  return { HOME: home, PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, TERM: 'xterm-256color', LANG: 'C.UTF-8' };
}

/** How long an agent gets to exit on SIGHUP (it saves its conversation first) before it is killed. */
const STOP_GRACE_MS = 5_000;
/** Interval for checking that the agent (not our child: tmux's) has exited; no event exists for that. */
const EXIT_CHECK_MS = 10;
const running = new Set<AgentPane>();

/** A program in a pane of a test-owned tmux server, with its screen watched. */
export class AgentPane {
  private constructor(
    readonly socket: string,
    readonly name: string,
    readonly pid: number,
    private readonly watcher: ScreenWatcher,
  ) {}

  /** Starts `argv` with exactly `env` (nothing inherited) in `cwd`. */
  static async start(socket: string, name: string, cwd: string, env: Record<string, string>, argv: string[]): Promise<AgentPane> {
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    // The pane stays after the program exits (remain-on-exit, set in the same command
    // list), so a program that quits at once still leaves its last screen to read.
    const size = ['-x', String(AGENT_COLS), '-y', String(AGENT_ROWS)];
    await tmux(socket, '-f', '/dev/null', 'new-session', '-d', '-s', name, ...size, '-c', cwd, '--', 'env', '-i', ...envArgs, ...argv, ';', 'set-option', '-w', '-t', `=${name}:`, 'remain-on-exit', 'on');
    const pid = Number((await tmux(socket, 'display-message', '-p', '-t', `=${name}:`, '#{pane_pid}')).trim());
    const watcher = await ScreenWatcher.attach(socket, name);
    const pane = new AgentPane(socket, name, pid, watcher);
    running.add(pane);
    return pane;
  }

  /** The screen's rows as text. */
  async capture(): Promise<string> {
    return tmux(this.socket, 'capture-pane', '-p', '-t', `=${this.name}:`);
  }

  /** Waits until the screen matches (re-captured on each output). */
  waitFor(match: RegExp | ((screen: string) => boolean)): Promise<string> {
    const test = typeof match === 'function' ? match : (screen: string) => match.test(screen);
    return this.watcher.waitFor(() => this.capture(), test);
  }

  /**
   * Types one line of `text` as a bracketed paste and, once the input row shows it,
   * presses Enter in a write of its own. Both agents take an Enter that comes with
   * (or right behind) the text as part of it: the text stays unsent in the input.
   */
  async paste(text: string): Promise<void> {
    await tmux(this.socket, 'set-buffer', '-b', this.name, '--', text);
    await tmux(this.socket, 'paste-buffer', '-p', '-d', '-b', this.name, '-t', `=${this.name}:`);
    const shown = new RegExp(`^[❯›][ \u00a0]${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm');
    await this.waitFor(shown);
    await this.keys('Enter');
  }

  async keys(...keys: string[]): Promise<void> {
    await tmux(this.socket, 'send-keys', '-t', `=${this.name}:`, ...keys);
  }

  /**
   * Ends the program as a closed terminal would (SIGHUP), and with SIGKILL if it is
   * still there after STOP_GRACE_MS; waits until it is gone.
   */
  async stop(): Promise<void> {
    if (!running.delete(this)) return;
    await this.watcher.close();
    await tmux(this.socket, 'kill-session', '-t', `=${this.name}`).catch(() => undefined);
    const deadline = Date.now() + STOP_GRACE_MS;
    while (isAlive(this.pid) && Date.now() < deadline) await timeout(EXIT_CHECK_MS);
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // Exited already: the usual case.
    }
    await waitForExit(this.pid);
  }

  /** Stops every pane still running (for afterAll: a failed test leaves its pane behind). */
  static async stopAll(): Promise<void> {
    for (const pane of [...running]) await pane.stop();
  }
}

/** Something appended to a file by another process: waited for on each append, never by sleeping. */
export class FileLines {
  private readonly changed = new Wakeable();
  private constructor(
    readonly path: string,
    private readonly stop: () => void,
  ) {}

  static async watch(path: string): Promise<FileLines> {
    await writeFile(path, '', { flag: 'a' });
    const watcher = watch(path);
    const lines = new FileLines(path, () => watcher.close());
    watcher.on('change', () => lines.changed.wake());
    return lines;
  }

  async until<T>(pick: (lines: string[]) => T | undefined, what: string): Promise<T> {
    return this.changed.until(
      async () => pick((await readFile(this.path, 'utf8')).split('\n').filter(Boolean)),
      () => `${this.path} never had ${what}`,
    );
  }

  close(): void {
    this.stop();
  }
}

/** Codex's conversation ids: its session files are $CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl. */
export async function codexSessionIds(at: AgentHome): Promise<string[]> {
  const { stdout } = await run('find', [join(at.home, '.codex', 'sessions'), '-name', 'rollout-*.jsonl']).catch(() => ({ stdout: '' }));
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((file) => /rollout-[\dT-]+-([0-9a-f-]{36})\.jsonl$/.exec(file)?.[1] ?? '')
    .filter(Boolean);
}
