// 2b. The limit: the most runs per second this machine's server completes the bookkeeping of,
// with pgbench replaying the agent's statements for one run (pgbench.ts) at 1-4 clients on the
// bench's cluster, and our 1,000-job burst's drain rate (jobs / due-to-end) as a fraction of it.
// Where the time goes: server statements and time per run (pg_stat_statements) for pgbench's
// runs and for one burst of ours, run here (the burst scenario's figure, when it ran in this
// bench, is the one the fraction uses), and our agent's CPU per run.
import { BenchContext, Scenario } from '../context';
import { BurstSummary, runBurst } from '../drain';
import { STEPS } from '../jobs';
import { armJobs, limitJobs, pgbench } from '../pgbench';
import { label, num } from '../report';
import { withSession } from '../session';

const BURST = '1000 x SELECT 1';

interface StatementCost {
  query: string;
  calls: number;
  ms: number;
}

/**
 * What was sent since the last reset, most server time first: in database `db` (pgbench), or
 * else by the roles other than the bench's own (the agent's).
 */
async function statementCosts(ctx: BenchContext, db?: string): Promise<StatementCost[]> {
  return ctx.bench.admin<StatementCost>(
    `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS query, sum(calls)::int AS calls,
            sum(total_exec_time + total_plan_time)::float8 AS ms
       FROM pg_stat_statements
      WHERE CASE WHEN $1::text IS NULL THEN userid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
                 ELSE dbid = (SELECT oid FROM pg_database WHERE datname = $1) END
      GROUP BY 1 ORDER BY 3 DESC`,
    [db ?? null],
  );
}

function perRun(costs: StatementCost[], runs: number): { statements: number; serverMs: number } {
  return {
    statements: costs.reduce((a, c) => a + c.calls, 0) / runs,
    serverMs: costs.reduce((a, c) => a + c.ms, 0) / runs,
  };
}

/** One 1,000-job burst of ours with what it cost the server per run. */
async function oursBurst(ctx: BenchContext): Promise<Record<string, unknown> | undefined> {
  const ours = ctx.agents.find((k) => k.name === 'ours');
  if (!ours) return undefined;
  await ctx.bench.admin('SELECT pg_stat_statements_reset()');
  const r = await runBurst(ctx, [ours], { label: BURST, jobs: 1000, step: STEPS.select });
  const costs = await statementCosts(ctx);
  return {
    drainSeconds: r.drainSeconds,
    succeeded: r.succeeded,
    cpuPerRunMs: r.cpuSelf /* s per 1,000 runs = ms per run */,
    ...perRun(costs, 1000),
    top: costs.slice(0, 12),
  };
}

export const limit: Scenario = {
  name: 'limit',
  async run(ctx) {
    const runs = ctx.opts.quick ? 2000 : 6000;
    ctx.report.line(
      `limit (pgbench -M prepared replaying one run's bookkeeping: the claim with its run's and step's log rows, then the step's end with the run's end; ${runs} runs per client count)`,
    );
    const perClients: Record<number, number> = {};
    const replayCost = await withSession(ctx, 'limit', async (s) => {
      await limitJobs(s.db, runs);
      let total = 0;
      await ctx.bench.admin('SELECT pg_stat_statements_reset()');
      for (const clients of [1, 2, 3, 4]) {
        const agent = await armJobs(s.db);
        perClients[clients] = pgbench(s.db, agent, clients, Math.floor(runs / clients));
        total += Math.floor(runs / clients) * clients;
        ctx.report.line(`  ${label(`${clients} client(s)`)} ${num(perClients[clients], 0)} runs/s`);
      }
      return perRun(
        (await statementCosts(ctx, s.db.name)).filter(
          (c) =>
            !/^(UPDATE pgagent.pga_job SET jobnextrun = now|INSERT INTO pgagent.pga_jobagent)/.test(c.query),
        ),
        total,
      );
    });
    const [bestClients, best] = Object.entries(perClients).reduce((a, b) => (b[1] > a[1] ? b : a));
    ctx.report.line(
      `  ${label('pgbench, per run')} ${num(replayCost.statements, 1)} statements, ${num(replayCost.serverMs, 3)} ms server time`,
    );
    const mine = await oursBurst(ctx);
    if (mine) {
      ctx.report.line(
        `  ${label('ours, per run')} ${num(mine.statements as number, 1)} statements, ${num(mine.serverMs as number, 3)} ms server time, ` +
          `${num(mine.cpuPerRunMs as number, 3)} ms agent CPU (burst here: ${num(mine.drainSeconds as number)} s due to end)`,
      );
      for (const c of (mine.top as StatementCost[]).slice(0, 8)) {
        ctx.report.line(
          `  ${label('')}   ${num(c.calls / 1000, 2)}/run, ${num(c.ms / Math.max(1, c.calls), 3)} ms each: ${c.query}`,
        );
      }
    }
    const fromBurst = (
      ctx.report.result('burst') as Record<string, Record<string, BurstSummary>> | undefined
    )?.[BURST]?.ours?.summary;
    const drain = fromBurst ? fromBurst.drainSeconds.median : (mine?.drainSeconds as number | undefined);
    const oursRate = drain === undefined ? undefined : 1000 / drain;
    const fraction = oursRate === undefined ? undefined : oursRate / best;
    ctx.report.line(
      `  ${label('limit')} ${num(best, 0)} runs/s (${bestClients} clients); ours, 1,000 x SELECT 1: ` +
        (oursRate === undefined
          ? 'not measured'
          : `${num(oursRate, 0)} runs/s due to end, ${num((fraction as number) * 100, 0)}% of the limit`),
    );
    return {
      runs,
      perClients,
      best,
      bestClients: Number(bestClients),
      replayPerRun: replayCost,
      oursBurst: mine,
      oursDrainSeconds: drain,
      oursRunsPerSecond: oursRate,
      fraction,
    };
  },
};
