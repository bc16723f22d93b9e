import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { ControlParser, type ControlMessage, type ControlNotification } from './control-parser.js';
import { commandLine } from './quote.js';

/** How long `close()` waits for the tmux client to exit after its stdin ends before killing it. */
const CLOSE_GRACE_MS = 2_000;
/** How long the initial attach may take before the start is abandoned (a wedged server). */
const START_TIMEOUT_MS = 10_000;

/** A command that tmux answered with `%error`. */
export class TmuxCommandError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(output === '' ? `tmux refused: ${command}` : output);
    this.name = 'TmuxCommandError';
  }
}

/** tmux did not answer a command in time (a wedged or stopped server). */
export class TmuxTimeout extends Error {
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`tmux did not answer within ${timeoutMs} ms: ${command}`);
    this.name = 'TmuxTimeout';
  }
}

/** The control client went away; every call pending on it is rejected with this. */
export class ControlClientClosed extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ControlClientClosed';
  }
}

export interface ControlClientOptions {
  tmux: string;
  /** Arguments before `-C`, e.g. `['-S', socket, '-f', conf]`. */
  globalArgs: string[];
  /** The command tmux runs on start; it must leave the client attached to a session. */
  attach: string[];
  env: NodeJS.ProcessEnv;
  /** How long a command may wait for its reply before it is rejected with TmuxTimeout. */
  commandTimeoutMs: number;
}

interface Pending {
  line: string;
  resolve: (lines: string[]) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * One persistent `tmux -C` client: commands are queued and written one per line
 * (a `;` list would produce a variable number of reply blocks), and replies are
 * matched to them in order. When the process ends, every pending call is rejected
 * with the cause and `onClose` fires once.
 */
export class ControlClient {
  private readonly pending: Pending[] = [];
  private readonly parser = new ControlParser();
  private readonly decoder = new StringDecoder('utf8');
  private readonly notificationListeners = new Set<(n: ControlNotification) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private stderr = '';
  private exitReason: string | undefined;
  private closed = false;
  /** Writes are being gathered for one write at the end of this turn. */
  private corked = false;
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly commandTimeoutMs: number,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdout.on('data', (chunk: Buffer) => this.onData(this.decoder.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => {
      // Only the tail is kept: it is used to explain an exit.
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2_000);
    });
    // EPIPE when tmux went away before reading a command: the close handler reports it.
    child.stdin.on('error', () => undefined);
    child.once('error', (error) => this.finish(`cannot run tmux: ${error.message}`));
    child.once('close', (code, signal) => {
      const why = this.exitReason ?? (this.stderr.trim() || `tmux client exited (${signal ?? `code ${code}`})`);
      this.finish(why);
    });
  }

  /** Spawns the client and resolves once tmux has answered its start-up command. */
  static start(options: ControlClientOptions): Promise<ControlClient> {
    const child = spawn(options.tmux, [...options.globalArgs, '-C', ...options.attach], {
      env: options.env,
      // fd 3 is /dev/null in tmux: under socket activation sessd's listening socket is
      // fd 3, inherited (not close-on-exec) by whatever it starts, and through the tmux
      // server this client may fork, by every session's program.
      stdio: ['pipe', 'pipe', 'pipe', 'ignore'],
    }) as ChildProcessWithoutNullStreams; // stdin, stdout and stderr are pipes
    const client = new ControlClient(child, options.commandTimeoutMs);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void client.close();
        reject(new ControlClientClosed(`tmux did not answer within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      // The start-up command's reply is the first block (flags 0); park a pending entry for it.
      client.pending.push({
        line: options.attach.join(' '),
        resolve: () => {
          clearTimeout(timer);
          resolve(client);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs one tmux command (argv, quoted here) and resolves with its output lines. */
  run(argv: readonly string[]): Promise<string[]> {
    return this.send(commandLine(argv));
  }

  /** Runs one already-quoted command line. */
  send(line: string): Promise<string[]> {
    if (this.closed) return Promise.reject(new ControlClientClosed(this.exitReason ?? 'tmux control client closed'));
    if (line.includes('\n')) return Promise.reject(new Error('a tmux command line cannot contain a newline'));
    return new Promise((resolve, reject) => {
      const entry: Pending = { line, resolve, reject };
      // A late reply still arrives in order, so the entry stays queued to consume it;
      // only its caller stops waiting.
      entry.timer = setTimeout(() => {
        entry.resolve = entry.reject = () => undefined;
        reject(new TmuxTimeout(line, this.commandTimeoutMs));
      }, this.commandTimeoutMs);
      this.pending.push(entry);
      if (process.env.SESSD_TRACE_TMUX) process.stderr.write('TMUX> ' + line + '\n');
      this.write(line + '\n');
    });
  }

  /**
   * Commands sent in one turn of the event loop go to tmux in one write, so tmux reads
   * them together and runs them before it reads any pane again: a pipe-pane sent with
   * the new-session that makes the pane sees the pane's first byte.
   */
  private write(text: string): void {
    const stdin = this.child.stdin;
    if (!this.corked) {
      this.corked = true;
      stdin.cork();
      setImmediate(() => {
        this.corked = false;
        stdin.uncork();
      });
    }
    stdin.write(text);
  }

  onNotification(listener: (n: ControlNotification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Detaches: ends stdin (tmux exits the client, sessions stay), kills it if it lingers. */
  async close(): Promise<void> {
    if (!this.closed) this.exitReason ??= 'tmux control client closed';
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private onData(text: string): void {
    for (const message of this.parser.feed(text)) this.dispatch(message);
  }

  private dispatch(message: ControlMessage): void {
    if (message.kind === 'notification') {
      if (message.name === 'exit') this.exitReason = message.args || 'tmux control client exited';
      for (const listener of this.notificationListeners) listener(message);
      return;
    }
    const pending = this.pending.shift();
    if (pending === undefined) {
      // A reply nobody waits for breaks the one-command-per-line rule: the pairing of
      // replies can no longer be trusted, so this client is dropped (and restarted).
      this.finish('tmux sent a reply to no command');
      this.child.kill('SIGKILL');
      return;
    }
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.lines);
    else pending.reject(new TmuxCommandError(pending.line, message.lines.join('\n')));
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.exitReason = reason;
    const error = new ControlClientClosed(reason);
    for (const pending of this.pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
    this.notificationListeners.clear();
  }
}
