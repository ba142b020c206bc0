// What the agent offers operators beside running jobs, wired to its events: Prometheus
// metrics and health over HTTP (--http), notifications of ended runs (--notify-webhook,
// --notify-command) and history retention (pgagent.history_retention). Each is off unless
// asked for (retention: unless the database sets it), and none can stop a job or the loop.
import { AgentEvents } from './events';
import { HealthServer, startHealthServer } from './http/server';
import { Logger } from './logger';
import { AgentMetrics } from './metrics';
import { createRunNotifier, Query, RunNotifier } from './notify/run-notifier';
import { AgentOptions } from './options';
import { runRetention } from './retention';

export interface OperationsDeps {
  events: AgentEvents;
  logger: Logger;
  /** A statement on the service connection, run once it is up (again after a reconnect). */
  submit: Query;
  running(): number;
  live(): boolean;
  notReadyReason(): string | null;
}

export interface Operations {
  /** The poll loop went through a poll. */
  polled(): void;
  close(): Promise<void>;
}

const NOTIFY_TIMEOUT_MS = 10_000;

/** Starts what the options ask for; throws (a configuration error) when --http cannot listen. */
export async function startOperations(options: AgentOptions, deps: OperationsDeps): Promise<Operations> {
  const { events, logger } = deps;
  const stop = new AbortController();
  const metrics = options.http ? new AgentMetrics(deps.running) : null;
  if (metrics) countEvents(events, metrics);
  let server: HealthServer | null = null;
  if (options.http) {
    server = await startHealthServer(options.http, {
      live: deps.live,
      notReadyReason: deps.notReadyReason,
      metrics: async () => ({ contentType: metrics!.contentType, body: await metrics!.text() }),
    });
    logger.debug(
      `serving /livez, /readyz and /metrics on http://${options.http.host}:${server.address.port}`,
    );
  }
  const notifier: RunNotifier | null = createRunNotifier(
    {
      webhook: options.notifyWebhook,
      command: options.notifyCommand,
      on: options.notifyOn,
      timeoutMs: NOTIFY_TIMEOUT_MS,
    },
    deps.submit,
    logger,
  );
  if (notifier) {
    events.on('runFinished', (e) => {
      if (e.runId !== null && e.recorded) notifier.runEnded({ runId: e.runId, status: e.status });
    });
  }
  const retention = runRetention(deps.submit, logger, options.historyIntervalSeconds * 1000, stop.signal);
  return {
    polled: () => metrics?.lastPoll.set(Date.now() / 1000),
    close: async () => {
      stop.abort();
      await Promise.all([retention, notifier?.close(), server?.close()]);
    },
  };
}

function countEvents(events: AgentEvents, m: AgentMetrics): void {
  events.on('claimed', (e) => {
    for (const job of e.jobs)
      if (job.lateSeconds !== undefined) m.pickupDelay.observe(Math.max(0, job.lateSeconds));
  });
  events.on('stepFinished', (e) => m.steps.inc({ kind: e.kind, status: e.status }));
  events.on('runFinished', (e) => {
    m.runs.inc({ status: e.status });
    m.runDuration.observe(e.seconds);
  });
  events.on('swept', (e) => m.deadAgentsCleared.inc(e.agents.length));
  events.on('connectionLost', () => m.serviceConnected.set(0));
  events.on('connectionRegained', (e) => {
    m.serviceConnected.set(1);
    if (e.previousPid !== null) m.reconnects.inc();
  });
}
