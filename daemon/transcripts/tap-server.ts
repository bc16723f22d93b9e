import type { Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { listenUnix } from '../rpc/listener.js';
import type { TranscriptService } from './service.js';
import { TapRestarts, type TapPanes } from './tap-restarts.js';

/** A header line longer than this is not a tap. */
const MAX_HEADER = 512;
/** A data frame longer than this is not from sessd-tap (it sends at most 512 KiB). */
const MAX_FRAME = 1024 * 1024;
const DATA_HEADER = 5;
const GAP_FRAME = 9;

const HEADER = /^sessd-tap 2 (\S+) (\d+) (\S+) (\d+) (\d+)$/;

/**
 * The tap socket: sessd-tap processes (one per pane, run by tmux's pipe-pane) connect
 * here and stream the pane's output. sessd tells each where to resume and
 * acknowledges what is stored, so a tap resends whatever a killed daemon had not
 * stored. See sessd-tap.c for the wire format.
 */
interface Stream {
  session: string;
  tap: string;
  panePid: number;
}
type Streams = Map<Socket, Stream | undefined>;

/** Tap connections sessd itself ended (refused, or at close): their taps did not die. */
const endedBySessd = new WeakSet<Socket>();

export class TapServer {
  private readonly stopAcks: () => void;

  private constructor(
    private readonly server: Server,
    readonly path: string,
    transcripts: TranscriptService,
    /** Each connected tap, with its stream once its header is read. */
    private readonly taps: Streams,
    private readonly restarts: TapRestarts | null,
  ) {
    this.stopAcks = transcripts.taps.onStored((session, tap, offset) => {
      for (const [socket, stream] of this.taps) {
        if (stream?.session === session && stream.tap === tap) socket.write(frame(0x41 /* A */, offset));
      }
    });
  }

  /** `panes`: where a tap that dies is restarted (null: it is not). */
  static async listen(path: string, transcripts: TranscriptService, isSession: (id: string) => boolean, log: Logger, panes: TapPanes | null = null): Promise<TapServer> {
    const taps: Streams = new Map();
    const restarts = panes === null ? null : new TapRestarts(panes, transcripts, log);
    const server = await listenUnix(path, (socket) => {
      taps.set(socket, undefined);
      socket.once('close', () => {
        const stream = taps.get(socket);
        taps.delete(socket);
        // Closed by the tap's end, not by sessd (a refusal or close() destroys it first).
        if (stream !== undefined && !endedBySessd.has(socket)) restarts?.lost(stream.session, stream.tap, stream.panePid);
      });
      readTap(socket, transcripts, isSession, log, (stream) => taps.set(socket, stream));
    });
    return new TapServer(server, path, transcripts, taps, restarts);
  }

  async close(): Promise<void> {
    this.stopAcks();
    this.restarts?.dispose();
    for (const socket of this.taps.keys()) {
      endedBySessd.add(socket);
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function frame(type: number, offset: number): Buffer {
  const out = Buffer.alloc(9);
  out[0] = type;
  out.writeBigUInt64BE(BigInt(offset), 1);
  return out;
}

function readTap(
  socket: Socket,
  transcripts: TranscriptService,
  isSession: (id: string) => boolean,
  log: Logger,
  identified: (stream: Stream) => void,
): void {
  /** What arrived and is not parsed yet, in pieces: joined once a whole frame is there, not per read. */
  let parts: Buffer[] = [];
  let size = 0;
  /** Bytes needed before parsing is worth trying again (the frame in progress, whole). */
  let need = 1;
  let stream: Stream | undefined;
  /** Offset in the tap's stream of the first unparsed byte. */
  let offset = 0;
  const refuse = (why: string): void => {
    log.warn({ why }, 'refused a tap connection');
    endedBySessd.add(socket);
    socket.destroy();
  };
  // A tap whose connection breaks reconnects and resends from where this daemon stands.
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    parts.push(chunk);
    size += chunk.length;
    if (size < need) return;
    let buffer = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    need = 1;
    const keep = (rest: Buffer, whole: number): void => {
      if (rest.length > 0) parts.push(rest);
      size = rest.length;
      need = whole;
    };
    if (stream === undefined) {
      const nl = buffer.indexOf(10);
      if (nl === -1) {
        if (buffer.length > MAX_HEADER) return refuse('header too long');
        return keep(buffer, buffer.length + 1);
      }
      const match = HEADER.exec(buffer.subarray(0, nl).toString('latin1'));
      buffer = buffer.subarray(nl + 1);
      if (match === null) return refuse('not a sessd-tap header');
      const [, session, panePid, tap, base, end] = match as unknown as [string, string, string, string, string, string];
      if (!isSession(session)) return refuse(`no session ${session}`);
      stream = { session, tap, panePid: Number(panePid) };
      offset = transcripts.tapResume(session, tap, Number(base), Number(end));
      identified(stream);
      log.debug({ session, tap, base: Number(base), end: Number(end), resume: offset }, 'tap connected');
      socket.write(frame(0x52 /* R */, offset));
    }
    const { session, tap } = stream;
    // Consecutive data frames go to the transcript as one append: one notice to its listeners per read, not per frame.
    let data: Buffer[] = [];
    const append = (): void => {
      if (data.length === 0) return;
      transcripts.append(session, data.length === 1 ? data[0]! : Buffer.concat(data), { tap, offset });
      data = [];
    };
    while (buffer.length > 0) {
      const type = buffer[0];
      if (type === 0x44 /* D */) {
        if (buffer.length < DATA_HEADER) break;
        const length = buffer.readUInt32BE(1);
        if (length > MAX_FRAME) {
          append();
          return refuse('frame too long');
        }
        if (buffer.length < DATA_HEADER + length) {
          append();
          return keep(buffer, DATA_HEADER + length);
        }
        offset += DATA_HEADER + length;
        data.push(buffer.subarray(DATA_HEADER, DATA_HEADER + length));
        buffer = buffer.subarray(DATA_HEADER + length);
      } else if (type === 0x47 /* G */) {
        if (buffer.length < GAP_FRAME) break;
        append();
        offset += GAP_FRAME;
        transcripts.gap(session, Number(buffer.readBigUInt64BE(1)), 'tap', { tap, offset });
        buffer = buffer.subarray(GAP_FRAME);
      } else {
        append();
        return refuse('unknown frame');
      }
    }
    append();
    keep(buffer, buffer.length + 1);
  });
}
