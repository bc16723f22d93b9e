import { defineRequest } from './define.js';
import type { Template } from './model.js';

export interface TemplateInfo extends Template {
  /** Where it comes from: the config file's `templates`, or `template/set` (stored). */
  source: 'config' | 'rpc';
  /**
   * Extension: set when a template of the same name exists in the other source and
   * loses. A config template wins over a stored one: on the stored one (as
   * `template/set` replies) this is `"config"`; on the winning config template, `"rpc"`
   * says that a stored one is hidden behind it.
   */
  shadows: 'rpc' | null;
  shadowedBy: 'config' | null;
}

/** Every template in effect (a config template hides a stored one of the same name), by name. */
export const TemplateListRequest = defineRequest<Record<string, never>, { templates: TemplateInfo[] }>('template/list');
/** The template in effect under this name; `template_not_found` when there is none. */
export const TemplateGetRequest = defineRequest<{ name: string }, TemplateInfo>('template/get');
/** Stores (or replaces) a template. The reply says when a config template of that name wins over it. */
export const TemplateSetRequest = defineRequest<{ template: Template }, TemplateInfo>('template/set');
/**
 * Deletes a stored template; `template_not_found` when none is stored under that
 * name, `invalid_config` when the name is only in the config file (edit the file).
 */
export const TemplateDeleteRequest = defineRequest<{ name: string }, Record<string, never>>('template/delete');
