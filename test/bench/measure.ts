import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { guard, REPO } from './env.js';

const run = promisify(execFile);

/** How long `fn` took, in ms. */
export async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * `rounds` rounds of `a` then `b` (ABAB...), each returning the ms it measured, so
 * that a noisy machine slows both sides alike. The first `warmup` rounds are run and
 * dropped (first calls pay for JIT and caches on both sides).
 */
export async function abab(
  rounds: number,
  a: (round: number) => Promise<number>,
  b: (round: number) => Promise<number>,
  warmup = 0,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < warmup + rounds; i++) {
    const ta = await a(i);
    const tb = await b(i);
    if (i >= warmup) {
      out.a.push(ta);
      out.b.push(tb);
    }
  }
  return out;
}

/** Runs one tmux command as its own process against the server at `socket`, as a script would; its stdout. */
export async function tmux(socket: string, args: string[]): Promise<string> {
  const { stdout } = await run('tmux', ['-S', socket, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Runs `argv` to completion; rejects unless it exits 0. */
export async function exec(argv: string[]): Promise<void> {
  await run(argv[0]!, argv.slice(1), { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
}

/** A process's resident memory, in MiB (VmRSS of /proc/PID/status). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (kib === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib[1]) / 1024;
}

/** CPU time a process has used so far (user + system), in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / (await clockTicks());
}

let ticks: number | undefined;
async function clockTicks(): Promise<number> {
  ticks ??= Number((await run('getconf', ['CLK_TCK'])).stdout.trim());
  return ticks;
}

/**
 * The RPC baseline: a bare vscode-jsonrpc server on a Unix socket, in its own node
 * process (as sessd is), answering `echo` with its params and doing nothing else.
 */
const ECHO_SERVER = `
const { createMessageConnection, SocketMessageReader, SocketMessageWriter } = require('vscode-jsonrpc/node');
const server = require('node:net').createServer((socket) => {
  const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  connection.onRequest('echo', (params) => params);
  socket.on('close', () => connection.dispose());
  connection.listen();
});
server.listen(process.argv[1], () => process.stdout.write('listening\\n'));
`;

export async function startEchoServer(socket: string): Promise<{ close: () => Promise<void> }> {
  const proc: ChildProcess = spawn(process.execPath, ['-e', ECHO_SERVER, socket], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  await guard(
    new Promise<void>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (line === 'listening') resolve();
      });
      proc.once('exit', (code) => reject(new Error(`the echo server exited (${code}) before it listened`)));
    }),
    'the echo server to listen',
  );
  return {
    close: async () => {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
