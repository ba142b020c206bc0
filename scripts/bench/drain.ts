// Bursts, shared by the burst, batch-burst and multi-agent scenarios: start the given agents on
// a fresh database, make n one-step jobs due at the same instant, wait until every job has run
// (or a timeout), measure what it cost; repeat, summarise and print.
import { AgentKind } from './agents';
import { BenchContext } from './context';
import { createBenchJobs, Outcome, outcome, runNow, Step, Tally, waitDrained } from './jobs';
import { Usage } from './meter';
import { fmtSpread, label, ratioLine } from './report';
import { withSession } from './session';
import { Spread, spreadEach } from './stats';

export interface BurstSpec {
  label: string;
  jobs: number;
  step: Step;
  /** Fewer repetitions than the bench's for a long variant. */
  maxReps?: number;
}

export interface BurstResult extends Outcome, Usage {
  drained: boolean;
}

/** Generous: a slow agent gets its time, a stuck one costs minutes, not the whole run. */
const timeoutMs = (jobs: number): number => 60_000 + jobs * 250;

/** Agents run at their default poll: bursts are about what a default install does. */
export async function runBurst(ctx: BenchContext, kinds: AgentKind[], spec: BurstSpec): Promise<BurstResult> {
  return withSession(ctx, `${spec.label}_${kinds.map((k) => k.name).join('_')}`, async (s) => {
    for (const kind of kinds) await s.start(kind);
    const ids = await createBenchJobs(s.db, spec.jobs, spec.step);
    const meter = await s.meter();
    await runNow(s.db, ids);
    const drained = await waitDrained(s.db, timeoutMs(spec.jobs));
    const usage = await meter.stop();
    return { ...(await outcome(s.db)), ...usage, drained };
  });
}

/** The fields reported as median (min..max) over repetitions. */
export const BURST_METRICS = [
  'drainSeconds',
  'firstStartSeconds',
  'spanSeconds',
  'succeeded',
  'failed',
  'internal',
  'neverRan',
  'runs',
  'duplicatedJobs',
  'extraRuns',
  'rerunJobs',
  'duplicatedSinkJobs',
  'peakBackends',
  'peakServerBackends',
  'cpuSelf',
  'cpuChildren',
  'peakRssMB',
  'peakThreads',
  'peakChildren',
] as const;

/** Tallies summed over repetitions, largest first. */
function mergeTallies(lists: Tally[][]): Tally[] {
  const counts = new Map<string, number>();
  for (const list of lists)
    for (const { key, count } of list) counts.set(key, (counts.get(key) ?? 0) + count);
  return [...counts.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count);
}

export interface BurstConfig {
  name: string;
  kinds: AgentKind[];
}

export interface BurstSummary {
  reps: BurstResult[];
  summary: Record<(typeof BURST_METRICS)[number], Spread>;
  failureReasons: Tally[];
  runsBy: Tally[];
  extraRunsBy: Tally[];
  /** Repetitions that hit the timeout before every job had run. */
  timeouts: number;
}

/**
 * Runs the burst `reps` times per config, interleaving configs so slow drifts in the machine's
 * load spread over all of them, and prints one line per config plus the ours/upstream ratios.
 */
export async function repeatBursts(
  ctx: BenchContext,
  spec: BurstSpec,
  configs: BurstConfig[],
  compare: [ours: string, upstream: string],
): Promise<Record<string, BurstSummary | { error: string }>> {
  const reps: Record<string, BurstResult[]> = {};
  const errors: Record<string, string> = {};
  for (let i = 0; i < Math.min(ctx.opts.reps, spec.maxReps ?? Infinity); i++) {
    for (const c of configs) {
      if (errors[c.name]) continue;
      try {
        (reps[c.name] ??= []).push(await runBurst(ctx, c.kinds, spec));
      } catch (e) {
        errors[c.name] = e instanceof Error ? e.message : String(e);
      }
    }
  }
  const out: Record<string, BurstSummary | { error: string }> = {};
  for (const c of configs) {
    const r = reps[c.name] ?? [];
    if (errors[c.name] && r.length === 0) {
      out[c.name] = { error: errors[c.name] };
      ctx.report.line(`  ${label(`${spec.label}, ${c.name}`)} error: ${errors[c.name]}`);
      continue;
    }
    const s: BurstSummary = {
      reps: r,
      summary: spreadEach(r, BURST_METRICS),
      failureReasons: mergeTallies(r.map((x) => x.failureReasons)),
      runsBy: mergeTallies(r.map((x) => x.runsBy)),
      extraRunsBy: mergeTallies(r.map((x) => x.extraRunsBy)),
      timeouts: r.filter((x) => !x.drained).length,
    };
    out[c.name] = s;
    ctx.report.line(`  ${label(`${spec.label}, ${c.name}`)} ${burstLine(s, spec)}`);
    for (const f of s.failureReasons.slice(0, 3))
      ctx.report.line(`  ${label('')}   failed step x${f.count} (all reps): ${f.key}`);
    const tally = (t: Tally[]): string => t.map((d) => `${d.key} ${d.count}`).join(', ');
    if (s.runsBy.length > 1) ctx.report.line(`  ${label('')}   runs by agent (all reps): ${tally(s.runsBy)}`);
    if (s.extraRunsBy.length) {
      ctx.report.line(
        `  ${label('')}   log rows beyond a job's first real run, by agent and status (all reps): ${tally(s.extraRunsBy)}`,
      );
    }
  }
  const o = out[compare[0]];
  const u = out[compare[1]];
  if (o && u && !('error' in o) && !('error' in u)) {
    const m = (x: BurstSummary, k: (typeof BURST_METRICS)[number]): number => x.summary[k].median;
    const line = ratioLine([
      ['drain', m(o, 'drainSeconds'), m(u, 'drainSeconds')],
      ['span', m(o, 'spanSeconds'), m(u, 'spanSeconds')],
      ['succeeded', m(o, 'succeeded'), m(u, 'succeeded')],
      ['cpu', m(o, 'cpuSelf'), m(u, 'cpuSelf')],
      ['peak rss', m(o, 'peakRssMB'), m(u, 'peakRssMB')],
      ['peak backends', m(o, 'peakBackends'), m(u, 'peakBackends')],
    ]);
    if (line) ctx.report.line(line);
  }
  return out;
}

function burstLine(s: BurstSummary, spec: BurstSpec): string {
  const f = (k: (typeof BURST_METRICS)[number], digits = 0, unit = ''): string =>
    fmtSpread(s.summary[k], digits, unit);
  const timeouts = s.timeouts ? `, TIMED OUT in ${s.timeouts}/${s.reps.length} reps` : '';
  // Only INSERT steps leave a trace of each execution.
  const twice = spec.step.code.includes('bench_sink') ? `, steps run twice ${f('duplicatedSinkJobs')}` : '';
  return (
    `drain ${f('drainSeconds', 2, ' s')} from due (first start ${f('firstStartSeconds', 2, ' s')}, span ${f('spanSeconds', 2, ' s')}), ` +
    `ok ${f('succeeded')}/${spec.jobs}, failed ${f('failed')}, internal ${f('internal')}, never ran ${f('neverRan')}, ` +
    `runs ${f('runs')}, jobs with >1 log row ${f('duplicatedJobs')} (>1 real run ${f('rerunJobs')}${twice}), peak backends ${f('peakBackends')} (server ${f('peakServerBackends')}), ` +
    `cpu ${f('cpuSelf', 2, ' s')}${s.summary.cpuChildren.median > 0 ? ` + children ${f('cpuChildren', 2, ' s')}` : ''}, ` +
    `rss ${f('peakRssMB', 1, ' MB')}, threads ${f('peakThreads')}` +
    `${s.summary.peakChildren.max > 0 ? `, child processes ${f('peakChildren')}` : ''}${timeouts}`
  );
}
