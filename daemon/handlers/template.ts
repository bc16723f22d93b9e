import { TemplateDeleteRequest, TemplateGetRequest, TemplateListRequest, TemplateSetRequest } from '../../shared/protocol/template.js';
import type { TemplateService } from '../config/templates.js';
import { request, type Handler } from '../rpc/handler.js';

export function templateList({ templates }: { templates: TemplateService }): Handler {
  return request(TemplateListRequest, () => ({ templates: templates.list() }));
}

export function templateGet({ templates }: { templates: TemplateService }): Handler {
  return request(TemplateGetRequest, (p) => templates.get(p.name));
}

export function templateSet({ templates }: { templates: TemplateService }): Handler {
  return request(TemplateSetRequest, (p) => templates.set(p.template));
}

export function templateDelete({ templates }: { templates: TemplateService }): Handler {
  return request(TemplateDeleteRequest, async (p) => {
    await templates.delete(p.name);
    return {};
  });
}
