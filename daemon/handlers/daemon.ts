import { DaemonMetricsRequest, DaemonShutdownRequest, DaemonStatusRequest, type DaemonStatus } from '../../shared/protocol/daemon.js';
import type { DaemonMetricsResult } from '../../shared/protocol/metrics.js';
import type { SessionStatus } from '../../shared/protocol/model.js';
import { PROTOCOL_VERSION, SESSD_VERSION } from '../../shared/protocol/version.js';
import { toPrometheus } from '../metrics/prometheus.js';
import { request } from '../rpc/handler.js';

export const daemonStatus = request(DaemonStatusRequest, (_p, { services }): DaemonStatus => {
  const { daemon, registry, backend, reconciler } = services;
  const byStatus: Partial<Record<SessionStatus, number>> = {};
  for (const s of registry.all()) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
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
    sessions: { total: registry.size, byStatus },
    connections: daemon.connections(),
    subscriptions: services.subscriptions.count,
    tmux: { available: provider.available, version: provider.version, serverPid: provider.serverPid, reason: provider.reason },
    unmanaged: reconciler.unmanaged,
    config: daemon.config,
    reconciled: reconciler.summary,
  };
});

export const daemonShutdown = request(DaemonShutdownRequest, (_p, { services }) => {
  services.daemon.shutdown();
  return {};
});

export const daemonMetrics = request(DaemonMetricsRequest, async (p, { services }): Promise<DaemonMetricsResult> => {
  const metrics = await services.metrics.snapshot(services);
  return p.format === 'prometheus' ? { format: 'prometheus', text: toPrometheus(metrics) } : metrics;
});
