import type { Logger } from 'pino';
import type { Profiles } from '../activity/profiles.js';
import type { Limits } from '../daemon-info.js';
import type { SessionLimits } from '../sessions/helpers.js';
import type { SessdConfig } from './config.js';
import type { LiveConfig } from './live.js';

/**
 * What a config edit changes at once: the limits (the objects below are changed in
 * place, so every part holding them reads the new values), the log level and the
 * agent profiles. The other settings are read at start-up only.
 */
export class LiveSettings {
  /** The RPC boundary's limits. */
  readonly limits: Limits;
  /** The session parts' limits. */
  readonly sessionLimits: SessionLimits;
  private readonly off: () => void;

  constructor(
    private readonly config: LiveConfig,
    private readonly profiles: Profiles,
    private readonly log: Logger,
  ) {
    const configured = config.current.limits;
    this.limits = {
      maxSessions: configured.sessions,
      maxFrameBytes: configured.frameBytes,
      maxMessageBytes: configured.messageBytes,
      maxBufferedBytes: configured.clientBufferBytes,
      maxConnections: configured.connections,
      headerTimeoutMs: configured.headerTimeMs,
      eventRetention: configured.events,
    };
    this.sessionLimits = {
      maxSessions: configured.sessions,
      maxMessageBytes: configured.messageBytes,
      maxContextBytes: configured.contextBytes,
      maxLabels: configured.labels,
      maxQueuedMessages: configured.queuedMessages,
    };
    this.configureProfiles(config.current.agents);
    this.off = config.onChange((next) => this.apply(next));
  }

  dispose(): void {
    this.off();
  }

  private apply(next: SessdConfig): void {
    const { limits, sessionLimits } = this;
    sessionLimits.maxSessions = limits.maxSessions = next.limits.sessions;
    sessionLimits.maxMessageBytes = limits.maxMessageBytes = next.limits.messageBytes;
    sessionLimits.maxContextBytes = next.limits.contextBytes;
    sessionLimits.maxLabels = next.limits.labels;
    sessionLimits.maxQueuedMessages = next.limits.queuedMessages;
    limits.maxFrameBytes = next.limits.frameBytes;
    limits.maxBufferedBytes = next.limits.clientBufferBytes;
    limits.maxConnections = next.limits.connections;
    limits.headerTimeoutMs = next.limits.headerTimeMs;
    if (next.log.level !== undefined) this.log.level = next.log.level;
    this.configureProfiles(next.agents);
  }

  private configureProfiles(agents: Record<string, Record<string, unknown>>): void {
    const problem = this.profiles.configure(agents);
    if (problem !== null) this.log.warn({ file: this.config.status().file }, `agent profiles from the config file not used: ${problem}`);
  }
}
