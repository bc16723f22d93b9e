import { defineRequest } from './define.js';
import type { SessionStatus } from './model.js';
import type { ResourceLimitField, ResourceLimitMechanism } from './resources.js';

export interface SpaceInfo {
  name: string;
  sessions: number;
  byStatus: Partial<Record<SessionStatus, number>>;
  /** Extension: the config file has overrides for this space (listed even with no sessions). */
  configured: boolean;
}

export interface ProviderInfo {
  name: string;
  available: boolean;
  version: string | null;
  /** Why it is unavailable. */
  reason: string | null;
  /**
   * What the backend can do: `pause`, `signals`, `capture`, `ansi-capture`, `paste`,
   * `restart`, `attach`, `preface`, and `limits.<field>` for each resource limit it
   * can enforce (`limits.openFiles`, `limits.memoryMax`, ...).
   */
  capabilities: string[];
  /** Extension: how resource limits are enforced here, and which fields. */
  resourceLimits: { mechanism: ResourceLimitMechanism; fields: ResourceLimitField[] };
}

/** Spaces with sessions, and those the config file names; by name. */
export const SpaceListRequest = defineRequest<Record<string, never>, { spaces: SpaceInfo[] }>('space/list');
export const ProviderListRequest = defineRequest<Record<string, never>, { providers: ProviderInfo[] }>('provider/list');
