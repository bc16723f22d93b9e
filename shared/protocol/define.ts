import type { z } from 'zod';

/**
 * One protocol method, declared once: its name (a literal type: `'session/send'`),
 * the zod schema of its params and the zod schema of its result. The TypeScript types
 * come from the schemas (`z.infer`); the daemon validates params with the very same
 * schema, and clients send by declaration, so a method's name and shape exist in
 * exactly one place (STYLE.md rule 1).
 *
 * Results are not validated at run time (the daemon builds them); their schemas are
 * the documented shape and the source of the result types.
 *
 * Declarations import no JSON-RPC library: an editor's client should not pull in the
 * daemon's dependencies. The schemas are built once, when the module loads.
 */
export interface RequestDeclaration<M extends string = string, P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly method: M;
  readonly params: P;
  readonly result: R;
}

export interface NotificationDeclaration<M extends string = string, P extends z.ZodType = z.ZodType> {
  readonly kind: 'notification';
  readonly method: M;
  readonly params: P;
}

/** What a request or notification takes (the schema's inferred type). */
export type ParamsOf<D> = D extends { readonly params: infer P extends z.ZodType } ? z.infer<P> : never;
/** What a request answers (the result schema's inferred type). */
export type ResultOf<D> = D extends RequestDeclaration<string, z.ZodType, infer R> ? z.infer<R> : never;

export function defineRequest<const M extends string, P extends z.ZodType, R extends z.ZodType>(
  method: M,
  params: P,
  result: R,
): RequestDeclaration<M, P, R> {
  return { kind: 'request', method, params, result };
}

export function defineNotification<const M extends string, P extends z.ZodType>(method: M, params: P): NotificationDeclaration<M, P> {
  return { kind: 'notification', method, params };
}
