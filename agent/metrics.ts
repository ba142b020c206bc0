// Prometheus metrics of the agent (prom-client): counters and histograms fed by the agent's
// events, and Node's default process metrics. No per-job labels: a label per job would make
// the number of series grow with the number of jobs.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];
const DELAY_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60];

export class AgentMetrics {
  readonly registry = new Registry();
  readonly runs = new Counter({
    name: 'pgagent_runs_total',
    help: 'Runs ended, by status (s f d i).',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly steps = new Counter({
    name: 'pgagent_steps_total',
    help: 'Steps ended, by kind (s sql, b batch) and status.',
    labelNames: ['kind', 'status'],
    registers: [this.registry],
  });
  readonly runDuration = new Histogram({
    name: 'pgagent_run_duration_seconds',
    help: 'Duration of ended runs.',
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly pickupDelay = new Histogram({
    name: 'pgagent_pickup_delay_seconds',
    help: 'Start of a run minus the time it was due.',
    buckets: DELAY_BUCKETS,
    registers: [this.registry],
  });
  readonly jobsRunning: Gauge;
  readonly serviceConnected = new Gauge({
    name: 'pgagent_service_connected',
    help: '1 while the service connection is up and registered.',
    registers: [this.registry],
  });
  readonly lastPoll = new Gauge({
    name: 'pgagent_last_poll_timestamp_seconds',
    help: 'When the agent last polled for due jobs (Unix time).',
    registers: [this.registry],
  });
  readonly deadAgentsCleared = new Counter({
    name: 'pgagent_dead_agents_cleared_total',
    help: 'Dead agents this agent cleared.',
    registers: [this.registry],
  });
  readonly reconnects = new Counter({
    name: 'pgagent_reconnects_total',
    help: 'Times the service connection was established again after a loss.',
    registers: [this.registry],
  });

  /** running: the runs in progress now, read at each scrape. */
  constructor(running: () => number = () => 0) {
    this.jobsRunning = new Gauge({
      name: 'pgagent_jobs_running',
      help: 'Runs in progress in this agent.',
      registers: [this.registry],
      collect() {
        this.set(running());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
