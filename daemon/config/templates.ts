import type { Database } from 'lmdb';
import type { Template } from '../../shared/protocol/model.js';
import type { TemplateInfo } from '../../shared/protocol/template.js';
import { errors, sessdError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { LiveConfig } from './live.js';

/**
 * Templates from two sources: the config file's `templates` (read-only here, edited
 * in the file) and `template/set` (stored in the LMDB database `templates`, keyed by
 * name). A config template wins over a stored one of the same name, and says so.
 */
export class TemplateService {
  private readonly db: Database<Template, string>;

  constructor(
    private readonly store: Store,
    private readonly config: LiveConfig,
  ) {
    this.db = store.root.openDB<Template, string>({ name: 'templates' });
  }

  /** The template in effect under `name`, with its source; null when there is none. */
  find(name: string): { template: Template; source: 'config' | 'rpc' } | null {
    const configured = this.config.current.templates[name];
    if (configured !== undefined) return { template: configured, source: 'config' };
    const stored = this.db.get(name);
    return stored === undefined ? null : { template: stored, source: 'rpc' };
  }

  list(): TemplateInfo[] {
    const byName = new Map<string, TemplateInfo>();
    for (const { value } of this.db.getRange()) byName.set(value.name, this.info(value, 'rpc'));
    for (const template of Object.values(this.config.current.templates)) byName.set(template.name, this.info(template, 'config'));
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): TemplateInfo {
    const found = this.find(name);
    if (found === null) throw errors.templateNotFound(name);
    return this.info(found.template, found.source);
  }

  /** Stores the template (durably, before the reply); the reply says when a config template hides it. */
  async set(template: Template): Promise<TemplateInfo> {
    await this.store.write(() => this.db.put(template.name, template));
    return this.info(template, 'rpc');
  }

  async delete(name: string): Promise<void> {
    if (this.db.get(name) === undefined) {
      if (this.config.current.templates[name] !== undefined) {
        throw sessdError('invalid_config', `template ${name} comes from the config file: remove it there (${this.config.status().file})`, {
          file: this.config.status().file,
          field: `templates.${name}`,
        });
      }
      throw errors.templateNotFound(name);
    }
    await this.store.write(() => this.db.remove(name));
  }

  private info(template: Template, source: 'config' | 'rpc'): TemplateInfo {
    const inConfig = this.config.current.templates[template.name] !== undefined;
    const stored = this.db.get(template.name) !== undefined;
    return {
      ...template,
      source,
      shadows: source === 'config' && stored ? 'rpc' : null,
      shadowedBy: source === 'rpc' && inConfig ? 'config' : null,
    };
  }
}
