import { z } from 'zod';
import { ACTIVITIES, EVENT_TYPES, MESSAGE_STATUSES, RESTART_POLICIES, SESSION_STATUSES } from '../../shared/protocol/model.js';
import type { JsonObject } from '../../shared/protocol/model.js';
import { isTmuxKey } from '../backend/tmux/keys.js';
import { isWellFormed, nameProblem } from '../sessions/naming.js';

/** Shared parameter shapes. Error messages are what a user reads after the field name. */

/** Largest `context` accepted, serialized. */
export const MAX_CONTEXT_BYTES = 256 * 1024;

const noNul = (value: string): boolean => !value.includes('\u0000');

/** Any string that can travel unchanged: well-formed Unicode, no NUL. */
export const text = z
  .string()
  .refine(isWellFormed, 'must be valid Unicode (no lone surrogates)')
  .refine(noNul, 'must not contain NUL characters');

const oneLine = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !/\p{Cc}/u.test(v), 'must not contain control characters')
    .refine(isWellFormed, 'must be valid Unicode');

export const sessionRef = z.string().min(1, 'must not be empty').max(300, 'is too long');

export const name = z.string().superRefine((value, ctx) => {
  const problem = nameProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

export const labels = z.record(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/:-]{0,127}$/, 'label keys are 1-128 of A-Z a-z 0-9 . _ / : - starting with a letter or digit'),
  text.pipe(z.string().max(1024, 'label values are at most 1024 characters')),
);

export const env = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names are letters, digits and _'), text)
  .refine((value) => Object.keys(value).length <= 512, 'at most 512 variables');

export const command = z
  .array(text.pipe(z.string().max(128 * 1024)))
  .min(1, 'must name a program')
  .max(4096, 'at most 4096 arguments')
  .refine((argv) => argv[0] !== '', 'the program must not be empty');

export const absolutePath = text.pipe(z.string().startsWith('/', 'must be an absolute path'));

export const jsonObject = z
  .record(z.string(), z.json())
  .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_CONTEXT_BYTES, `must be at most ${MAX_CONTEXT_BYTES} bytes as JSON`)
  .transform((value) => value as JsonObject);

export const size = z.strictObject({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(2).max(1000),
});

export const identifier = oneLine(200);
export const agent = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'agent profiles are lowercase letters, digits, _ and -');
export const restartPolicy = z.enum(RESTART_POLICIES as [string, ...string[]]).transform((v) => v as (typeof RESTART_POLICIES)[number]);
export const status = z.enum(SESSION_STATUSES as [string, ...string[]]).transform((v) => v as (typeof SESSION_STATUSES)[number]);
export const activity = z.enum(ACTIVITIES as [string, ...string[]]);
export const messageStatus = z.enum(MESSAGE_STATUSES as [string, ...string[]]).transform((v) => v as (typeof MESSAGE_STATUSES)[number]);
export const eventType = z.enum(EVENT_TYPES as [string, ...string[]]).transform((v) => v as (typeof EVENT_TYPES)[number]);
export const timestamp = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 timestamp');
export const key = z.string().refine(isTmuxKey, { error: (issue) => `unknown key name ${JSON.stringify(issue.input)} (to type text, use session/send)` });

export const selector = z.strictObject({
  space: name.optional(),
  labels: labels.optional(),
  status: z.array(status).optional(),
});

export const lifecycleParams = z
  .strictObject({
    session: sessionRef.optional(),
    selector: selector.optional(),
    force: z.boolean().optional(),
    timeoutMs: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((p) => (p.session === undefined) !== (p.selector === undefined), {
    message: 'give exactly one of "session" and "selector"',
    path: ['session'],
  });
