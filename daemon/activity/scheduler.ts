/** Output that pauses this long has settled: the screen is read. */
export const SETTLE_MS = 30;
/** Output that never pauses is read at least this often. */
export const STREAM_READ_MS = 150;

/** Why the screen is read. */
export interface ReadCause {
  /** Output arrived since the last reading. */
  printed: boolean;
  /** The quiet timer fired. */
  quiet: boolean;
}

/**
 * When one session's screen is read: SETTLE_MS after its output pauses, at least
 * every STREAM_READ_MS while it streams, and when the quiet timer fires. One reading
 * at a time: one asked for meanwhile is scheduled once the current one ends. No timer
 * runs for a session that prints nothing, but the quiet one.
 */
export class ReadScheduler {
  private settle: NodeJS.Timeout | undefined;
  private stream: NodeJS.Timeout | undefined;
  private quiet: NodeJS.Timeout | undefined;
  private printed: boolean;
  /** `again`: a reading was asked for while one ran. */
  private run: 'waiting' | 'reading' | 'again' | 'disposed' = 'waiting';

  constructor(
    /** Reads the screen; never rejects. */
    private readonly read: (cause: ReadCause) => Promise<void>,
    /** Whether the screen may be read now (not while a restored session's preface is shown). */
    private readonly readable: () => boolean,
    /** Output already came that no reading has seen (a program that was running before tracking). */
    printed: boolean,
  ) {
    this.printed = printed;
  }

  /** Output arrived: the screen is read once it settles. */
  output(): void {
    this.printed = true;
    this.soon();
  }

  /** Reads the screen once output settles, or STREAM_READ_MS after it began streaming; `laterMs` later still. */
  soon(laterMs = 0): void {
    if (!this.readable()) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => this.fire(false), SETTLE_MS + laterMs);
    this.stream ??= setTimeout(() => this.fire(false), STREAM_READ_MS + laterMs);
  }

  get quietArmed(): boolean {
    return this.quiet !== undefined;
  }

  /** Reads the screen (as the quiet timer's reading) `ms` from now, unless restarted or cleared meanwhile. */
  armQuiet(ms: number): void {
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      this.fire(true);
    }, ms);
  }

  clearQuiet(): void {
    clearTimeout(this.quiet);
    this.quiet = undefined;
  }

  dispose(): void {
    this.run = 'disposed';
    clearTimeout(this.settle);
    clearTimeout(this.stream);
    clearTimeout(this.quiet);
  }

  private fire(quiet: boolean): void {
    clearTimeout(this.settle);
    clearTimeout(this.stream);
    this.settle = this.stream = undefined;
    if (this.run === 'disposed' || !this.readable()) return;
    if (this.run !== 'waiting') {
      this.run = 'again';
      return;
    }
    this.run = 'reading';
    const printed = this.printed;
    this.printed = false;
    void this.read({ printed, quiet }).finally(() => {
      if (this.run === 'disposed') return;
      const again = this.run === 'again';
      this.run = 'waiting';
      if (again) this.soon();
    });
  }
}
