// 8. pg_cron, on the workloads where it compares: the start latency of jobs due at a whole
// minute (pg_cron ticks per minute), a burst of jobs due at the same minute (at its default
// cron.max_running_jobs), idle cost, and a server restart mid-job. Each part waits for minute
// boundaries: one minute per measurement (two for the restart's next run, full runs only).
import { BenchContext, Scenario } from '../context';
import { CRON_DB, CronBench, CronRun, cpuSeconds } from '../cron';
import { label, num } from '../report';
import { quantiles, Quantiles } from '../stats';
import { msToNextMinute, poll, sleep } from '../../../test/helpers/wait';

/** A minute's wait for the tick, plus time for its runs. */
const TICK_TIMEOUT_MS = 75_000;

interface CronBurst {
  jobs: number;
  succeeded: number;
  failed: number;
  neverRan: number;
  failureReasons: string[];
  /** Seconds from the due minute to the first start and to the end of the last run. */
  firstStartSeconds: number;
  drainSeconds: number;
  peakBackends: number;
}

async function latency(cron: CronBench, jobs: number, minutes: number): Promise<Quantiles> {
  await cron.reset();
  const due = await cron.scheduleEveryMinute(jobs, 'SELECT 1');
  const runs: CronRun[] = [];
  for (let m = 0; m < minutes; m++) {
    const minute = new Date(due.getTime() + m * 60_000);
    const rs = await cron.waitRuns(minute, jobs, false, TICK_TIMEOUT_MS);
    runs.push(...rs.filter((r) => r.startSeconds < 60));
  }
  await cron.unscheduleAll();
  return quantiles(runs.map((r) => r.startSeconds));
}

async function burst(cron: CronBench, jobs: number): Promise<CronBurst> {
  await cron.reset();
  const due = await cron.scheduleEveryMinute(jobs, 'SELECT 1');
  await sleep(Math.max(0, due.getTime() - Date.now() - 2_000));
  const sampler = await cron.sampleBackends();
  // Unscheduled once all have started, so that the next minute runs none of them again.
  await cron.waitRuns(due, jobs, false, TICK_TIMEOUT_MS + jobs * 100);
  await cron.unscheduleAll();
  const runs = await cron.waitRuns(due, jobs, true, 60_000 + jobs * 100);
  const peakBackends = await sampler.stop();
  const ended = runs.filter((r) => r.endSeconds !== null);
  const failed = runs.filter((r) => r.status === 'failed');
  return {
    jobs,
    succeeded: runs.filter((r) => r.status === 'succeeded').length,
    failed: failed.length,
    neverRan: jobs - new Set(runs.map((r) => r.jobid)).size,
    failureReasons: [...new Set(failed.map((r) => r.message ?? ''))].slice(0, 3),
    firstStartSeconds: Math.min(...runs.map((r) => r.startSeconds)),
    drainSeconds: Math.max(...ended.map((r) => r.endSeconds as number)),
    peakBackends,
  };
}

async function idle(ctx: BenchContext, cron: CronBench, seconds: number): Promise<Record<string, number>> {
  await cron.reset();
  // One job that is not due for months: "nothing due", as the agents' idle runs.
  await ctx.bench.admin(`SELECT cron.schedule('bench idle', '0 0 1 1 *', 'SELECT 1')`);
  const pid = await cron.launcherPid();
  if (pid === undefined) throw new Error('pg_cron launcher not running');
  await sleep(2_000);
  await ctx.bench.admin('SELECT pg_stat_statements_reset()');
  const cpu0 = cpuSeconds(pid);
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(pid) - cpu0;
  const [s] = await ctx.bench.admin<{ calls: number; ms: number }>(
    `SELECT coalesce(sum(calls), 0)::int AS calls, coalesce(sum(total_exec_time + total_plan_time), 0)::float8 AS ms
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) AND query NOT ILIKE '%pg_stat_statements%'`,
    [CRON_DB],
  );
  await cron.unscheduleAll();
  const perMinute = 60 / seconds;
  return {
    seconds,
    statementsPerMinute: s.calls * perMinute,
    serverMsPerMinute: s.ms * perMinute,
    cpuPerMinute: cpu * perMinute,
  };
}

async function restart(
  ctx: BenchContext,
  cron: CronBench,
  waitNextRun: boolean,
): Promise<Record<string, unknown>> {
  await cron.reset();
  const due = await cron.scheduleEveryMinute(1, 'SELECT pg_sleep(30)');
  const [started] = await cron.waitRuns(due, 1, false, TICK_TIMEOUT_MS);
  if (!started) throw new Error('the pg_sleep(30) job did not start');
  const t0 = Date.now();
  ctx.bench.cluster.restart();
  const back = Date.now();
  const launcherBack = (await cron.launcherPid()) === undefined ? null : (Date.now() - back) / 1000;
  // The launcher records what the restart interrupted once it runs again.
  const [interrupted] =
    (await poll(async () => {
      const rs = await cron.runs(due);
      return rs[0] && rs[0].status !== 'running' ? rs : undefined;
    }, 15_000)) ?? (await cron.runs(due));
  let nextRunAfterSeconds: number | null = null;
  if (waitNextRun) {
    const next = new Date(due.getTime() + Math.ceil((back - due.getTime()) / 60_000) * 60_000);
    const [run] =
      (await poll(async () => {
        const rs = await cron.runs(next);
        return rs.length ? rs : undefined;
      }, msToNextMinute(15_000))) ?? [];
    nextRunAfterSeconds = run ? (next.getTime() + run.startSeconds * 1000 - back) / 1000 : null;
  }
  await cron.unscheduleAll();
  return {
    restartSeconds: (back - t0) / 1000,
    launcherBackSeconds: launcherBack,
    interrupted: { status: interrupted?.status, message: interrupted?.message },
    nextRunAfterSeconds,
  };
}

export const cron: Scenario = {
  name: 'pg_cron',
  async run(ctx) {
    if (!ctx.cron) {
      ctx.report.line(`pg_cron: not measured (${ctx.cronMissing ?? 'not asked for'})`);
      return { unavailable: ctx.cronMissing ?? 'not asked for' };
    }
    const cron = ctx.cron;
    const quick = ctx.opts.quick;
    await cron.reset();
    const about = await cron.describe();
    ctx.report.line(
      `pg_cron ${about.version} (runs inside the server; cron.max_running_jobs ${about.maxRunningJobs}, one connection per run)`,
    );
    const out: Record<string, unknown> = { ...about };
    const lat = await latency(cron, 10, quick ? 1 : 2);
    out.scheduledPickup = lat;
    ctx.report.line(
      `  ${label('scheduled pickup')} start - due minute: median ${num(lat.median, 3)} s, p90 ${num(lat.p90, 3)} s, max ${num(lat.max, 3)} s (n=${lat.n})`,
    );
    const bursts: Record<string, CronBurst> = {};
    for (const jobs of quick ? [100] : [100, 1000]) {
      const b = (bursts[`${jobs} x SELECT 1`] = await burst(cron, jobs));
      ctx.report.line(
        `  ${label(`burst ${jobs} x SELECT 1`)} drain ${num(b.drainSeconds)} s from due (first start ${num(b.firstStartSeconds)} s), ` +
          `ok ${b.succeeded}/${jobs}, failed ${b.failed}, never ran ${b.neverRan}, peak backends ${b.peakBackends}` +
          (b.failureReasons.length ? `; failures: ${b.failureReasons.join(' | ').slice(0, 200)}` : ''),
      );
    }
    out.burst = bursts;
    const idleSeconds = 60;
    const i = (out.idle = await idle(ctx, cron, idleSeconds));
    ctx.report.line(
      `  ${label(`idle ${idleSeconds} s`)} launcher cpu ${num(i.cpuPerMinute)} s/min, ${num(i.statementsPerMinute, 1)} statements/min, ` +
        `server time ${num(i.serverMsPerMinute, 2)} ms/min`,
    );
    const r = (out.restart = await restart(ctx, cron, !quick));
    const interrupted = r.interrupted as { status?: string; message?: string };
    ctx.report.line(
      `  ${label('PostgreSQL restart mid-job')} launcher back ${num(r.launcherBackSeconds as number)} s after the server; interrupted run '${interrupted.status}'` +
        `${interrupted.message ? ` ("${interrupted.message}")` : ''}` +
        (quick
          ? ''
          : `; next run ${r.nextRunAfterSeconds === null ? 'never (within the timeout)' : `${num(r.nextRunAfterSeconds as number)} s after the server was back (its next minute)`}`),
    );
    return out;
  },
};
