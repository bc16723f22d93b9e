import type { JsonObject, RestartPolicy, Template, TerminalSize } from '../../shared/protocol/model.js';
import type { ResourceLimits } from '../../shared/protocol/resources.js';
import type { SessionCreateParams, ValueSource } from '../../shared/protocol/session.js';
import { callerEnvironment } from '../../shared/caller-env.js';
import { DEFAULT_SPACE, inferAgent } from '../sessions/naming.js';
import type { SessionLayer } from './schema.js';

/** sessd's own defaults, the lowest layer. */
export interface BuiltinDefaults {
  /** The user's login shell, run as `[shell, "-l"]` when no layer names a command. */
  shell: string;
  home: string;
  size: TerminalSize;
}

/** The layers above the built-in defaults, lowest first; a missing layer is `{}`. */
export interface ResolutionLayers {
  defaults: SessionLayer;
  /** Overrides by space name: the one for the resolved space applies. */
  spaces: Record<string, SessionLayer>;
  template: Template | null;
}

export interface ResolvedValues {
  space: string;
  command: string[];
  cwd: string;
  env: Record<string, string>;
  agent: string;
  labels: Record<string, string>;
  restartPolicy: RestartPolicy;
  size: TerminalSize;
  sessionType: string | null;
  context: JsonObject;
  limits: ResourceLimits;
}

export interface Resolution {
  values: ResolvedValues;
  /** The layer each field (and each key of a map field: `env.PATH`) came from. */
  sources: Record<string, ValueSource>;
}

type Scalar = 'command' | 'cwd' | 'agent' | 'restartPolicy' | 'size' | 'sessionType';
type MapField = 'env' | 'labels' | 'context' | 'limits';
const SCALARS: readonly Scalar[] = ['command', 'cwd', 'agent', 'restartPolicy', 'size', 'sessionType'];
const MAPS: readonly MapField[] = ['env', 'labels', 'context', 'limits'];

/**
 * Resolves a `session/create` request against the layers, lowest first: built-in
 * defaults, config `defaults`, the space's overrides, the template, the request. A
 * field set in a higher layer replaces the lower ones; maps (`env`, `labels`,
 * `context`, `limits`) merge key by key, so a template's `env` and a request's `env`
 * both apply. The space is chosen first (request, else template, else `default`),
 * because its overrides are one of the layers. Pure.
 */
export function resolveCreate(request: SessionCreateParams, layers: ResolutionLayers, builtin: BuiltinDefaults): Resolution {
  const sources: Record<string, ValueSource> = {};
  const template = layers.template;
  let space = DEFAULT_SPACE;
  sources.space = 'builtin';
  if (template?.space !== undefined) [space, sources.space] = [template.space, 'template'];
  if (request.space !== undefined) [space, sources.space] = [request.space, 'request'];

  const stack: [ValueSource, SessionLayer][] = [
    // Lowest: the caller's environment, less what belongs to its terminal and to sessd.
    ['caller', request.callerEnv === undefined ? {} : { env: callerEnvironment(request.callerEnv) }],
    ['defaults', layers.defaults],
    ['space', layers.spaces[space] ?? {}],
    ['template', template ?? {}],
    ['request', request],
  ];

  const scalars: Partial<Record<Scalar, unknown>> = {};
  for (const field of SCALARS) {
    for (const [source, layer] of stack) {
      if (layer[field] !== undefined) {
        scalars[field] = layer[field];
        sources[field] = source;
      }
    }
  }
  const maps: Record<MapField, Record<string, unknown>> = { env: {}, labels: {}, context: {}, limits: {} };
  for (const field of MAPS) {
    for (const [source, layer] of stack) {
      for (const [key, value] of Object.entries(layer[field] ?? {})) {
        if (value === undefined) continue;
        maps[field][key] = value;
        sources[`${field}.${key}`] = source;
      }
    }
  }

  const command = (scalars.command as string[] | undefined) ?? [builtin.shell, '-l'];
  sources.command ??= 'builtin';
  sources.cwd ??= 'builtin';
  sources.agent ??= 'builtin';
  sources.restartPolicy ??= 'builtin';
  sources.size ??= 'builtin';
  sources.sessionType ??= 'builtin';
  return {
    values: {
      space,
      command,
      cwd: (scalars.cwd as string | undefined) ?? builtin.home,
      env: maps.env as Record<string, string>,
      // No layer named a profile: the command suggests one.
      agent: (scalars.agent as string | undefined) ?? inferAgent(command),
      labels: maps.labels as Record<string, string>,
      restartPolicy: (scalars.restartPolicy as RestartPolicy | undefined) ?? 'never',
      size: (scalars.size as TerminalSize | undefined) ?? builtin.size,
      sessionType: (scalars.sessionType as string | undefined) ?? null,
      context: maps.context as JsonObject,
      limits: maps.limits,
    },
    sources,
  };
}
