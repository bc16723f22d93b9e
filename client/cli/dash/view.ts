import type { Interaction, Session } from '../../../shared/protocol/model.js';
import { age } from '../output.js';
import { keyParts, refOf, rows, selectedIndex, type DashState } from './state.js';

/** What the bottom line asks for, or an overlay. */
export type Mode = { kind: 'list' } | { kind: 'help' } | { kind: 'input'; label: string; value: string } | { kind: 'confirm'; label: string };

/** Styles, as SGR parameters; colours only where NO_COLOR is unset. */
export interface Styles {
  color: boolean;
}

const KEYS = 'enter attach  a approve  d deny  1-9 answer  s send  i interrupt  n new  x stop  / filter  ? help  q quit';

const HELP = [
  'sess dash: every session, live; the ones waiting for you first.',
  '',
  '  up/down, j/k, PgUp/PgDn   select a session',
  '  Enter     attach to it (detach with Ctrl-b d to come back here)',
  '  a / d     approve / deny its open approval',
  '  1..9      answer its open question with that choice',
  '  s         send it a message now;  S  queue one for when it is idle',
  '  i         interrupt it (Ctrl-C)',
  '  n         new session: TEMPLATE [NAME] (or a command line after !)',
  '  x         stop it (asks first)',
  '  /         filter by name, space, status, agent, label or host (Esc clears)',
  '  ?         this help;  q  quit',
  '',
  'Press any key to go back.',
];

/** Display width of one code point (wide East Asian and emoji take two cells). */
function cellWidth(cp: number): number {
  if (cp < 0x1100) return 1;
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)
    ? 2
    : 1;
}

/** `text` without control characters, cut or padded to exactly `width` cells. */
export function fit(text: string, width: number): string {
  let out = '';
  let used = 0;
  for (const ch of text.replace(/\p{Cc}/gu, ' ')) {
    const w = cellWidth(ch.codePointAt(0)!);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out + ' '.repeat(Math.max(0, width - used));
}

function sgr(codes: string, text: string): string {
  return codes === '' ? text : `\x1b[${codes}m${text}\x1b[0m`;
}

function stateText(s: Session): string {
  return s.status === 'running' ? s.activity : s.exitCode !== null && s.status === 'exited' ? `exited ${s.exitCode}` : s.status;
}

function stateColor(s: Session): string {
  if (s.status === 'crashed') return '31';
  if (s.status !== 'running') return '90';
  return s.activity === 'waiting' ? '33;1' : s.activity === 'busy' ? '32' : s.activity === 'idle' ? '36' : '';
}

/** What an interaction asks, in a line: "wants to run `npm test`" or its prompt. */
export function asks(i: Interaction): string {
  const detail = i.detail ?? null;
  const command = detail?.command ?? (typeof detail?.input?.command === 'string' ? detail.input.command : null);
  if (i.kind === 'approval' && command !== null && command !== undefined) return `wants to run \`${command.replace(/\s+/g, ' ')}\``;
  if (i.kind === 'approval' && detail?.tool !== null && detail?.tool !== undefined) return `wants to use ${detail.tool}`;
  return `asks: ${i.prompt.replace(/\s+/g, ' ')}`;
}

/** How many rows the list gets on a screen `height` rows high (the preview gets the rest). */
export function listRows(height: number): number {
  return Math.max(3, Math.min(Math.floor((height - 3) * 0.45), height - 6));
}

/** The keys of the sessions on screen (after a render settled the scroll). */
export function visibleKeys(state: DashState, height: number): string[] {
  return rows(state)
    .slice(state.scroll, state.scroll + listRows(height))
    .flatMap((r) => (r.kind === 'session' ? [r.key] : []));
}

/** The whole screen, `height` lines of exactly `width` cells each (styled with SGR). */
export function render(state: DashState, mode: Mode, width: number, height: number, styles: Styles, now = Date.now()): string[] {
  const c = (codes: string): string => (styles.color ? codes : codes.split(';').filter((x) => x === '1' || x === '7').join(';'));
  const lines: string[] = [];
  const all = [...state.sessions.values()];
  const waiting = all.filter((s) => s.status === 'running' && s.activity === 'waiting').length;
  const right = state.connection === 'live' ? '? help  q quit' : state.connection;
  const left = ` sess dash  ${all.length} sessions${state.hosts.size === 0 ? '' : ` on ${state.hosts.size} hosts`} · ${waiting} waiting${state.filter === '' ? '' : ` · filter: ${state.filter}`}`;
  lines.push(sgr('7', fit(`${fit(left, Math.max(0, width - right.length - 1))}${right} `, width)));

  if (mode.kind === 'help') {
    for (const line of HELP) lines.push(fit(` ${line}`, width));
    while (lines.length < height) lines.push(fit('', width));
    return lines.slice(0, height);
  }

  const listHeight = listRows(height);
  const list = rows(state);
  const at = selectedIndex(state, list);
  if (at >= 0 && at < state.scroll) state.scroll = Math.max(0, at - 1);
  if (at >= state.scroll + listHeight) state.scroll = at - listHeight + 1;
  state.scroll = Math.max(0, Math.min(state.scroll, Math.max(0, list.length - listHeight)));
  // Across machines, a HOST column before the name, as wide as the longest name (up to 12).
  const hostWidth = state.hosts.size === 0 ? 0 : Math.min(12, Math.max(...[...state.hosts.keys()].map((h) => h.length))) + 1;
  const nameWidth = Math.min(28, Math.max(8, Math.floor(width * 0.25)));
  for (let i = 0; i < listHeight; i++) {
    const row = list[state.scroll + i];
    if (row === undefined) lines.push(fit(list.length === 0 && i === 0 ? (state.filter === '' ? '  no sessions: n makes one' : '  nothing matches the filter') : '', width));
    else if (row.kind === 'heading') lines.push(sgr(c(row.down === true ? '31' : row.text.startsWith('waiting for you') ? '33;1' : '1'), fit(` ${row.text}`, width)));
    else {
      const s = row.session;
      const selected = row.key === state.selected;
      const mark = row.waiting ? '!' : ' ';
      const ageText = age(s.createdAt, now).padStart(4);
      const head = ` ${mark} ${hostWidth === 0 ? '' : fit(row.host ?? '', hostWidth)}${fit(row.waiting ? refOf(s) : s.name, nameWidth)} `;
      const last = fit(state.lastLine.get(row.key) ?? '', Math.max(0, width - hostWidth - nameWidth - 25));
      const status = fit(stateText(s), 14);
      const text = `${head}${status} ${ageText}  ${last}`;
      lines.push(selected ? sgr('7', fit(text, width)) : `${sgr(c(row.waiting ? '33;1' : ''), head)}${sgr(c(stateColor(s)), status)} ${ageText}  ${sgr(c('90'), last)}`);
    }
  }

  const session = state.selected === null ? undefined : state.sessions.get(state.selected);
  const host = state.selected === null ? undefined : keyParts(state, state.selected).host;
  const title = session === undefined ? '' : ` ${host === undefined ? '' : `${host}: `}${refOf(session)} · ${stateText(session)} · ${session.agent} · ${session.cwd} `;
  lines.push(sgr(c('1'), fit(`──${title}${'─'.repeat(width)}`, width)));
  const open = state.selected === null ? undefined : state.open.get(state.selected);
  if (open !== undefined) {
    lines.push(sgr(c('33;1'), fit(` ! ${asks(open)}`, width)));
    const why = open.detail?.description ?? open.detail?.reason;
    if (why !== undefined) lines.push(fit(`   ${why}`, width));
    const choices = open.choices.map((ch) => `${ch.id}. ${ch.label}`).join('   ');
    lines.push(fit(`   ${choices === '' ? '(free text: s sends the answer)' : choices}   · a approve  d deny  digit answers`, width));
  }
  const previewHeight = height - lines.length - 1;
  const preview = state.preview.slice(-previewHeight);
  for (let i = 0; i < previewHeight; i++) lines.push(fit(preview[i] ?? '', width));

  let footer: string;
  if (mode.kind === 'input') footer = sgr('7', fit(` ${mode.label}${mode.value}█`, width));
  else if (mode.kind === 'confirm') footer = sgr('7', fit(` ${mode.label} (y/N)`, width));
  else if (state.notice !== '') footer = fit(` ${state.notice}`, width);
  else footer = sgr(c('90'), fit(` ${KEYS}`, width));
  lines.push(footer);
  return lines.slice(0, height);
}
