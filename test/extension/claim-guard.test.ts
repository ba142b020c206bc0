// 4.3 refuses a claim (jobagentid NULL -> pid) of a job that is not due, so an agent working
// from a stale list (pgAgent 4.2's does not re-check) cannot run a job again right after another
// agent has run and released it.
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { insertJob, insertSchedule } from '../helpers/catalog-rows';

let db: TestDatabase;
let client: Client;
let agentPid: number;

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.connect();
  agentPid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  await client.query("INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES ($1, 'test')", [agentPid]);
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});

/** pgAgent 4.2's claim statement: no due check of its own. Returns the rows updated. */
async function claim(jobid: number): Promise<number> {
  const r = await client.query(
    'UPDATE pgagent.pga_job SET jobagentid = $1, joblastrun = now() WHERE jobagentid IS NULL AND jobid = $2',
    [agentPid, jobid],
  );
  return r.rowCount ?? 0;
}

test('a due job ("Run now") can be claimed, once', async () => {
  const jobid = await insertJob(client);
  await client.query('UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = $1', [jobid]);
  expect(await claim(jobid)).toBe(1);
  expect(await claim(jobid)).toBe(0);
});

test('a job whose next run is in the future cannot be claimed', async () => {
  const jobid = await insertJob(client);
  await insertSchedule(client, jobid);
  const [{ jobnextrun }] = (await client.query('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [jobid])).rows;
  expect(jobnextrun).not.toBeNull();
  expect(await claim(jobid)).toBe(0);
});

test('a job with no next run, or disabled, cannot be claimed', async () => {
  const never = await insertJob(client);
  const disabled = await insertJob(client, { enabled: false });
  await client.query("UPDATE pgagent.pga_job SET jobnextrun = now() - interval '1 minute' WHERE jobid = $1", [disabled]);
  expect(await claim(never)).toBe(0);
  expect(await claim(disabled)).toBe(0);
});

test('a run that just ended releases the job and a stale claim of it is refused', async () => {
  const jobid = await insertJob(client);
  await insertSchedule(client, jobid);
  await client.query('UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = $1', [jobid]);
  expect(await claim(jobid)).toBe(1);
  // The agent's end of run: the trigger computes the next run, far in the future.
  await client.query('UPDATE pgagent.pga_job SET jobagentid = NULL, jobnextrun = NULL WHERE jobid = $1', [jobid]);
  expect(await claim(jobid)).toBe(0);
});

test('other updates of a job are not affected', async () => {
  const jobid = await insertJob(client);
  const r = await client.query("UPDATE pgagent.pga_job SET jobname = 'renamed', jobdesc = 'x' WHERE jobid = $1", [jobid]);
  expect(r.rowCount).toBe(1);
});
