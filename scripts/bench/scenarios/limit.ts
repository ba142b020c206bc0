// 2b. The limit: the most runs per second this machine's server completes the bookkeeping of,
// with pgbench replaying the agent's statements for one run (pgbench.ts) at 1-4 clients on the
// bench's cluster, and our 1,000-job burst's drain rate (jobs / due-to-end) as a fraction of it.
// The burst is the burst scenario's when it ran in this bench, else one burst of our own here.
import { BenchContext, Scenario } from '../context';
import { BurstSummary, runBurst } from '../drain';
import { STEPS } from '../jobs';
import { armJobs, limitJobs, pgbench } from '../pgbench';
import { label, num } from '../report';
import { withSession } from '../session';

const BURST = '1000 x SELECT 1';

/** Seconds from due to the end of our 1,000-job burst's last run. */
async function oursDrainSeconds(ctx: BenchContext): Promise<number | undefined> {
  const fromBurst = (ctx.report.result('burst') as Record<string, Record<string, BurstSummary>> | undefined)?.[BURST]?.ours;
  if (fromBurst?.summary) return fromBurst.summary.drainSeconds.median;
  const ours = ctx.agents.find((k) => k.name === 'ours');
  if (!ours) return undefined;
  return (await runBurst(ctx, [ours], { label: BURST, jobs: 1000, step: STEPS.select })).drainSeconds;
}

export const limit: Scenario = {
  name: 'limit',
  async run(ctx) {
    const runs = ctx.opts.quick ? 2000 : 6000;
    ctx.report.line(`limit (pgbench -M prepared replaying one run's bookkeeping: claim with its log row, step log row, step end, run end; ${runs} runs per client count)`);
    const perClients = await withSession(ctx, 'limit', async (s) => {
      await limitJobs(s.db, runs);
      const out: Record<number, number> = {};
      for (const clients of [1, 2, 3, 4]) {
        const agent = await armJobs(s.db);
        out[clients] = pgbench(s.db, agent, clients, Math.floor(runs / clients));
        ctx.report.line(`  ${label(`${clients} client(s)`)} ${num(out[clients], 0)} runs/s`);
      }
      return out;
    });
    const [bestClients, best] = Object.entries(perClients).reduce((a, b) => (b[1] > a[1] ? b : a));
    const drain = await oursDrainSeconds(ctx);
    const oursRate = drain === undefined ? undefined : 1000 / drain;
    const fraction = oursRate === undefined ? undefined : oursRate / best;
    ctx.report.line(
      `  ${label('limit')} ${num(best, 0)} runs/s (${bestClients} clients); ours, 1,000 x SELECT 1: ` +
        (oursRate === undefined ? 'not measured' : `${num(oursRate, 0)} runs/s due to end, ${num((fraction as number) * 100, 0)}% of the limit`),
    );
    return { runs, perClients, best, bestClients: Number(bestClients), oursDrainSeconds: drain, oursRunsPerSecond: oursRate, fraction };
  },
};
