// What every scenario gets: the cluster, the agents that are available, options, the report.
import { AgentKind, AgentName } from './agents';
import { CronBench } from './cron';
import { BenchCluster } from './db';
import { Report } from './report';

export const SCENARIOS = [
  'pickup',
  'burst',
  'limit',
  'batch',
  'idle',
  'multi',
  'crash',
  'nextrun',
  'purge',
  'pg_cron',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** What a bench measures: the two agents, and pg_cron, which runs inside the server (scenarios/cron*.ts). */
export const MEASURED = ['ours', 'upstream', 'pg_cron'] as const;
export type Measured = (typeof MEASURED)[number];

export interface BenchOptions {
  quick: boolean;
  only: Set<ScenarioName>;
  /** What to measure (--agents). */
  measured: Set<Measured>;
  /** Repetitions of the short scenarios (burst, batch burst, multi-agent). */
  reps: number;
  upstreamBin: string | undefined;
  outDir: string;
}

export interface BenchContext {
  bench: BenchCluster;
  /** The agents that started on a probe database, in run order. */
  agents: AgentKind[];
  unavailable: Array<{ name: AgentName; reason: string }>;
  /** pg_cron, when it is measured and the cluster preloads it; else why not. */
  cron?: CronBench;
  cronMissing?: string;
  opts: BenchOptions;
  logDir: string;
  report: Report;
}

export interface Scenario {
  name: ScenarioName;
  /** Returns the scenario's machine-readable results (also recorded in the JSON summary). */
  run(ctx: BenchContext): Promise<unknown>;
}
