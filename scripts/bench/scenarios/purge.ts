// 8. History purge under load: a log of 2 million rows (1 million runs with one step log
// each, spread over 200 jobs and a year), purged with pgagent.purge_history while the agent
// runs "Run now" jobs every 100 ms. Reports how long the purge took, the worst pickup delay of
// jobs made due during it, and the same delay without a purge for comparison. purge_history
// is in our extension, so it is measured with our agent only; pgAgent 4.2's would see the
// same statements.
import { BenchContext, Scenario } from '../context';
import { BenchDb } from '../db';
import { createBenchJobs, runNow, runNowLatencies } from '../jobs';
import { fmtQuantiles, label, num } from '../report';
import { withSession } from '../session';
import { quantiles, Quantiles } from '../stats';
import { sleep, poll } from '../../../test/helpers/wait';

const HISTORY_JOBS = 200;
const PICKUP_EVERY_MS = 100;

interface PurgeResult {
  logRows: number;
  runsDeleted: number;
  purgeSeconds: number;
  pickupDuringPurge: Quantiles;
  pickupWithoutPurge: Quantiles;
}

/** runs runs for each of the history jobs, one step log row each, spread over the last year. */
async function fillHistory(db: BenchDb, runsPerJob: number): Promise<number> {
  const jobs = await createBenchJobs(db, HISTORY_JOBS, { kind: 's', code: 'SELECT 1' });
  await db.query(
    `WITH r AS (
       INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus, jlgstart, jlgduration)
       SELECT j, 's', now() - (g * interval '1 year' / $2), interval '1 second'
         FROM unnest($1::int4[]) j, generate_series(1, $2::int) g
       RETURNING jlgid, jlgjobid)
     INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jsloutput)
     SELECT r.jlgid, s.jstid, 's', 1, 'SELECT 1' FROM r JOIN pgagent.pga_jobstep s ON s.jstjobid = r.jlgjobid`,
    [jobs, runsPerJob],
  );
  await db.query('ANALYZE pgagent.pga_joblog');
  await db.query('ANALYZE pgagent.pga_jobsteplog');
  const [c] = await db.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM pgagent.pga_joblog) + (SELECT count(*) FROM pgagent.pga_jobsteplog) AS n',
  );
  return Number(c.n);
}

/** Makes one of the probe jobs due every PICKUP_EVERY_MS while busy() holds; returns their pickup delays. */
async function pickupWhile(db: BenchDb, probes: number[], busy: () => boolean): Promise<Quantiles> {
  await db.query('TRUNCATE public.bench_due');
  for (let i = 0; busy(); i++) {
    await runNow(db, [probes[i % probes.length]]);
    await sleep(PICKUP_EVERY_MS);
  }
  await poll(async () => ((await runNowLatencies(db, probes)).length > 0 ? true : undefined), 30_000);
  await sleep(2000);
  return quantiles(await runNowLatencies(db, probes));
}

export const purge: Scenario = {
  name: 'purge',
  async run(ctx: BenchContext): Promise<PurgeResult | { skipped: string }> {
    const ours = ctx.agents.find((a) => a.name === 'ours');
    if (!ours) return { skipped: 'our agent is not available' };
    const runsPerJob = ctx.opts.quick ? 500 : 5000;
    return withSession(ctx, 'purge', async (s) => {
      const logRows = await fillHistory(s.db, runsPerJob);
      await s.start(ours);
      // Probe jobs: each is made due again only after its previous run, so no delay is hidden by overlap.
      const probes = await createBenchJobs(s.db, 20, { kind: 's', code: 'SELECT 1' });
      const baselineUntil = Date.now() + 5000;
      const pickupWithoutPurge = await pickupWhile(s.db, probes, () => Date.now() < baselineUntil);
      let purging = true;
      const t0 = process.hrtime.bigint();
      const purged = s.db
        .connect()
        .then(async (c) => {
          try {
            const [r] = (await c.query("SELECT pgagent.purge_history('1 month', 10) AS n")).rows;
            return Number(r.n);
          } finally {
            await c.end();
          }
        })
        .finally(() => (purging = false));
      const pickupDuringPurge = await pickupWhile(s.db, probes, () => purging);
      const runsDeleted = await purged;
      const purgeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      ctx.report.line(
        `purge: ${logRows} log rows, purge_history('1 month', 10) deleted ${runsDeleted} runs in ${num(purgeSeconds)} s`,
      );
      ctx.report.line(`  ${label('pickup during the purge')} ${fmtQuantiles(pickupDuringPurge)}`);
      ctx.report.line(`  ${label('pickup without a purge')} ${fmtQuantiles(pickupWithoutPurge)}`);
      return { logRows, runsDeleted, purgeSeconds, pickupDuringPurge, pickupWithoutPurge };
    });
  },
};
