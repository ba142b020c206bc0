// At 100,000 jobs the planner must use 4.3's indexes for the agents' due-job query and for
// the cascade from a step to its step logs. Plans are checked, not timings (the figures come
// from scripts/bench-extension.ts).
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { DUE_JOBS_SQL, loadJobs } from '../../scripts/bench-extension';

let db: TestDatabase;
let client: Client;
beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.connect();
  await loadJobs(client, { jobs: 100_000, jobsWithHistory: 50, runs: 200 });
}, 120_000);
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

test('the due-job query reads pga_job_due', async () => {
  await client.query(`PREPARE due(text) AS ${DUE_JOBS_SQL}`);
  const plan = (await client.query("EXPLAIN (COSTS OFF) EXECUTE due('host1')")).rows.map((r) => r['QUERY PLAN']);
  expect(plan.join('\n')).toMatch(/Index Scan using pga_job_due on pga_job/);
});

test('deleting a step finds its step logs through pga_jobsteplog_jsljstid', async () => {
  // The cascade runs as a query inside the foreign key's trigger; auto_explain shows its plan.
  const plans: string[] = [];
  client.on('notice', (n) => plans.push(n.message ?? ''));
  await client.query(`LOAD 'auto_explain';
    SET auto_explain.log_min_duration = 0;
    SET auto_explain.log_nested_statements = on;
    SET auto_explain.log_level = notice;`);
  await client.query('DELETE FROM pgagent.pga_jobstep WHERE jstid = (SELECT min(jstid) FROM pgagent.pga_jobstep)');
  const cascade = plans.find((p) => p.includes('DELETE FROM ONLY "pgagent"."pga_jobsteplog"'));
  expect(cascade).toMatch(/(Index|Bitmap Index) Scan on pga_jobsteplog_jsljstid|Index Scan using pga_jobsteplog_jsljstid/);
});
