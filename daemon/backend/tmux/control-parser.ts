/**
 * A pure parser for tmux control mode (`tmux -C`) output.
 *
 * tmux answers each command line with one block: `%begin <time> <number> <flags>`,
 * the output lines, then `%end` or `%error` with the same three fields. Outside
 * blocks it writes notifications (`%sessions-changed`, `%exit reason`, ...), never
 * inside one. A block closes only on an `%end`/`%error` line whose time and number
 * equal its `%begin`'s, so a program that prints `%end ...` into a captured pane
 * cannot cut a reply short.
 */

export interface ControlReply {
  kind: 'reply';
  time: number;
  number: number;
  /** 1 for commands read from the client's stdin; 0 for the command on tmux's argv. */
  flags: number;
  ok: boolean;
  lines: string[];
}

export interface ControlNotification {
  kind: 'notification';
  /** Without the leading `%`, e.g. `sessions-changed`. */
  name: string;
  /** The rest of the line after the name and one space (may be empty). */
  args: string;
}

export type ControlMessage = ControlReply | ControlNotification;

const BEGIN = /^%begin (\d+) (\d+) (\d+)$/;
const END = /^%(end|error) (\d+) (\d+) (\d+)$/;
const NOTIFICATION = /^%([a-z-]+)(?: (.*))?$/;

interface OpenBlock {
  time: string;
  number: string;
  flags: string;
  lines: string[];
}

export class ControlParser {
  private partial = '';
  private block: OpenBlock | undefined;

  /** Feeds decoded text; returns every message completed by it. */
  feed(text: string): ControlMessage[] {
    const out: ControlMessage[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = this.partial + text.slice(start, nl);
      this.partial = '';
      start = nl + 1;
      const message = this.line(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (message !== undefined) out.push(message);
    }
    this.partial += text.slice(start);
    return out;
  }

  /** True while a reply block is open (output lines are being collected). */
  get inBlock(): boolean {
    return this.block !== undefined;
  }

  private line(line: string): ControlMessage | undefined {
    const block = this.block;
    if (block !== undefined) {
      const end = END.exec(line);
      if (end !== null && end[2] === block.time && end[3] === block.number) {
        this.block = undefined;
        return {
          kind: 'reply',
          time: Number(block.time),
          number: Number(block.number),
          flags: Number(end[4]),
          ok: end[1] === 'end',
          lines: block.lines,
        };
      }
      block.lines.push(line);
      return undefined;
    }
    const begin = BEGIN.exec(line);
    if (begin !== null) {
      this.block = { time: begin[1]!, number: begin[2]!, flags: begin[3]!, lines: [] };
      return undefined;
    }
    const notification = NOTIFICATION.exec(line);
    if (notification !== null) {
      return { kind: 'notification', name: notification[1]!, args: notification[2] ?? '' };
    }
    // Outside a block tmux writes only notifications; anything else (an empty line
    // after %exit, say) carries no meaning, so it is dropped.
    return undefined;
  }
}
