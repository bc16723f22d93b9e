import { z } from 'zod';
import { TemplateDeleteRequest, TemplateGetRequest, TemplateListRequest, TemplateSetRequest } from '../../shared/protocol/template.js';
import type { Template } from '../../shared/protocol/model.js';
import { protocolTemplateSchema } from '../config/schema.js';
import { request } from '../rpc/handler.js';
import { identifier } from './schemas.js';

const byName = z.strictObject({ name: identifier });

export const templateList = request(TemplateListRequest, z.strictObject({}), (_p, { services }) => ({ templates: services.templates.list() }));
export const templateGet = request(TemplateGetRequest, byName, (p, { services }) => services.templates.get(p.name));
export const templateSet = request(
  TemplateSetRequest,
  z.strictObject({ template: protocolTemplateSchema() }) as unknown as z.ZodType<{ template: Template }>,
  (p, { services }) => services.templates.set(p.template),
);
export const templateDelete = request(TemplateDeleteRequest, byName, async (p, { services }) => {
  await services.templates.delete(p.name);
  return {};
});
