import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DaemonMetrics } from '../../shared/protocol/metrics.js';
import type { NotifyCounts } from '../../shared/protocol/notify.js';
import { LATENCY_BUCKETS_MS } from '../../shared/protocol/metrics.js';
import type { Activity, SessdEvent, SessionStatus } from '../../shared/protocol/model.js';
import { ALL_REQUESTS } from '../../shared/protocol/index.js';
import { SESSD_VERSION } from '../../shared/protocol/version.js';
import type { EventLog } from '../events/event-log.js';
import { RequestMetrics } from '../rpc/request-metrics.js';
import type { DaemonInfo } from '../daemon-info.js';
import type { Subscriptions } from '../events/subscriptions.js';
import type { SessionRegistry } from '../sessions/registry.js';
import type { TranscriptService } from '../transcripts/service.js';
import { isLive } from '../sessions/status.js';
import { RESTART_REASON_PREFIX } from '../sessions/supervisor.js';

/** What the gauges are read from. */
export interface MetricsSources {
  daemon: Pick<DaemonInfo, 'pid' | 'startedAt' | 'paths' | 'connections'>;
  events: Pick<EventLog, 'onEvent' | 'lastPublishedSeq'>;
  registry: Pick<SessionRegistry, 'all' | 'size'>;
  transcripts: Pick<TranscriptService, 'totals'>;
  subscriptions: Pick<Subscriptions, 'count'>;
  /** Notification counters (daemon/notify), when notifications are built. */
  notify?: { snapshot(): NotifyCounts };
}

/**
 * The daemon's counters. Requests are recorded by the dispatcher; everything else is
 * counted from the event log's published events, so the domain code carries no
 * metrics calls. Gauges (sessions, memory, store size) are read when asked.
 */
export class MetricsCollector {
  readonly requests = new RequestMetrics(new Set(ALL_REQUESTS.map((d) => d.method)));
  private readonly counts = {
    created: 0,
    deleted: 0,
    exited: 0,
    crashed: 0,
    queued: 0,
    delivered: 0,
    failed: 0,
    expired: 0,
    checkpoints: 0,
    restarts: 0,
    published: 0,
    accepted: 0,
  };
  private readonly off: () => void;

  constructor(private readonly sources: MetricsSources) {
    this.off = sources.events.onEvent((event) => this.count(event));
  }

  connectionAccepted(): void {
    this.counts.accepted++;
  }

  dispose(): void {
    this.off();
  }

  async snapshot(): Promise<DaemonMetrics> {
    const { daemon, registry, transcripts, events, subscriptions } = this.sources;
    const byStatus: Partial<Record<SessionStatus, number>> = {};
    const byActivity: Partial<Record<Activity, number>> = {};
    let restarts = 0;
    for (const s of registry.all()) {
      byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      if (isLive(s.status)) byActivity[s.activity] = (byActivity[s.activity] ?? 0) + 1;
      restarts += s.restarts;
    }
    const cpu = process.cpuUsage();
    const c = this.counts;
    const [rssBytes, storeBytes, transcriptBytes] = await Promise.all([
      residentBytes(),
      diskUsage(daemon.paths.storeDir),
      diskUsage(join(daemon.paths.stateDir, 'transcripts')),
    ]);
    return {
      time: new Date().toISOString(),
      pid: daemon.pid,
      version: SESSD_VERSION,
      uptime: Math.round((Date.now() - daemon.startedAt.getTime()) / 1000),
      process: {
        rssBytes,
        heapUsedBytes: process.memoryUsage().heapUsed,
        cpuUserSeconds: cpu.user / 1e6,
        cpuSystemSeconds: cpu.system / 1e6,
      },
      sessions: { total: registry.size, byStatus, byActivity, created: c.created, deleted: c.deleted, exited: c.exited, crashed: c.crashed },
      connections: { open: daemon.connections(), accepted: c.accepted },
      requests: { bucketsMs: [...LATENCY_BUCKETS_MS], methods: this.requests.snapshot() },
      messages: { queued: c.queued, delivered: c.delivered, failed: c.failed, expired: c.expired },
      checkpoints: { created: c.checkpoints },
      restarts: { sinceStart: c.restarts, total: restarts },
      transcripts: { bytes: transcripts.totals.bytes, droppedBytes: transcripts.totals.dropped },
      events: { lastSeq: events.lastPublishedSeq, published: c.published, subscriptions: subscriptions.count },
      store: { bytes: storeBytes, transcriptBytes },
      ...(this.sources.notify === undefined ? {} : { notify: this.sources.notify.snapshot() }),
    };
  }

  private count(event: SessdEvent): void {
    const c = this.counts;
    c.published++;
    switch (event.type) {
      case 'session.created':
        c.created++;
        break;
      case 'session.deleted':
        c.deleted++;
        break;
      case 'session.exited':
        c.exited++;
        break;
      case 'session.status':
        if (event.data.status === 'crashed') c.crashed++;
        if (event.data.status === 'running' && typeof event.data.reason === 'string' && event.data.reason.startsWith(RESTART_REASON_PREFIX)) c.restarts++;
        break;
      case 'message.queued':
        c.queued++;
        break;
      case 'message.delivered':
        c.delivered++;
        break;
      case 'message.failed':
        // An expired message is reported as failed; its status says which.
        if (event.data.status === 'expired') c.expired++;
        else c.failed++;
        break;
      case 'checkpoint.created':
        c.checkpoints++;
        break;
      default:
        break;
    }
  }
}

/** VmRSS from /proc (what the kernel charges), falling back to Node's figure off Linux. */
async function residentBytes(): Promise<number> {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // Not Linux: Node's own figure is the same quantity.
  }
  return process.memoryUsage().rss;
}

/** Disk blocks used by the files of a directory (not recursive: an LMDB environment is flat). */
async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // not created yet
  }
  for (const name of names) {
    try {
      const info = await stat(join(dir, name));
      if (info.isFile()) total += info.blocks * 512;
    } catch {
      // Removed while we looked: it no longer takes space.
    }
  }
  return total;
}
