// pgagent.explain(job_id): one readable line per reason a job is or is not about to run.
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { utcClient } from '../helpers/catalog-rows';
import { claim, deadPid, recordRun, registerAgent } from './runs';

let db: TestDatabase;
let client: Client;
let job: number;
let pid: number;

beforeEach(async () => {
  db = await createTestDatabase();
  client = await utcClient(db);
  // A job due every year on 1 January at 03:00 (UTC), and a live agent: this session.
  job = (await client.query("SELECT pgagent.schedule('yearly', '0 3 1 1 *', 'SELECT 1') AS id")).rows[0].id;
  pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
});

afterEach(async () => {
  await client?.end();
  await db?.drop();
});

async function reasons(): Promise<string[]> {
  return (await client.query('SELECT reason FROM pgagent.explain($1)', [job])).rows.map((r) => r.reason);
}

/** The next 1 January 03:00 in a zone, as explain() writes it. */
const nextNewYear = async (zone = 'UTC'): Promise<string> =>
  (
    await client.query(
      "SELECT to_char(date_trunc('year', (now() AT TIME ZONE $1) - interval '3 hours') + interval '1 year 3 hours', 'YYYY-MM-DD HH24:MI') AS t",
      [zone],
    )
  ).rows[0].t;

test('a job that will run: its next run and the zone, and nothing else', async () => {
  await registerAgent(client, pid, 'db1');
  expect(await reasons()).toEqual([`next run at ${await nextNewYear()} (UTC), by schedule "0 3 1 1 *"`]);
});

test("the next run is told in the schedule's own zone", async () => {
  await registerAgent(client, pid, 'db1');
  await client.query("SELECT pgagent.alter_job($1, time_zone => 'Asia/Tokyo')", [job]);
  expect(await reasons()).toEqual([
    `next run at ${await nextNewYear('Asia/Tokyo')} (Asia/Tokyo), by schedule "0 3 1 1 *"`,
  ]);
});

test('disabled', async () => {
  await registerAgent(client, pid, 'db1');
  await client.query('SELECT pgagent.alter_job($1, enabled => false)', [job]);
  expect(await reasons()).toEqual([
    `disabled: it does not run until enabled (SELECT pgagent.alter_job(${job}, enabled => true))`,
  ]);
});

test('no enabled schedule', async () => {
  await registerAgent(client, pid, 'db1');
  await client.query('UPDATE pgagent.pga_schedule SET jscenabled = false WHERE jscjobid = $1', [job]);
  expect(await reasons()).toEqual([
    `no enabled schedule: it runs only when started by hand (SELECT pgagent.run_now(${job}))`,
  ]);
});

test('a schedule that has ended, and so no next run', async () => {
  await registerAgent(client, pid, 'db1');
  await client.query(
    "UPDATE pgagent.pga_schedule SET jscstart = '2020-01-01 00:00Z', jscend = '2021-06-30 12:00Z' WHERE jscjobid = $1",
    [job],
  );
  expect(await reasons()).toEqual([
    'schedule "0 3 1 1 *" ended on 2021-06-30 12:00 (UTC)',
    'no next run: none of its enabled schedules will fire again',
  ]);
});

test('due and waiting for an agent; a run asked for by hand', async () => {
  await registerAgent(client, pid, 'db1');
  await client.query("UPDATE pgagent.pga_job SET jobnextrun = '2026-01-01 00:00Z' WHERE jobid = $1", [job]);
  expect(await reasons()).toEqual(['due since 2026-01-01 00:00 (UTC) and waiting for an agent']);
  await client.query("UPDATE pgagent.pga_job SET jobnextrun = '2199-01-01 00:00Z' WHERE jobid = $1", [job]);
  expect(await reasons()).toEqual(['next run at 2199-01-01 00:00 (UTC), asked for by hand (Run now)']);
});

test('no enabled step', async () => {
  await registerAgent(client, pid, 'db1');
  await client.query('UPDATE pgagent.pga_jobstep SET jstenabled = false WHERE jstjobid = $1', [job]);
  expect(await reasons()).toContain('no enabled step: a run would end at once as an internal error');
});

test('no agent registered at all', async () => {
  expect(await reasons()).toContain(
    'no agent registered at all: no pgagent is running against this database',
  );
});

test('no live agent: the registered ones are gone', async () => {
  await registerAgent(client, await deadPid(client), 'db1');
  expect(await reasons()).toContain('no live agent: the 1 registered agent(s) are gone');
});

test('pinned to a station that no live agent has', async () => {
  await registerAgent(client, pid, 'db1');
  await registerAgent(client, await deadPid(client), 'db2');
  await client.query("UPDATE pgagent.pga_job SET jobhostagent = 'db2' WHERE jobid = $1", [job]);
  expect(await reasons()).toContain(
    'pinned to station "db2" and no live agent has that station (live stations: db1)',
  );
  await client.query("UPDATE pgagent.pga_job SET jobhostagent = 'db1' WHERE jobid = $1", [job]);
  expect((await reasons()).filter((r) => r.startsWith('pinned'))).toEqual([]);
});

test('claimed by a live agent, or by a dead one', async () => {
  await registerAgent(client, pid, 'db1');
  await claim(client, job, pid);
  await recordRun(client, job, 'r', '2026-01-07 03:00Z');
  expect(await reasons()).toContain(
    `claimed by agent pid ${pid} on station "db1" since 2026-01-07 03:00 (UTC) (alive)`,
  );
  const dead = await deadPid(client);
  await registerAgent(client, dead, 'db2');
  await client.query('UPDATE pgagent.pga_job SET jobagentid = $2 WHERE jobid = $1', [job, dead]);
  expect(await reasons()).toContain(
    `claimed by agent pid ${dead} on station "db2" since 2026-01-07 03:00 (UTC) (dead: the next agent to start marks its run aborted and frees the job)`,
  );
});

test('the last run failed, at which step and with what', async () => {
  await registerAgent(client, pid, 'db1');
  const step = (await client.query('SELECT jstid FROM pgagent.pga_jobstep WHERE jstjobid = $1', [job]))
    .rows[0].jstid;
  await recordRun(client, job, 'f', '2026-01-01 03:00Z', [
    { jstid: step, status: 'f', output: 'ERROR:  division by zero\nCONTEXT: x' },
  ]);
  expect(await reasons()).toContain('last run failed at step "command" with: ERROR:  division by zero');
  // A later success clears it.
  await recordRun(client, job, 's', '2026-01-02 03:00Z', [{ jstid: step, status: 's' }]);
  expect((await reasons()).filter((r) => r.startsWith('last run'))).toEqual([]);
});

test('an exception removes the next slot', async () => {
  await registerAgent(client, pid, 'db1');
  const slot = await nextNewYear();
  await client.query(
    'INSERT INTO pgagent.pga_exception (jexscid, jexdate) SELECT jscid, $2::date FROM pgagent.pga_schedule WHERE jscjobid = $1',
    [job, slot.slice(0, 10)],
  );
  const following = `${Number(slot.slice(0, 4)) + 1}${slot.slice(4)}`;
  expect(await reasons()).toEqual([
    `next run at ${following} (UTC), by schedule "0 3 1 1 *"`,
    `an exception of schedule "0 3 1 1 *" removes its run at ${slot} (UTC); its next run is at ${following} (UTC)`,
  ]);
});

test('an unknown job is an error', async () => {
  await expect(client.query('SELECT * FROM pgagent.explain(-1)')).rejects.toThrow('no job with id -1');
});
