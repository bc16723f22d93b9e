import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SessionCaptureRequest,
  SessionCreateRequest,
  SessionInterruptRequest,
  SessionKeysRequest,
  SessionSendRequest,
  type Session,
} from '../../shared/protocol/index.js';
import { expectError } from '../helpers/client.js';
import { useDaemon } from '../helpers/harness.js';
import { ReportServer } from '../helpers/reporter.js';

// A small message limit, to see limit_exceeded without sending megabytes.
const h = useDaemon({ config: 'limits:\n  messageBytes: 200000\n' });

/**
 * Strings that break naive tmux scripting: tmux syntax, shell syntax, key names,
 * control-mode lookalikes, quotes, Unicode of every width, control characters.
 */
const HOSTILE: [string, string][] = [
  ['semicolons', 'a;b; c ;'],
  ['a tmux format', '#{pane_id} #{session_name} #(echo pwned)'],
  ['shell expansions', '$HOME $(id) `id` ${PATH}'],
  ['single quotes', `it's 'quoted'`],
  ['double quotes', 'say "hi" and ""'],
  ['backslashes', 'C:\\path\\to \\n \\033[0m \\'],
  ['a tilde first', '~/project ~root'],
  ['key names as text', 'C-c Enter Escape M-x send-keys'],
  ['control-mode lines', '%end 1795246788 260 1'],
  ['a control-mode begin', '%begin 1 2 1'],
  ['braces and hashes', '{ } #{ # ## #!'],
  ['accents and CJK', 'é ñ ü 漢字 中文 한국어'],
  ['emoji', '😀 🎉 👍🏽'],
  ['a ZWJ sequence', 'dev: 👩‍💻'],
  ['right-to-left', 'שלום مرحبا'],
  ['surrounding spaces', '   padded   '],
  ['a long line', 'x'.repeat(3000)],
  ['newlines', 'line one\nline two\n\nline four'],
  ['CRLF and a lone CR', 'crlf\r\nand\rcr'],
  ['a tab', 'col1\tcol2'],
  ['an escape sequence', 'red: \u001b[31mRED\u001b[0m done'],
  ['a Ctrl-C character', 'before\u0003after'],
  ['a DEL', 'rub\u007fout'],
  ['everything at once', '#{x};$y `z`\n"é😀"\t%end 0 0 0\\'],
];

describe('session/send', () => {
  let reporter: ReportServer;
  let session: Session;
  let seen = 0;

  beforeAll(async () => {
    reporter = await ReportServer.start(h.dir);
    session = await h.client.request(SessionCreateRequest, { name: 'reporter', command: reporter.command(), size: { cols: 200, rows: 50 } });
    seen = (await reporter.next((r) => r.type === 'ready', 0)).index + 1;
  });
  afterAll(async () => {
    await reporter.close();
  });

  it.each(HOSTILE)('delivers %s exactly as sent', async (_what, text) => {
    await h.client.request(SessionSendRequest, { session: session.id, text });
    const { report, index } = await reporter.next((r) => r.type === 'line', seen);
    seen = index + 1;
    expect(report).toEqual({ type: 'line', text });
  });

  it.each(HOSTILE.filter(([, text]) => !/[\p{Cc}\u200d]/u.test(text) && text.length < 150 && text.trim() === text))(
    'shows %s on the screen unchanged',
    async (_what, text) => {
      const marker = `<<${seen}>>`;
      await h.client.request(SessionSendRequest, { session: session.id, text: `${marker}${text}` });
      seen = (await reporter.next((r) => r.type === 'line', seen)).index + 1;
      const screen = await h.waitForScreen(session, (s) => s.includes(`> ${marker}`));
      expect(screen.split('\n')).toContain(`> ${marker}${text}`);
    },
  );

  it('types without Enter when submit is false, and two sends arrive in order', async () => {
    await h.client.request(SessionSendRequest, { session: session.id, text: 'first half, ', submit: false });
    await Promise.all([
      h.client.request(SessionSendRequest, { session: session.id, text: 'second half', submit: false }),
      h.client.request(SessionSendRequest, { session: session.id, text: ' + pasted\nbit', submit: false }),
      h.client.request(SessionSendRequest, { session: session.id, text: '' }),
    ]);
    const { report, index } = await reporter.next((r) => r.type === 'line', seen);
    seen = index + 1;
    expect(report).toEqual({ type: 'line', text: 'first half, second half + pasted\nbit' });
  });

  it('delivers a 150 kB message whole', async () => {
    const text = Array.from({ length: 2700 }, (_, i) => `line ${i} ${'é😀'.repeat(10)}`).join('\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(150_000);
    const message = await h.client.request(SessionSendRequest, { session: session.id, text });
    expect(message).toMatchObject({ status: 'delivered', when: 'now', submit: true, sessionId: session.id, text });
    const { report, index } = await reporter.next((r) => r.type === 'line', seen);
    seen = index + 1;
    expect(report).toEqual({ type: 'line', text });
  });

  it('refuses text over the message limit with limit_exceeded, and text with NUL', async () => {
    const e = await expectError(h.client.request(SessionSendRequest, { session: session.id, text: 'x'.repeat(200_001) }), -32007, 'limit_exceeded');
    expect(e.data).toMatchObject({ limit: 'message bytes', max: 200_000, actual: 200_001 });
    const nul = await expectError(h.client.request(SessionSendRequest, { session: session.id, text: 'a\u0000b' }), -32602, 'invalid_params');
    expect(nul.data).toMatchObject({ field: 'text' });
    await expectError(h.client.raw('session/send', { session: session.id, text: '\ud800' }), -32602, 'invalid_params');
    await expectError(h.client.request(SessionSendRequest, { session: session.id, text: 'x'.repeat(200_001), when: 'idle' }), -32007, 'limit_exceeded');
    const expiry = await expectError(h.client.request(SessionSendRequest, { session: session.id, text: 'x', expiresInMs: 10 }), -32602, 'invalid_params');
    expect(expiry.data).toMatchObject({ field: 'expiresInMs' });
  });

  it('sends key names as keys and refuses unknown ones', async () => {
    await h.client.request(SessionKeysRequest, { session: session.id, keys: ['a', 'b', 'Left', 'BSpace', 'Enter'] });
    const { report, index } = await reporter.next((r) => r.type === 'line', seen);
    seen = index + 1;
    // Left is an escape sequence; BSpace is DEL; the reporter keeps both as bytes.
    expect(report).toEqual({ type: 'line', text: 'ab\u001b[D\u007f' });
    const e = await expectError(h.client.request(SessionKeysRequest, { session: session.id, keys: ['Enter', 'Entr'] }), -32602, 'invalid_params');
    expect(e.data).toMatchObject({ field: 'keys[1]' });
  });

  it('interrupts with Ctrl-C, by session/interrupt and by keys', async () => {
    await h.client.request(SessionInterruptRequest, { session: session.id });
    seen = (await reporter.next((r) => r.type === 'interrupt', seen)).index + 1;
    await h.client.request(SessionKeysRequest, { session: session.id, keys: ['C-c'] });
    seen = (await reporter.next((r) => r.type === 'interrupt', seen)).index + 1;
  });
});

describe('session/capture', () => {
  it('returns the screen, the cursor, a number of lines from history, and colours on request', async () => {
    const s = await h.createShell({ name: 'cap', size: { cols: 80, rows: 10 } });
    await h.client.request(SessionSendRequest, { session: s.id, text: "for i in $(seq 1 30); do echo row-$i; done; printf '\\033[31mred\\033[0m\\n'" });
    await h.waitForScreen(s, (screen) => screen.includes('red\n$'));
    const screen = await h.client.request(SessionCaptureRequest, { session: s.id });
    expect(screen.text.split('\n')).toHaveLength(10);
    expect(screen.text).not.toContain('row-1\n');
    expect(screen.cursor).toEqual({ x: 2, y: 9 });
    const last = await h.client.request(SessionCaptureRequest, { session: s.id, lines: 25 });
    const lines = last.text.split('\n');
    expect(lines).toHaveLength(25);
    expect(lines.at(-1)).toBe('$');
    expect(lines.at(-2)).toBe('red');
    expect(lines).toContain('row-10');
    const ansi = await h.client.request(SessionCaptureRequest, { session: s.id, ansi: true });
    expect(ansi.text).toContain('\u001b[31mred');
    expect(screen.text).not.toContain('\u001b');
  });

  it('refuses a session that has no screen', async () => {
    await h.client.request(SessionCreateRequest, { name: 'noscreen', command: ['true'], start: false });
    const e = await expectError(h.client.request(SessionCaptureRequest, { session: 'noscreen' }), -32003, 'invalid_state');
    expect(e.data).toMatchObject({ status: 'created', action: 'capture' });
  });
});
