import { z } from 'zod';
import { defineRequest } from './define.js';
import { NoParamsSchema } from './fields.js';
import { SessionStatusSchema } from './model.js';
import { ResourceLimitFieldSchema, ResourceLimitMechanismSchema } from './resources.js';

export const SpaceInfoSchema = z.object({
  name: z.string(),
  sessions: z.number(),
  byStatus: z.partialRecord(SessionStatusSchema, z.number()),
  /** Extension: the config file has overrides for this space (listed even with no sessions). */
  configured: z.boolean(),
});
export type SpaceInfo = z.infer<typeof SpaceInfoSchema>;

export const ProviderInfoSchema = z.object({
  name: z.string(),
  available: z.boolean(),
  version: z.string().nullable(),
  /** Why it is unavailable. */
  reason: z.string().nullable(),
  /**
   * What the backend can do: `pause`, `signals`, `capture`, `ansi-capture`, `paste`,
   * `restart`, `attach`, `preface`, and `limits.<field>` for each resource limit it
   * can enforce (`limits.openFiles`, `limits.memoryMax`, ...).
   */
  capabilities: z.array(z.string()),
  /** Extension: how resource limits are enforced here, and which fields. */
  resourceLimits: z.object({ mechanism: ResourceLimitMechanismSchema, fields: z.array(ResourceLimitFieldSchema) }),
});
export type ProviderInfo = z.infer<typeof ProviderInfoSchema>;

/** Spaces with sessions, and those the config file names; by name. */
export const SpaceListRequest = defineRequest('space/list', NoParamsSchema, z.object({ spaces: z.array(SpaceInfoSchema) }));
export const ProviderListRequest = defineRequest('provider/list', NoParamsSchema, z.object({ providers: z.array(ProviderInfoSchema) }));
