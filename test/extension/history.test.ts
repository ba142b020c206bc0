// pgagent.purge_history: deletes old finished runs in batches, keeping each job's newest runs
// and every running one, without waiting for rows other sessions hold.
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { insertJob, insertStep } from '../helpers/catalog-rows';

let db: TestDatabase;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.drop();
});
beforeEach(() => client.query('TRUNCATE pgagent.pga_joblog CASCADE'));

/** Runs of a job, one a day going back from yesterday, each with one step log row; returns their ids, newest first. */
async function addRuns(jobid: number, jstid: number, count: number, status = 's'): Promise<number[]> {
  const { rows } = await client.query(
    `INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus, jlgstart, jlgduration)
     SELECT $1, $3::char, now() - make_interval(days => d), '1 second' FROM generate_series(1, $2::int) d
     RETURNING jlgid`,
    [jobid, count, status],
  );
  await client.query(
    `INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jsloutput)
     SELECT id, $2, 's', 0, 'out' FROM unnest($1::int[]) id`,
    [rows.map((r) => r.jlgid), jstid],
  );
  return rows.map((r) => r.jlgid as number);
}

async function remaining(jobid: number): Promise<number[]> {
  const { rows } = await client.query('SELECT jlgid FROM pgagent.pga_joblog WHERE jlgjobid = $1 ORDER BY jlgstart DESC', [jobid]);
  return rows.map((r) => r.jlgid as number);
}

async function purge(args: string, params: unknown[] = []): Promise<number> {
  return Number((await client.query(`SELECT pgagent.purge_history(${args}) AS n`, params)).rows[0].n);
}

async function newJob(name: string): Promise<{ jobid: number; jstid: number }> {
  const jobid = await insertJob(client, { name });
  return { jobid, jstid: await insertStep(client, jobid) };
}

test('keeps the newest keep_per_job runs of each job and deletes the older ones with their step logs', async () => {
  const a = await newJob('a');
  const b = await newJob('b');
  const runsA = await addRuns(a.jobid, a.jstid, 30);
  const runsB = await addRuns(b.jobid, b.jstid, 4);
  expect(await purge("interval '0'", [])).toBe(30 - 10);
  expect(await remaining(a.jobid)).toEqual(runsA.slice(0, 10));
  expect(await remaining(b.jobid)).toEqual(runsB);
  const steps = await client.query('SELECT count(*)::int AS n FROM pgagent.pga_jobsteplog');
  expect(steps.rows[0].n).toBe(10 + 4);
});

test('only runs older than older_than go, and running runs always stay', async () => {
  const a = await newJob('a');
  const finished = await addRuns(a.jobid, a.jstid, 20);
  const running = await addRuns(a.jobid, a.jstid, 1, 'r');
  await client.query("UPDATE pgagent.pga_joblog SET jlgstart = now() - interval '400 days' WHERE jlgid = $1", [running[0]]);
  // Runs 1..20 days old; older than 10 days are 11..20; keep 2 newest (1 and 2 days old).
  expect(await purge("interval '10 days 1 hour', 2")).toBe(10);
  expect(await remaining(a.jobid)).toEqual(finished.slice(0, 10).concat(running));
});

test('keep_per_job 0 keeps only running runs', async () => {
  const a = await newJob('a');
  await addRuns(a.jobid, a.jstid, 5);
  const running = await addRuns(a.jobid, a.jstid, 1, 'r');
  expect(await purge("interval '0', 0")).toBe(5);
  expect(await remaining(a.jobid)).toEqual(running);
});

test('max_runs bounds one call, so callers can purge in short transactions', async () => {
  const a = await newJob('a');
  const b = await newJob('b');
  await addRuns(a.jobid, a.jstid, 8);
  await addRuns(b.jobid, b.jstid, 8);
  const calls: number[] = [];
  for (let n = -1; n !== 0; ) {
    n = await purge("interval '0', 1, 3, 2");
    calls.push(n);
  }
  expect(calls).toEqual([3, 3, 3, 3, 2, 0]);
  expect((await remaining(a.jobid)).length).toBe(1);
  expect((await remaining(b.jobid)).length).toBe(1);
});

test('rows another session has locked are skipped, not waited for', async () => {
  const a = await newJob('a');
  const runs = await addRuns(a.jobid, a.jstid, 5);
  const oldest = runs[runs.length - 1];
  const other = await db.connect();
  try {
    await other.query('BEGIN');
    await other.query('SELECT 1 FROM pgagent.pga_joblog WHERE jlgid = $1 FOR UPDATE', [oldest]);
    await client.query("SET lock_timeout = '5s'");
    expect(await purge("interval '0', 1")).toBe(3);
    expect(await remaining(a.jobid)).toEqual([runs[0], oldest]);
  } finally {
    await other.query('ROLLBACK');
    await other.end();
    await client.query('RESET lock_timeout');
  }
});

test.each([
  ["interval '-1 day'", 'older_than must be an interval of zero or more'],
  ["NULL::interval", 'older_than must be an interval of zero or more'],
  ["interval '1 day', -1", 'keep_per_job must be zero or more'],
  ["interval '1 day', 1, NULL, 0", 'batch_size must be at least 1'],
])('purge_history(%s) is refused', async (args, message) => {
  await expect(purge(args)).rejects.toThrow(message);
});

describe('apply_history_retention', () => {
  const apply = async (c: Client = client): Promise<number | null> => {
    const n = (await c.query('SELECT pgagent.apply_history_retention(1000) AS n')).rows[0].n;
    return n === null ? null : Number(n);
  };
  afterEach(() => db.query(`ALTER DATABASE ${db.name} RESET ALL`));

  test('does nothing while pgagent.history_retention is unset', async () => {
    const a = await newJob('a');
    await addRuns(a.jobid, a.jstid, 20);
    expect(await apply()).toBeNull();
    expect((await remaining(a.jobid)).length).toBe(20);
  });

  test('applies the database setting at once, with the keep_per_job setting', async () => {
    const a = await newJob('a');
    const runs = await addRuns(a.jobid, a.jstid, 20);
    await db.query(`ALTER DATABASE ${db.name} SET pgagent.history_retention = '5 days 1 hour'`);
    await db.query(`ALTER DATABASE ${db.name} SET pgagent.history_keep_per_job = 2`);
    expect(await apply()).toBe(15);
    expect(await remaining(a.jobid)).toEqual(runs.slice(0, 5));
  });

  test('one session at a time: while another applies it, a call returns NULL at once', async () => {
    const a = await newJob('a');
    await addRuns(a.jobid, a.jstid, 20);
    await db.query(`ALTER DATABASE ${db.name} SET pgagent.history_retention = '1 day'`);
    const other = await db.connect();
    try {
      await other.query('BEGIN');
      await other.query("SELECT pg_advisory_xact_lock(hashtext('pgagent.history_retention'))");
      expect(await apply()).toBeNull();
      await other.query('ROLLBACK');
      expect(await apply()).toBe(10);
    } finally {
      await other.end();
    }
  });

  test('a setting that is not an interval is an error naming it', async () => {
    await db.query(`ALTER DATABASE ${db.name} SET pgagent.history_retention = 'a month or so'`);
    await expect(apply()).rejects.toThrow("pgagent.history_retention = 'a month or so'");
  });
});
