/** The whole protocol: every request and notification of DESIGN.md, declared once. */
import * as agent from './agent.js';
import * as attach from './attach.js';
import * as checkpoint from './checkpoint.js';
import * as daemon from './daemon.js';
import type { NotificationDeclaration, RequestDeclaration } from './define.js';
import * as events from './events.js';
import * as initialize from './initialize.js';
import * as interaction from './interaction.js';
import * as message from './message.js';
import * as policy from './policy.js';
import * as notify from './notify.js';
import * as session from './session.js';
import * as sessionIo from './session-io.js';
import * as space from './space.js';
import * as template from './template.js';
import * as transcript from './transcript.js';
import * as worktree from './worktree.js';

export * from './define.js';
export * from './names.js';
export * from './tmux-keys.js';
export * from './version.js';
export * from './model.js';
export * from './initialize.js';
export * from './session.js';
export * from './session-io.js';
export * from './checkpoint.js';
export * from './attach.js';
export * from './message.js';
export * from './interaction.js';
export * from './events.js';
export * from './transcript.js';
export * from './template.js';
export * from './space.js';
export * from './resources.js';
export * from './daemon.js';
export * from './agent.js';
export * from './metrics.js';
export * from './worktree.js';
export * from './policy.js';
export * from './notify.js';

const modules = [initialize, session, sessionIo, checkpoint, attach, message, interaction, events, transcript, template, space, daemon, worktree, agent, policy, notify] as const;
const declarations = modules.flatMap((m) => Object.values(m as Record<string, unknown>));

/** Every request of the protocol. */
export const ALL_REQUESTS = declarations.filter((d): d is RequestDeclaration => (d as { kind?: unknown }).kind === 'request');
/** Every notification of the protocol. */
export const ALL_NOTIFICATIONS = declarations.filter((d): d is NotificationDeclaration => (d as { kind?: unknown }).kind === 'notification');

/** The values one module exports, for each module of a union. */
type ValuesOf<M> = M extends unknown ? M[keyof M] : never;
/** Every request declaration of the protocol, as one union type (`ProtocolRequest['method']` is every method name). */
export type ProtocolRequest = Extract<ValuesOf<(typeof modules)[number]>, RequestDeclaration>;
/** The declaration of the request named `M`. */
export type RequestNamed<M extends ProtocolRequest['method']> = Extract<ProtocolRequest, { method: M }>;
/** Every notification declaration of the protocol, as one union type. */
export type ProtocolNotification = Extract<ValuesOf<(typeof modules)[number]>, NotificationDeclaration>;
/** The declaration of the notification named `M`. */
export type NotificationNamed<M extends ProtocolNotification['method']> = Extract<ProtocolNotification, { method: M }>;
