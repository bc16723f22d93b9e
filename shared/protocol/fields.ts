import { z } from 'zod';
import { isWellFormed, nameProblem } from './names.js';
import { isTmuxKey } from './tmux-keys.js';

/**
 * Field schemas that several methods share. Their messages are what a user reads
 * after the field name (`-32602 labels.team: label values are at most 1024 characters`).
 */

/** Largest `context` accepted, serialized. */
export const MAX_CONTEXT_BYTES = 256 * 1024;

const noNul = (value: string): boolean => !value.includes('\u0000');

/** Any string that can travel unchanged: well-formed Unicode, no NUL. */
export const text = z
  .string()
  .refine(isWellFormed, 'must be valid Unicode (no lone surrogates)')
  .refine(noNul, 'must not contain NUL characters');

/** One line of at most `max` characters: no control characters. */
export const oneLine = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters')
    .refine(isWellFormed, 'must be valid Unicode');

/**
 * A reference to one session: its `id`, `space/name`, or a `name` in the `default`
 * space. An id wins over a name that happens to be spelled the same.
 */
export const sessionRef = z.string().min(1, 'must not be empty').max(300, 'is too long');

/** A session name or space (names.ts has the rules). */
export const name = z.string().superRefine((value, ctx) => {
  const problem = nameProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

export const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}$/;
const LABEL_KEY_RULE = 'label keys are 1-128 of A-Z a-z 0-9 . _ / : - starting with a letter or digit';

export const labels = z.record(
  z.string().regex(LABEL_KEY, LABEL_KEY_RULE),
  text.pipe(z.string().max(1024, 'label values are at most 1024 characters')),
);

/** Labels to merge: like `labels`, and a `null` value removes that label. */
export const labelPatch = z.record(z.string(), text.nullable()).superRefine((value, ctx) => {
  const set = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as Record<string, string>;
  const keysOnly = Object.fromEntries(Object.keys(value).map((k) => [k, '']));
  for (const issue of labels.safeParse({ ...keysOnly, ...set }).error?.issues ?? []) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
});

export const env = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names are letters, digits and _'), text)
  .refine((value) => Object.keys(value).length <= 512, 'at most 512 variables');

export const command = z
  .array(text.pipe(z.string().max(128 * 1024)))
  .min(1, 'must name a program')
  .max(4096, 'at most 4096 arguments')
  .refine((argv) => argv[0] !== '', 'the program must not be empty');

export const absolutePath = text.pipe(z.string().startsWith('/', 'must be an absolute path'));

/** Any JSON value. */
export const JsonValueSchema = z.json();
export type JsonValue = z.infer<typeof JsonValueSchema>;

/** A JSON object, as used for `context`; at most MAX_CONTEXT_BYTES as JSON. */
export const JsonObjectSchema = z
  .record(z.string(), JsonValueSchema)
  .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_CONTEXT_BYTES, `must be at most ${MAX_CONTEXT_BYTES} bytes as JSON`);
export type JsonObject = z.infer<typeof JsonObjectSchema>;

/** A terminal size in character cells. */
export const TerminalSizeSchema = z.strictObject({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(2).max(1000),
});
export type TerminalSize = z.infer<typeof TerminalSizeSchema>;

export const identifier = oneLine(200);
export const agent = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'agent profiles are lowercase letters, digits, _ and -');
export const timestamp = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 timestamp');
/** A tmux key name (tmux-keys.ts); an unknown name is refused, never typed as text. */
export const key = z.string().refine(isTmuxKey, { error: (issue) => `unknown key name ${JSON.stringify(issue.input)} (to type text, use session/send)` });

/** An id sessd handed out (attach, message, interaction, ...). */
export const handle = z.string().min(1, 'must not be empty').max(64, 'is too long');

/** Params of a method that takes none. */
export const NoParamsSchema = z.strictObject({});
/** The result of a method that answers nothing but success. */
export const EmptyResultSchema = z.strictObject({});
