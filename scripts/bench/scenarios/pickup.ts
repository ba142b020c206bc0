// 1. Pickup latency: how long after a job is due its run starts (pga_joblog.jlgstart − due),
// for "Run now" at random instants and for schedules due at minute boundaries, at each agent's
// default poll and at -t 1. Both agents run at once on separate databases: the scenario is
// bound by waiting, and the same moment's machine noise then hits both alike.
import { AgentFlags, AgentKind } from '../agents';
import { BenchContext, Scenario } from '../context';
import { createBenchJobs, runNow, runNowLatencies, scheduledLatencies, STEPS } from '../jobs';
import { fmtQuantiles, label, ratioLine } from '../report';
import { failed, perAgent, withSession } from '../session';
import { quantiles, Quantiles } from '../stats';
import { msToNextMinute, sleep, poll } from '../../../test/helpers/wait';

const SCHEDULED_JOBS = 3;
/** Longest wait after the last due instant: above either agent's default poll (10 s). */
const SETTLE_MS = 15_000;
/**
 * Scheduled samples are the steady state: minute boundaries at least this long (more than a
 * default poll) after the schedules were created. A boundary sooner than that is a schedule
 * the agent may not have seen yet, which "Run now" already measures.
 */
const SCHEDULE_LEAD_MS = 12_000;

interface Phase {
  name: string;
  flags: AgentFlags;
  /** Run-now samples, made due at random instants within windowMs. */
  samples: number;
  windowMs: number;
  /** Minute boundaries the scheduled jobs are watched over. */
  boundaries: number;
}

interface PickupResult {
  runNow: Quantiles;
  scheduled: Quantiles;
  missed: number;
  runNowSeconds: number[];
  scheduledSeconds: number[];
}

async function measure(ctx: BenchContext, kind: AgentKind, phase: Phase): Promise<PickupResult> {
  return withSession(ctx, `pickup_${phase.name}_${kind.name}`, async (s) => {
    await s.start(kind, phase.flags);
    const runNowIds = await createBenchJobs(s.db, phase.samples, STEPS.select);
    const scheduledIds = await createBenchJobs(s.db, SCHEDULED_JOBS, STEPS.select, { everyMinute: true });
    const start = Date.now();
    const toFirst = msToNextMinute() + (msToNextMinute() < SCHEDULE_LEAD_MS ? 60_000 : 0);
    const firstBoundary = new Date(Math.round((start + toFirst) / 60_000) * 60_000);
    const lastDue = Math.max(phase.windowMs, toFirst + (phase.boundaries - 1) * 60_000);
    const offsets = runNowIds.map(() => Math.random() * phase.windowMs).sort((a, b) => a - b);
    for (const [i, offset] of offsets.entries()) {
      await sleep(start + offset - Date.now());
      await runNow(s.db, [runNowIds[i]]);
    }
    const expected = phase.samples + SCHEDULED_JOBS * phase.boundaries;
    const samples = async (): Promise<[number[], number[]]> => [
      await runNowLatencies(s.db),
      await scheduledLatencies(s.db, scheduledIds, firstBoundary),
    ];
    await poll(
      async () => ((await samples()).flat().length >= expected ? true : undefined),
      start + lastDue + SETTLE_MS - Date.now(),
      250,
    );
    const [runNowSeconds, scheduledSeconds] = await samples();
    return {
      runNow: quantiles(runNowSeconds),
      scheduled: quantiles(scheduledSeconds),
      missed: Math.max(0, expected - runNowSeconds.length - scheduledSeconds.length),
      runNowSeconds,
      scheduledSeconds,
    };
  });
}

export const pickup: Scenario = {
  name: 'pickup',
  async run(ctx) {
    const quick = ctx.opts.quick;
    const phases: Phase[] = [
      {
        name: 'default poll',
        flags: {},
        samples: quick ? 8 : 20,
        windowMs: quick ? 15_000 : 40_000,
        boundaries: quick ? 1 : 2,
      },
      {
        name: '-t 1',
        flags: { poll: 1 },
        samples: quick ? 8 : 20,
        windowMs: quick ? 10_000 : 30_000,
        boundaries: 1,
      },
    ];
    ctx.report.line(
      `pickup latency (jlgstart - due; one run per agent and poll; "Run now" at random instants, schedules at minute ` +
        `boundaries ${SCHEDULE_LEAD_MS / 1000} s or more after they were created; agents side by side)`,
    );
    const results: Record<string, unknown> = {};
    for (const phase of phases) {
      const byAgent = await perAgent(ctx, (kind) => measure(ctx, kind, phase), { concurrent: true });
      for (const [name, r] of Object.entries(byAgent)) {
        if (failed(r)) {
          ctx.report.line(`  ${label(`${phase.name}, ${name}`)} error: ${r.error}`);
          continue;
        }
        const missed = r!.missed ? `, ${r!.missed} samples never picked up` : '';
        ctx.report.line(
          `  ${label(`${phase.name}, ${name}`)} run now:   ${fmtQuantiles(r!.runNow)}${missed}`,
        );
        ctx.report.line(`  ${label('')} scheduled: ${fmtQuantiles(r!.scheduled)}`);
      }
      const o = byAgent.ours;
      const u = byAgent.upstream;
      if (o && u && !failed(o) && !failed(u)) {
        const line = ratioLine([
          ['run-now median', o.runNow.median, u.runNow.median],
          ['run-now p99', o.runNow.p99, u.runNow.p99],
          ['scheduled median', o.scheduled.median, u.scheduled.median],
        ]);
        if (line) ctx.report.line(line);
      }
      results[phase.name] = byAgent;
    }
    return results;
  },
};
