// Measures agents while a scenario runs: CPU seconds used in the window, peak RSS, peak threads
// and child processes (from /proc), and peak server backends (from pg_stat_activity).
import { Client } from 'pg';
import { BenchAgent } from './agents';
import { ProcSnapshot } from './procstats';
import { sleep } from '../../test/helpers/wait';

export interface Usage {
  /** CPU seconds of the agent processes themselves during the window. */
  cpuSelf: number;
  /** CPU seconds of their reaped children (batch steps) during the window. */
  cpuChildren: number;
  /** Largest VmHWM of any of the agents (peak since the agent started). */
  peakRssMB: number;
  peakThreads: number;
  /** Most live child processes seen at once (summed over the agents). */
  peakChildren: number;
  /** Most client backends of the agents' roles seen at once. */
  peakBackends: number;
  /** Most client backends of the whole server seen at once (the bench's own included). */
  peakServerBackends: number;
}

export interface Meter {
  stop(): Promise<Usage>;
}

const INTERVAL_MS = 100;

/** Starts sampling; `sampler` is a dedicated connection the meter ends when stopped. */
export function startMeter(procs: BenchAgent[], roles: string[], sampler: Client): Meter {
  const first = new Map<number, ProcSnapshot>();
  const last = new Map<number, ProcSnapshot>();
  const peak = { rss: 0, threads: 0, children: 0, backends: 0, server: 0 };
  let running = true;

  const sampleProcs = (): void => {
    let threads = 0;
    let children = 0;
    for (const p of procs) {
      const s = p.proc();
      if (!s) continue;
      if (!first.has(p.pid)) first.set(p.pid, s);
      last.set(p.pid, s);
      peak.rss = Math.max(peak.rss, s.peakRssMB);
      threads += s.threads;
      children += p.children();
    }
    peak.threads = Math.max(peak.threads, threads);
    peak.children = Math.max(peak.children, children);
  };

  const loop = (async () => {
    while (running) {
      sampleProcs();
      try {
        const { rows } = await sampler.query<{ agent: number; total: number }>(
          `SELECT count(*) FILTER (WHERE usename = ANY($1))::int AS agent, count(*)::int AS total
             FROM pg_stat_activity WHERE backend_type = 'client backend'`,
          [roles],
        );
        peak.backends = Math.max(peak.backends, rows[0].agent);
        peak.server = Math.max(peak.server, rows[0].total);
      } catch {
        // The server may be restarting; keep sampling the processes.
      }
      await sleep(INTERVAL_MS);
    }
  })();
  sampleProcs();

  return {
    async stop(): Promise<Usage> {
      sampleProcs();
      running = false;
      await loop;
      await sampler.end().catch(() => undefined);
      let cpuSelf = 0;
      let cpuChildren = 0;
      for (const [pid, a] of first) {
        const b = last.get(pid) ?? a;
        cpuSelf += b.cpuSelf - a.cpuSelf;
        cpuChildren += b.cpuChildren - a.cpuChildren;
      }
      return {
        cpuSelf,
        cpuChildren,
        peakRssMB: peak.rss,
        peakThreads: peak.threads,
        peakChildren: peak.children,
        peakBackends: peak.backends,
        peakServerBackends: peak.server,
      };
    },
  };
}
