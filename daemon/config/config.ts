import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import type { Template } from '../../shared/protocol/model.js';
import { parseDuration } from '../../shared/duration.js';
import type { PolicyRule } from './policies.js';
import type { NotifyRule } from '../notify/schema.js';
import { configSchema, type ParsedConfig, type SessionLayer } from './schema.js';

/**
 * The config file (DESIGN.md, "Paths and configuration"; the schema is in schema.ts).
 * Loading never half-applies: a file either validates as a whole or is refused with
 * one problem naming the file, the line and the field.
 */
export interface LimitsConfig {
  /** Sessions kept at once (live and ended). */
  sessions: number;
  /** Largest JSON-RPC frame body read from a client. */
  frameBytes: number;
  /** Largest `session/send` text. */
  messageBytes: number;
  /** Events kept in the log before the oldest are pruned. */
  events: number;
  /** Unread output queued for one client before it is disconnected. */
  clientBufferBytes: number;
  /** How long one tmux command may take before the request fails with `timeout`. */
  tmuxTimeoutMs: number;
  /** Transcript bytes kept per session. */
  transcriptBytes: number;
  /** How long transcript output is kept (idle sessions' transcripts included). */
  transcriptAgeMs: number;
  /**
   * Transcript bytes kept by all sessions together, on top of `transcriptBytes` each:
   * beyond it the largest transcripts are cut, oldest output first, to a common size.
   */
  transcriptTotalBytes: number;
  /** Checkpoints kept per session (the oldest go first). */
  checkpoints: number;
  /** The restart policy's first delay; each quick failure doubles it. */
  restartDelayMs: number;
  /** The longest delay between restarts; a program that ran this long starts the doubling over. */
  restartMaxDelayMs: number;
  /** Quick failures in a row after which the restart policy gives up. */
  restartLimit: number;
  /** How long an attached client may go without reading its output before it is detached. */
  attachStallMs: number;
  /** A session's stored context, as JSON (`session/update` merges are refused past it). */
  contextBytes: number;
  /** Labels on one session. */
  labels: number;
  /** Messages queued (`when: "idle"`) for one session at once. */
  queuedMessages: number;
  /** Clients connected at once; more are refused with limit_exceeded. */
  connections: number;
  /** How long a frame's header may take to arrive once its first byte has. */
  headerTimeMs: number;
  /** How old the store's backup (beside it, `store-backup/`) may get. */
  backupIntervalMs: number;
}

export interface LogConfig {
  level?: string | undefined;
  /** A log file written besides stdout, rotated at `maxBytes`, keeping `files` old ones. */
  file?: string | undefined;
  maxBytes?: number | undefined;
  files?: number | undefined;
}

export interface SessdConfig {
  limits: LimitsConfig;
  log: LogConfig;
  /** The config file's `defaults`: over the built-in defaults. */
  defaults: SessionLayer;
  /** Overrides by space name, over `defaults`. */
  spaces: Record<string, SessionLayer>;
  templates: Record<string, Template>;
  /** Detector profiles by name, as written. */
  agents: Record<string, Record<string, unknown>>;
  /** `worktrees.dir`: where sessions' git worktrees are made (default: `<state dir>/worktrees`). */
  worktrees: { dir?: string | undefined };
  /** `tmux.userConfig`: the user's tmux config read by sessd's server (true: where tmux looks), none (false), or this file. */
  tmux: { userConfig?: boolean | string | undefined };
  /** Approval policies, in order (policies.ts). */
  policies: PolicyRule[];
  /** Notification rules, in file order (daemon/notify). */
  notify: NotifyRule[];
}

/** What is wrong with a config file, and where. */
export interface ConfigProblem {
  file: string;
  /** 1-based; null when the problem has no place in the text (the file cannot be read). */
  line: number | null;
  column: number | null;
  /** The field as a dotted path (`templates.claude.command`), or null for the file as a whole. */
  field: string | null;
  message: string;
}

export function describeProblem(p: ConfigProblem): string {
  const where = p.line === null ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${where}: ${p.field === null ? '' : `${p.field}: `}${p.message}`;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  sessions: 10_000,
  frameBytes: 4 * 1024 * 1024,
  messageBytes: 1024 * 1024,
  events: 100_000,
  clientBufferBytes: 64 * 1024 * 1024,
  tmuxTimeoutMs: 10_000,
  transcriptBytes: 64 * 1024 * 1024,
  transcriptAgeMs: 7 * 86_400_000,
  transcriptTotalBytes: 1024 * 1024 * 1024,
  checkpoints: 20,
  restartDelayMs: 1_000,
  restartMaxDelayMs: 300_000,
  restartLimit: 10,
  attachStallMs: 30_000,
  backupIntervalMs: 3_600_000,
  connections: 512,
  contextBytes: 256 * 1024,
  labels: 256,
  queuedMessages: 1_000,
  headerTimeMs: 10_000,
};

export function defaultConfig(): SessdConfig {
  return { limits: { ...DEFAULT_LIMITS }, log: {}, defaults: {}, spaces: {}, templates: {}, agents: {}, worktrees: {}, tmux: {}, policies: [], notify: [] };
}

export interface LoadedConfig {
  /** The file read (the first candidate that exists), or null when there is none. */
  file: string | null;
  config: SessdConfig;
  /** Why the file was refused (then `config` is the defaults), or null. */
  problem: ConfigProblem | null;
  /** `problem`, as one line. */
  error: string | null;
}

/** Loads the first existing candidate. A broken file yields the defaults and the reason. */
export async function loadConfig(candidates: readonly string[], explicit: boolean, home: string): Promise<LoadedConfig> {
  for (const file of candidates) {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) continue;
      return refused({ file, line: null, column: null, field: null, message: `cannot read it: ${(error as Error).message}` });
    }
    const parsed = parseConfigText(file, raw, home);
    return 'problem' in parsed ? refused(parsed.problem) : { file, config: parsed.config, problem: null, error: null };
  }
  return { file: null, config: defaultConfig(), problem: null, error: null };
}

function refused(problem: ConfigProblem): LoadedConfig {
  return { file: problem.file, config: defaultConfig(), problem, error: describeProblem(problem) };
}

/** Parses and validates a config file's text (YAML, or JSON for a `.json` file). Pure. */
export function parseConfigText(file: string, raw: string, home: string): { config: SessdConfig } | { problem: ConfigProblem } {
  const lines = new LineCounter();
  // JSON is YAML too: the YAML parser gives every node its position, for both.
  const doc = parseDocument(raw, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, field: string | null, message: string): { problem: ConfigProblem } => {
    const { line, col } = lines.linePos(offset);
    return { problem: { file, line, column: col, field, message } };
  };
  let value: unknown;
  if (file.endsWith('.json')) {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message);
      return at(position === null ? 0 : Number(position[1]), null, `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
    }
  } else {
    const syntax = doc.errors[0];
    if (syntax !== undefined) return at(syntax.pos[0], null, `not valid YAML: ${syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
    value = doc.toJS();
  }
  const result = configSchema(home).safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0]! : undefined;
    const field = [...path, ...(unknownKey === undefined ? [] : [unknownKey])].join('.') || null;
    const message = unknownKey !== undefined ? `unknown field (${knownFieldsHint(path)})` : issue.message;
    return at(offsetOf(doc, path, unknownKey), field, message);
  }
  return { config: toConfig(result.data) };
}

function knownFieldsHint(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the top level takes defaults, spaces, templates, agents, limits, log, worktrees, hosts, tmux, policies, notify';
  return 'see the schema in the README';
}

/** Where the node at `path` starts (or its key `unknownKey`); the nearest existing ancestor otherwise. */
function offsetOf(doc: Document, path: readonly (string | number)[], unknownKey: string | undefined): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (node === undefined || node === null || typeof node !== 'object' || !('range' in node)) continue;
    if (unknownKey !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === unknownKey);
      const keyRange = (pair?.key as { range?: [number, number, number] } | null)?.range;
      if (keyRange !== undefined) return keyRange[0];
    }
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range !== undefined && range !== null) return range[0];
  }
  return 0;
}

/** Limits written as durations in the file, and the field each sets. */
const DURATIONS = {
  transcriptAge: 'transcriptAgeMs',
  restartDelay: 'restartDelayMs',
  restartMaxDelay: 'restartMaxDelayMs',
  attachStall: 'attachStallMs',
  backupInterval: 'backupIntervalMs',
  headerTime: 'headerTimeMs',
} as const;

function toConfig(data: ParsedConfig): SessdConfig {
  const { transcriptAge, restartDelay, restartMaxDelay, attachStall, backupInterval, headerTime, ...limits } = data.limits ?? {};
  const durations: Partial<LimitsConfig> = {};
  for (const [key, value] of Object.entries({ transcriptAge, restartDelay, restartMaxDelay, attachStall, backupInterval, headerTime })) {
    if (value !== undefined) durations[DURATIONS[key as keyof typeof DURATIONS]] = parseDuration(value)!;
  }
  const templates: Record<string, Template> = {};
  for (const [name, template] of Object.entries(data.templates ?? {})) templates[name] = { name, ...stripUndefined(template) };
  return {
    limits: { ...DEFAULT_LIMITS, ...stripUndefined(limits), ...durations },
    log: data.log ?? {},
    defaults: stripUndefined(data.defaults ?? {}),
    spaces: Object.fromEntries(Object.entries(data.spaces ?? {}).map(([k, v]) => [k, stripUndefined(v)])),
    templates,
    agents: data.agents ?? {},
    worktrees: data.worktrees ?? {},
    tmux: data.tmux ?? {},
    policies: data.policies ?? [],
    notify: data.notify ?? [],
  };
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
