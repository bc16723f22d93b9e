/**
 * The contract between sessd's domain and whatever runs the programs. The tmux
 * backend is the reference implementation; a Kubernetes one would implement the
 * same roles. The domain depends on the narrow role it needs, not on the whole.
 */
import type { TerminalSize } from '../../shared/protocol/model.js';
import type { ResourceLimits } from '../../shared/protocol/resources.js';

/** What to run: one backend session per sessd session, named by the session id. */
export interface SpawnSpec {
  name: string;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  size: TerminalSize;
  /** A human title (the tmux window name). */
  title: string;
  /** A file shown in the terminal before the program starts (and then removed): a restored session's scrollback. */
  preface?: string;
  /** Resource limits to run the program under (already checked against the backend's capabilities). */
  limits?: ResourceLimits;
}

export interface RuntimeInfo {
  paneId: string;
  /** The process tmux started for the pane (sessd-pane). */
  panePid: number;
  /** The program itself. */
  pid: number;
  /**
   * Set when the program could not be started (the exec's errno name, e.g. `ENOENT`);
   * the pane then ends at once, with status 127 or 126.
   */
  execError?: string;
}

/** A backend session as the backend sees it now. */
export interface BackendSessionState {
  name: string;
  paneId: string | null;
  /** The process tmux started for the pane. */
  panePid: number | null;
  /** The program ended and its screen is kept. */
  dead: boolean;
  exitCode: number | null;
  exitSignal: string | null;
  createdAt: string | null;
  /** Whether the pane's output is piped to a capture, when the listing asked (`list`). */
  piped?: boolean;
}

export interface CaptureOptions {
  lines?: number | undefined;
  ansi?: boolean | undefined;
  /** The whole history above the screen too. */
  history?: boolean | undefined;
  /** Screen rows as they are, wrapped lines not joined (so `cursor.y` indexes them). */
  rows?: boolean | undefined;
}

export interface CaptureResult {
  text: string;
  cursor: { x: number; y: number };
}

export type BackendEvent =
  /** A program ended; its screen is kept. */
  | { type: 'exited'; name: string; panePid: number | null; exitCode: number | null; exitSignal: string | null }
  /** Backend sessions appeared or disappeared; compare with `list()`. */
  | { type: 'sessions-changed' }
  /** The backend is reachable again (or for the first time); state may have changed meanwhile. */
  | { type: 'connected' }
  /** The backend became unreachable; calls fail with `BackendUnavailable` until `connected`. */
  | { type: 'disconnected'; reason: string };

export interface ProviderStatus {
  name: string;
  available: boolean;
  version: string | null;
  reason: string | null;
  serverPid: number | null;
  capabilities: string[];
}

/** Raised by every backend call while the backend cannot be reached. */
export class BackendUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BackendUnavailable';
  }
}

/** The backend did not answer in time; the call's effect is unknown. */
export class BackendTimeout extends Error {
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
    this.name = 'BackendTimeout';
  }
}

/** The backend session (or the pane of its program) does not exist. */
export class BackendSessionMissing extends Error {
  constructor(readonly sessionName: string) {
    super(`no backend session ${sessionName}`);
    this.name = 'BackendSessionMissing';
  }
}

/** A program to run in a terminal that shows a backend session (a `tmux attach` client). */
export interface AttachCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** Showing a backend session in a terminal of the caller's own (an editor's, through sessd). */
export interface SessionAttacher {
  /** `readOnly`: the client cannot type, and its size never resizes the session. */
  attachCommand(name: string, readOnly: boolean): AttachCommand;
}

/**
 * Where sessions' programs run (tmux is the reference implementation): starting,
 * stopping and enumerating programs, watching them and reading their screens, typing
 * into them, and showing them in a caller's terminal (SessionAttacher).
 */
export interface SessionBackend extends SessionAttacher {
  readonly name: string;
  /** Connects; resolves once the first connection attempt has succeeded or failed. */
  start(): Promise<void>;
  status(): ProviderStatus;
  /** Names of backend sessions that belong to the backend itself, never reported as unmanaged. */
  isInternal(name: string): boolean;
  /** Disconnects without touching any session. */
  dispose(): Promise<void>;

  spawn(spec: SpawnSpec): Promise<RuntimeInfo>;
  /** True when `spawn` reports a program that cannot run (`execError`), so no PATH search is needed first. */
  readonly checksPrograms?: boolean;
  /** Runs the program again in an existing backend session whose program ended. */
  respawn(spec: SpawnSpec): Promise<RuntimeInfo>;
  /** Removes the backend session; no error when it is already gone. */
  destroy(name: string): Promise<void>;
  /** Sends the signals, in order, to every process group of the program's terminal session. */
  signal(name: string, signals: readonly NodeJS.Signals[]): Promise<void>;
  list(): Promise<BackendSessionState[]>;

  onEvent(listener: (event: BackendEvent) => void): () => void;
  /**
   * Makes sure the program's output streams to sessd's transcripts (after sessd
   * restarted, say); `piped`: what a listing just said about it, saving a question.
   */
  ensureCapture(name: string, piped?: boolean): Promise<void>;
  /** Starts a new capture of the program's output, replacing one that died. */
  restartCapture(name: string): Promise<void>;
  state(name: string): Promise<BackendSessionState | null>;
  capture(name: string, options: CaptureOptions): Promise<CaptureResult>;

  /**
   * Types `text` literally; `submit` presses Enter after it. `paste`: as one paste
   * (bracketed when the program asked for it) however short it is.
   */
  sendText(name: string, text: string, submit: boolean, options?: { paste?: boolean }): Promise<void>;
  /** Sends key names (already validated). */
  sendKeys(name: string, keys: readonly string[]): Promise<void>;
}
