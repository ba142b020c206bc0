// What every scenario gets: the cluster, the agents that are available, options, the report.
import { AgentKind, AgentName } from './agents';
import { BenchCluster } from './db';
import { Report } from './report';

export const SCENARIOS = ['pickup', 'burst', 'batch', 'idle', 'multi', 'crash', 'nextrun', 'purge'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  only: Set<ScenarioName>;
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
  opts: BenchOptions;
  logDir: string;
  report: Report;
}

export interface Scenario {
  name: ScenarioName;
  /** Returns the scenario's machine-readable results (also recorded in the JSON summary). */
  run(ctx: BenchContext): Promise<unknown>;
}
