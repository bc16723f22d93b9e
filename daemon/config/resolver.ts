import type { SessionCreateParams, SessionResolution } from '../../shared/protocol/session.js';
import type { ResourceLimiter } from '../backend/resource-limits.js';
import { errors, sessdError } from '../errors.js';
import type { LiveConfig } from './live.js';
import { resolveCreate, type BuiltinDefaults, type Resolution } from './resolve.js';
import type { TemplateService } from './templates.js';

/**
 * Turns a `session/create` request into the session's settings: the template looked
 * up, the layers applied in order (resolve.ts), and the result checked against what
 * the backend can do (`invalid_config` naming the field it cannot).
 */
export class SessionResolver {
  constructor(
    private readonly config: LiveConfig,
    private readonly templates: TemplateService,
    private readonly limiter: ResourceLimiter,
    private readonly builtin: BuiltinDefaults,
  ) {}

  resolve(params: SessionCreateParams): Resolution & { resolution: SessionResolution } {
    const found = params.template === undefined ? null : this.templates.find(params.template);
    if (params.template !== undefined && found === null) throw errors.templateNotFound(params.template);
    const current = this.config.current;
    const resolved = resolveCreate(params, { defaults: current.defaults, spaces: current.spaces, template: found?.template ?? null }, this.builtin);
    const problem = this.limiter.problem(resolved.values.limits);
    if (problem !== null) {
      const source = resolved.sources[problem.field];
      const where = source === 'request' || source === undefined ? '' : ` (set by the ${source === 'defaults' ? 'config defaults' : source})`;
      throw sessdError('invalid_config', `${problem.field}${where} ${problem.message}`, { field: problem.field, source: source ?? null });
    }
    return {
      ...resolved,
      resolution: {
        dryRun: true,
        template: found === null ? null : { name: found.template.name, source: found.source },
        sources: resolved.sources,
      },
    };
  }
}
