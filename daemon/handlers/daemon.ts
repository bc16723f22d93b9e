import { DaemonMetricsRequest, DaemonShutdownRequest, DaemonStatusRequest, type DaemonStatus } from '../../shared/protocol/daemon.js';
import type { DaemonMetricsResult } from '../../shared/protocol/metrics.js';
import type { SessionStatus } from '../../shared/protocol/model.js';
import { PROTOCOL_VERSION, SESSD_VERSION } from '../../shared/protocol/version.js';
import type { SessionBackend } from '../backend/backend.js';
import type { DaemonInfo } from '../daemon-info.js';
import type { Subscriptions } from '../events/subscriptions.js';
import type { MetricsCollector } from '../metrics/collector.js';
import type { PolicyService } from '../policies/service.js';
import { toPrometheus } from '../metrics/prometheus.js';
import { request, type Handler, type SessionLookup } from '../rpc/handler.js';
import type { Reconciler } from '../sessions/reconcile.js';

interface StatusParts {
  daemon: DaemonInfo;
  sessions: SessionLookup;
  backend: SessionBackend;
  reconciler: Reconciler;
  subscriptions: Subscriptions;
  policies: Pick<PolicyService, 'status'>;
}

export function daemonStatus({ daemon, sessions, backend, reconciler, subscriptions, policies }: StatusParts): Handler {
  return request(DaemonStatusRequest, (): DaemonStatus => {
    const all = sessions.all();
    const byStatus: Partial<Record<SessionStatus, number>> = {};
    for (const s of all) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
    const provider = backend.status();
    return {
      pid: daemon.pid,
      version: SESSD_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      uptime: Math.round((Date.now() - daemon.startedAt.getTime()) / 1000),
      startedAt: daemon.startedAt.toISOString(),
      paths: {
        socket: daemon.paths.socket,
        tmuxSocket: daemon.paths.tmuxSocket,
        stateDir: daemon.paths.stateDir,
        config: daemon.config.file,
      },
      sessions: { total: all.length, byStatus },
      connections: daemon.connections(),
      subscriptions: subscriptions.count,
      tmux: { available: provider.available, version: provider.version, serverPid: provider.serverPid, reason: provider.reason },
      unmanaged: reconciler.unmanaged,
      config: daemon.config,
      policies: policies.status(),
      reconciled: reconciler.summary,
    };
  });
}

export function daemonShutdown({ daemon }: { daemon: Pick<DaemonInfo, 'shutdown'> }): Handler {
  return request(DaemonShutdownRequest, () => {
    daemon.shutdown();
    return {};
  });
}

export function daemonMetrics({ metrics }: { metrics: MetricsCollector }): Handler {
  return request(DaemonMetricsRequest, async (p): Promise<DaemonMetricsResult> => {
    const snapshot = await metrics.snapshot();
    return p.format === 'prometheus' ? { format: 'prometheus', text: toPrometheus(snapshot) } : snapshot;
  });
}
