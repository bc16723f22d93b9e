import { DaemonUnreachableError, HostUnreachableError, SessdError, UnsafeSocketError } from '../sdk/errors.js';
import { UsageError } from './args.js';
import type { Output } from './output.js';

/** Exit codes: what a script can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, notFound: 4, timeout: 5 } as const;

/** One failure, as a person reads it (and as JSON with --json), and its exit code. */
export function report(error: unknown, out: Output, json: boolean): number {
  const { code, message } = describe(error);
  if (json && error instanceof SessdError) out.error(JSON.stringify({ error: { code: error.code, message: error.message, data: error.data } }));
  else out.error(`sess: ${message}`);
  return code;
}

/** Protocol fields whose option is spelled otherwise, as a person typed them. */
const FLAGS: Record<string, string> = {
  olderThan: '--older-than',
  expiresInMs: '--expires',
  timeoutMs: '--timeout',
  restartPolicy: '--restart',
  taskId: '--task',
  agentId: '--agent-id',
  sessionType: '--type',
  resumePrompt: '--resume-prompt',
};

/** `invalid params: olderThan: must be a duration` is `invalid params: --older-than: must be a duration`. */
function userWords(message: string): string {
  return message.replace(/\b(\w+)(?=(\.\w+)*: )/g, (word) => FLAGS[word] ?? word);
}

/** Where to get sessd, for a machine that has none. */
const INSTALL_HINT =
  'install sessd there (a checkout of sessd: `npm run setup`, then `npm link`, so that `sess` is on the PATH of the shell ssh runs commands in), or name its sess in the config file (hosts: {NAME: {ssh: HOST, sess: /path/to/sess}})';

/** What went wrong, as a person reads it, and the exit code it earns. */
export function describe(error: unknown): { code: number; message: string } {
  if (error instanceof HostUnreachableError) {
    if (error.reason === 'ssh') return { code: EXIT.unreachable, message: `cannot reach ${error.host}: ${error.detail}` };
    if (error.reason === 'no-sess') return { code: EXIT.unreachable, message: `${error.host} has no sess to run (${error.detail}): ${INSTALL_HINT}` };
    return { code: EXIT.unreachable, message: `sessd on ${error.host} could not be reached: ${error.detail}` };
  }
  if (error instanceof UsageError) {
    const help = error.command === undefined ? 'sess --help' : `sess ${error.command} --help`;
    return { code: EXIT.usage, message: `${error.message} (see ${help})` };
  }
  if (error instanceof UnsafeSocketError) {
    const fix =
      error.problem.kind === 'mode'
        ? `run chmod 700 ${error.directory} if it is yours`
        : `remove ${error.directory} if it is not yours, or point XDG_RUNTIME_DIR or --socket at a directory only you can enter`;
    return {
      code: EXIT.unreachable,
      message: `not connecting to ${error.socket}: ${error.problem.message}, so another user could be listening there (unsafe permissions). To fix it, ${fix}.`,
    };
  }
  if (error instanceof DaemonUnreachableError && error.stage === 'handshake') {
    return {
      code: EXIT.unreachable,
      message: `sessd did not accept the connection on ${error.socket} (${error.reason}). It may have run out of file descriptors, or it may not be sessd: see its log (sessd.log in the state directory, or journalctl --user -u sessd).`,
    };
  }
  if (error instanceof DaemonUnreachableError) {
    return {
      code: EXIT.unreachable,
      message: `sessd is not running (no answer on ${error.socket}: ${error.reason}). Start it with \`sess daemon start\` (or run \`sessd\`), or leave out --no-autostart.`,
    };
  }
  if (error instanceof SessdError) {
    if (error.kind === 'protocol_mismatch' && error.host !== undefined) {
      return { code: EXIT.failed, message: `sessd on ${error.host} refused this sess: ${error.message}. Use a sess and a sessd of the same release on both machines.` };
    }
    if (error.kind === 'protocol_mismatch') {
      return { code: EXIT.failed, message: `sessd refused this sess: ${error.message}. Use a sess and a sessd of the same release.` };
    }
    if (error.unsupported) return { code: EXIT.failed, message: `this sessd does not support ${error.method}; upgrade it` };
    if (error.kind === 'checkpoint_not_found') return { code: EXIT.notFound, message: `${error.message} (list them with \`sess checkpoints\`, save one with \`sess checkpoint\`)` };
    if (error.notFound) return { code: EXIT.notFound, message: error.message };
    if (error.kind === 'invalid_params') return { code: EXIT.usage, message: userWords(error.message) };
    return { code: EXIT.failed, message: `${error.message} (${error.kind})` };
  }
  return { code: EXIT.failed, message: error instanceof Error ? error.message : String(error) };
}
