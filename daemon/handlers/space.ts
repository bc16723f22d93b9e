import { ProviderListRequest, SpaceListRequest, type SpaceInfo } from '../../shared/protocol/space.js';
import type { SessionBackend } from '../backend/backend.js';
import type { ResourceLimiter } from '../backend/resource-limits.js';
import type { LiveConfig } from '../config/live.js';
import { request, type Handler, type SessionLookup } from '../rpc/handler.js';

/** Spaces that hold sessions, and those the config file has overrides for, with counts. */
export function spaceList({ sessions, config }: { sessions: SessionLookup; config: Pick<LiveConfig, 'current'> }): Handler {
  return request(SpaceListRequest, () => {
    const spaces = new Map<string, SpaceInfo>();
    const configured = config.current.spaces;
    const entry = (name: string): SpaceInfo => {
      let info = spaces.get(name);
      if (info === undefined) spaces.set(name, (info = { name, sessions: 0, byStatus: {}, configured: configured[name] !== undefined }));
      return info;
    };
    for (const name of Object.keys(configured)) entry(name);
    for (const session of sessions.all()) {
      const info = entry(session.space);
      info.sessions++;
      info.byStatus[session.status] = (info.byStatus[session.status] ?? 0) + 1;
    }
    return { spaces: [...spaces.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
  });
}

export function providerList({ backend, limiter }: { backend: SessionBackend; limiter: ResourceLimiter }): Handler {
  return request(ProviderListRequest, () => {
    const status = backend.status();
    return {
      providers: [
        {
          name: status.name,
          available: status.available,
          version: status.version,
          reason: status.reason,
          capabilities: status.capabilities,
          resourceLimits: { mechanism: limiter.mechanism, fields: limiter.fields },
        },
      ],
    };
  });
}
