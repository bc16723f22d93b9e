import { NotificationType, ParameterStructures, RequestType } from 'vscode-jsonrpc';

/**
 * One protocol method, declared once: its name and its typed request. The daemon
 * registers handlers by `type` and clients send by `type`, so a method's name and
 * shape exist in exactly one place (STYLE.md rule 1).
 */
export interface RequestDeclaration<P, R> {
  readonly method: string;
  readonly type: RequestType<P, R, void>;
}

export interface NotificationDeclaration<P> {
  readonly method: string;
  readonly type: NotificationType<P>;
}

export function defineRequest<P, R>(method: string): RequestDeclaration<P, R> {
  return { method, type: new RequestType<P, R, void>(method, ParameterStructures.byName) };
}

export function defineNotification<P>(method: string): NotificationDeclaration<P> {
  return { method, type: new NotificationType<P>(method, ParameterStructures.byName) };
}
