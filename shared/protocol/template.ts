import { defineRequest } from './define.js';
import type { Template } from './model.js';

export interface TemplateInfo extends Template {
  /** Where it comes from; a config template shadows a stored one of the same name. */
  source: 'config' | 'rpc';
}

export const TemplateListRequest = defineRequest<Record<string, never>, { templates: TemplateInfo[] }>('template/list');
export const TemplateGetRequest = defineRequest<{ name: string }, TemplateInfo>('template/get');
export const TemplateSetRequest = defineRequest<{ template: Template }, TemplateInfo>('template/set');
export const TemplateDeleteRequest = defineRequest<{ name: string }, Record<string, never>>('template/delete');
