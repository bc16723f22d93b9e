import { defineRequest } from './define.js';
import type { SessionStatus } from './model.js';

export interface SpaceInfo {
  name: string;
  sessions: number;
  byStatus: Partial<Record<SessionStatus, number>>;
}

export interface ProviderInfo {
  name: string;
  available: boolean;
  version: string | null;
  /** Why it is unavailable. */
  reason: string | null;
  capabilities: string[];
}

export const SpaceListRequest = defineRequest<Record<string, never>, { spaces: SpaceInfo[] }>('space/list');
export const ProviderListRequest = defineRequest<Record<string, never>, { providers: ProviderInfo[] }>('provider/list');
