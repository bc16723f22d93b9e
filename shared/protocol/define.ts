/**
 * One protocol method, declared once: its name, and the types of its params and
 * result. The daemon dispatches by `method`; clients send by declaration, so a
 * method's name and shape exist in exactly one place (STYLE.md rule 1).
 *
 * Declarations carry their types without importing any JSON-RPC library (the `_`
 * fields are never set): the CLI must start fast, and an editor's client should not
 * pull in the daemon's dependencies.
 */
export interface RequestDeclaration<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly _params?: P;
  readonly _result?: R;
}

export interface NotificationDeclaration<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly _params?: P;
}

export type ParamsOf<D> = D extends RequestDeclaration<infer P, unknown> ? P : D extends NotificationDeclaration<infer P> ? P : never;
export type ResultOf<D> = D extends RequestDeclaration<unknown, infer R> ? R : never;

export function defineRequest<P, R>(method: string): RequestDeclaration<P, R> {
  return { kind: 'request', method };
}

export function defineNotification<P>(method: string): NotificationDeclaration<P> {
  return { kind: 'notification', method };
}
