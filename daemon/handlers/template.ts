import { TemplateDeleteRequest, TemplateGetRequest, TemplateListRequest, TemplateSetRequest } from '../../shared/protocol/template.js';
import { request } from '../rpc/handler.js';

export const templateList = request(TemplateListRequest, (_p, { services }) => ({ templates: services.templates.list() }));
export const templateGet = request(TemplateGetRequest, (p, { services }) => services.templates.get(p.name));
export const templateSet = request(TemplateSetRequest, (p, { services }) => services.templates.set(p.template));
export const templateDelete = request(TemplateDeleteRequest, async (p, { services }) => {
  await services.templates.delete(p.name);
  return {};
});
