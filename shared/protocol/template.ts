import { z } from 'zod';
import { defineRequest } from './define.js';
import { EmptyResultSchema, identifier, NoParamsSchema } from './fields.js';
import { TemplateSchema } from './model.js';

export const TemplateInfoSchema = TemplateSchema.extend({
  /** Where it comes from: the config file's `templates`, or `template/set` (stored). */
  source: z.enum(['config', 'rpc']),
  /**
   * Extension: set when a template of the same name exists in the other source and
   * loses. A config template wins over a stored one: on the stored one (as
   * `template/set` replies) this is `"config"`; on the winning config template, `"rpc"`
   * says that a stored one is hidden behind it.
   */
  shadows: z.literal('rpc').nullable(),
  shadowedBy: z.literal('config').nullable(),
});
export type TemplateInfo = z.infer<typeof TemplateInfoSchema>;

export const TemplateByNameParamsSchema = z.strictObject({ name: identifier });

/** Every template in effect (a config template hides a stored one of the same name), by name. */
export const TemplateListRequest = defineRequest('template/list', NoParamsSchema, z.object({ templates: z.array(TemplateInfoSchema) }));
/** The template in effect under this name; `template_not_found` when there is none. */
export const TemplateGetRequest = defineRequest('template/get', TemplateByNameParamsSchema, TemplateInfoSchema);
/** Stores (or replaces) a template. The reply says when a config template of that name wins over it. */
export const TemplateSetRequest = defineRequest('template/set', z.strictObject({ template: TemplateSchema }), TemplateInfoSchema);
/**
 * Deletes a stored template; `template_not_found` when none is stored under that
 * name, `invalid_config` when the name is only in the config file (edit the file).
 */
export const TemplateDeleteRequest = defineRequest('template/delete', TemplateByNameParamsSchema, EmptyResultSchema);
