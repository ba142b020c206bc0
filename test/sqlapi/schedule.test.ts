// The pg_cron-style functions: schedule and its kin, unschedule, alter_job, run_now,
// next_runs and cron_expression, in a database whose schedules are read in UTC.
import { Client, DatabaseError } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { insertJob, insertSchedule, insertStep, utcClient } from '../helpers/catalog-rows';

let db: TestDatabase;
let client: Client;

beforeEach(async () => {
  db = await createTestDatabase();
  client = await utcClient(db);
});

afterEach(async () => {
  await client?.end();
  await db?.drop();
});

async function one<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
  const r = await client.query(sql, params);
  return Object.values(r.rows[0])[0] as T;
}

async function runs(sql: string, params: unknown[] = []): Promise<string[]> {
  return (await client.query<{ run: Date }>(sql, params)).rows.map((r) => r.run.toISOString());
}

/** The error message of a statement that must fail. */
async function failure(sql: string, params: unknown[] = []): Promise<string> {
  try {
    await client.query(sql, params);
  } catch (e) {
    if ((e as DatabaseError).code) return (e as DatabaseError).message;
    throw e;
  }
  throw new Error(`succeeded: ${sql}`);
}

/** next_runs from a fixed instant: the job's schedules start long before it, not at now() (when schedule() made them). */
async function startLongAgo(job: number): Promise<void> {
  await client.query("UPDATE pgagent.pga_schedule SET jscstart = '2000-01-01 00:00Z' WHERE jscjobid = $1", [
    job,
  ]);
}

describe('Done means', () => {
  test("schedule('nightly', '0 3 * * *', 'VACUUM') then next_runs gives 03:00 on the following days", async () => {
    const job = await one<number>("SELECT pgagent.schedule('nightly', '0 3 * * *', 'VACUUM')");
    await startLongAgo(job);
    expect(
      await runs("SELECT run FROM pgagent.next_runs($1::int, 3, '2026-12-02 10:00Z') AS run", [job]),
    ).toEqual(['2026-12-03T03:00:00.000Z', '2026-12-04T03:00:00.000Z', '2026-12-05T03:00:00.000Z']);
    // By name too, and from now on by default: all at 03:00, a day apart, in the future.
    const byName = await runs("SELECT run FROM pgagent.next_runs('nightly') AS run");
    expect(byName).toHaveLength(10);
    const now = await one<Date>('SELECT now()');
    for (const [k, run] of byName.entries()) {
      expect(run).toMatch(/T03:00:00\.000Z$/);
      expect(Date.parse(run)).toBeGreaterThan(now.getTime());
      if (k > 0) expect(Date.parse(run) - Date.parse(byName[k - 1])).toBe(24 * 3600_000);
    }
    const step = await client.query(
      'SELECT jstkind, jstcode, jstdbname FROM pgagent.pga_jobstep WHERE jstjobid = $1',
      [job],
    );
    expect(step.rows).toEqual([{ jstkind: 's', jstcode: 'VACUUM', jstdbname: db.name }]);
  });

  test("'0 0 1 * 1' gives the 1st of each month and every Monday", async () => {
    const job = await one<number>("SELECT pgagent.schedule('monthly or monday', '0 0 1 * 1', 'SELECT 1')");
    await startLongAgo(job);
    expect(
      await runs("SELECT run FROM pgagent.next_runs($1::int, 8, '2026-12-02 00:00Z') AS run", [job]),
    ).toEqual([
      '2026-12-07T00:00:00.000Z', // Monday
      '2026-12-14T00:00:00.000Z',
      '2026-12-21T00:00:00.000Z',
      '2026-12-28T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z', // the 1st, a Friday
      '2027-01-04T00:00:00.000Z',
      '2027-01-11T00:00:00.000Z',
      '2027-01-18T00:00:00.000Z',
    ]);
    // pgAgent ANDs a schedule's day fields, so cron's OR is two schedules.
    const schedules = await client.query(
      'SELECT pgagent.cron_expression(jscid) AS cron FROM pgagent.pga_schedule WHERE jscjobid = $1 ORDER BY jscid',
      [job],
    );
    expect(schedules.rows).toEqual([{ cron: '0 0 1 * *' }, { cron: '0 0 * * 1' }]);
  });
});

describe('schedule and its kin', () => {
  test('calling schedule again with the same name updates that job', async () => {
    const job = await one<number>("SELECT pgagent.schedule('report', '0 3 * * *', 'SELECT 1')");
    expect(await one("SELECT pgagent.schedule('report', '30 4 * * *', 'SELECT 2')")).toBe(job);
    expect(await one('SELECT count(*)::int FROM pgagent.pga_job')).toBe(1);
    expect(await one('SELECT jstcode FROM pgagent.pga_jobstep WHERE jstjobid = $1', [job])).toBe('SELECT 2');
    expect(
      await one(
        "SELECT string_agg(pgagent.cron_expression(jscid), ';') FROM pgagent.pga_schedule WHERE jscjobid = $1",
        [job],
      ),
    ).toBe('30 4 * * *');
  });

  test('a name that several jobs have is an error listing their ids', async () => {
    const a = await insertJob(client, { name: 'twice' });
    const b = await insertJob(client, { name: 'twice' });
    expect(await failure("SELECT pgagent.schedule('twice', '0 3 * * *', 'SELECT 1')")).toBe(
      `there are 2 jobs named "twice" (ids ${a}, ${b})`,
    );
    expect(await failure("SELECT pgagent.unschedule('twice')")).toBe(
      `there are 2 jobs named "twice" (ids ${a}, ${b})`,
    );
  });

  test('a bad expression changes nothing', async () => {
    const job = await one<number>("SELECT pgagent.schedule('keep', '0 3 * * *', 'SELECT 1')");
    expect(await failure("SELECT pgagent.schedule('keep', '0 25 * * *', 'SELECT 2')")).toBe(
      'hour field: 25 is out of range 0-23',
    );
    expect(await one('SELECT jstcode FROM pgagent.pga_jobstep WHERE jstjobid = $1', [job])).toBe('SELECT 1');
    expect(
      await one('SELECT pgagent.cron_expression(jscid) FROM pgagent.pga_schedule WHERE jscjobid = $1', [job]),
    ).toBe('0 3 * * *');
  });

  test('schedule_in_database runs the step in another database of the server', async () => {
    const job = await one<number>(
      "SELECT pgagent.schedule_in_database('elsewhere', '@hourly', 'SELECT 1', 'postgres')",
    );
    expect(await one('SELECT jstdbname FROM pgagent.pga_jobstep WHERE jstjobid = $1', [job])).toBe(
      'postgres',
    );
    expect(
      await failure("SELECT pgagent.schedule_in_database('nowhere', '@hourly', 'SELECT 1', 'no_such_db')"),
    ).toBe('database "no_such_db" does not exist');
  });

  test('schedule_shell makes one batch step, pinned to a host when given', async () => {
    const job = await one<number>(
      "SELECT pgagent.schedule_shell('backup', '0 2 * * *', 'pg_dumpall > /tmp/all.sql', 'db1')",
    );
    const row = await client.query(
      'SELECT j.jobhostagent, s.jstkind, s.jstcode, s.jstdbname FROM pgagent.pga_job j JOIN pgagent.pga_jobstep s ON s.jstjobid = j.jobid WHERE j.jobid = $1',
      [job],
    );
    expect(row.rows).toEqual([
      { jobhostagent: 'db1', jstkind: 'b', jstcode: 'pg_dumpall > /tmp/all.sql', jstdbname: '' },
    ]);
    const anyHost = await one<number>("SELECT pgagent.schedule_shell('anywhere', '0 2 * * *', 'true')");
    expect(await one('SELECT jobhostagent FROM pgagent.pga_job WHERE jobid = $1', [anyHost])).toBe('');
  });

  test('a job of several steps (made in pgAdmin) is not rewritten', async () => {
    const job = await insertJob(client, { name: 'multi' });
    await insertStep(client, job, { name: 'a' });
    await insertStep(client, job, { name: 'b' });
    expect(await failure("SELECT pgagent.schedule('multi', '0 3 * * *', 'SELECT 1')")).toMatch(
      /^job \d+ has 2 steps \(ids \d+, \d+\); the SQL API changes jobs of one step only$/,
    );
    // Its schedule can still be changed.
    await client.query("SELECT pgagent.alter_job($1, schedule => '15 * * * *')", [job]);
    expect(
      await one('SELECT pgagent.cron_expression(jscid) FROM pgagent.pga_schedule WHERE jscjobid = $1', [job]),
    ).toBe('15 * * * *');
  });
});

describe('unschedule', () => {
  test('by name and by id delete the job; an unknown one is an error', async () => {
    const a = await one<number>("SELECT pgagent.schedule('a', '* * * * *', 'SELECT 1')");
    await one("SELECT pgagent.schedule('b', '* * * * *', 'SELECT 1')");
    expect(await one("SELECT pgagent.unschedule('b')")).toBe(true);
    expect(await one('SELECT pgagent.unschedule($1::int)', [a])).toBe(true);
    expect(await one('SELECT count(*)::int FROM pgagent.pga_job')).toBe(0);
    expect(await failure("SELECT pgagent.unschedule('b')")).toBe('no job named "b"');
    expect(await failure('SELECT pgagent.unschedule($1::int)', [a])).toBe(`no job with id ${a}`);
  });
});

describe('alter_job', () => {
  test('changes only what is given', async () => {
    const job = await one<number>("SELECT pgagent.schedule('j', '0 3 * * *', 'SELECT 1')");
    const state = async () =>
      (
        await client.query(
          `SELECT j.jobenabled, s.jstcode, s.jstdbname,
                (SELECT string_agg(pgagent.cron_expression(jscid) || ' ' || coalesce(jsctimezone, '-'), ';' ORDER BY jscid)
                   FROM pgagent.pga_schedule WHERE jscjobid = j.jobid) AS schedules
           FROM pgagent.pga_job j JOIN pgagent.pga_jobstep s ON s.jstjobid = j.jobid WHERE j.jobid = $1`,
          [job],
        )
      ).rows[0];
    await client.query("SELECT pgagent.alter_job($1, command => 'SELECT 2')", [job]);
    expect(await state()).toEqual({
      jobenabled: true,
      jstcode: 'SELECT 2',
      jstdbname: db.name,
      schedules: '0 3 * * * -',
    });
    await client.query("SELECT pgagent.alter_job($1, time_zone => 'europe/berlin')", [job]);
    expect((await state()).schedules).toBe('0 3 * * * Europe/Berlin');
    // A new schedule keeps the job's zone.
    await client.query("SELECT pgagent.alter_job($1, schedule => '0 0 1 * 1')", [job]);
    expect((await state()).schedules).toBe('0 0 1 * * Europe/Berlin;0 0 * * 1 Europe/Berlin');
    await client.query(
      "SELECT pgagent.alter_job($1, database => 'postgres', enabled => false, time_zone => '')",
      [job],
    );
    expect(await state()).toEqual({
      jobenabled: false,
      jstcode: 'SELECT 2',
      jstdbname: 'postgres',
      schedules: '0 0 1 * * -;0 0 * * 1 -',
    });
    expect(await one('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [job])).toBeNull();
    await client.query('SELECT pgagent.alter_job($1, enabled => true)', [job]);
    expect(await one('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [job])).not.toBeNull();
  });

  test('refuses an unknown job, an unknown zone and a database for a shell step', async () => {
    const job = await one<number>("SELECT pgagent.schedule_shell('sh', '0 3 * * *', 'true')");
    expect(await failure("SELECT pgagent.alter_job(-1, command => 'x')")).toBe('no job with id -1');
    expect(await failure("SELECT pgagent.alter_job($1, time_zone => 'Mars/Olympus')", [job])).toBe(
      'unknown time zone "Mars/Olympus"',
    );
    expect(await failure("SELECT pgagent.alter_job($1, database => 'postgres')", [job])).toBe(
      `job ${job} runs a shell script: it has no database`,
    );
  });
});

describe('run_now', () => {
  test('makes the job due now, by id or name; a disabled or unknown job is an error', async () => {
    const job = await one<number>("SELECT pgagent.schedule('soon', '0 3 1 1 *', 'SELECT 1')");
    await client.query("SELECT pgagent.run_now('soon')");
    expect(await one('SELECT jobnextrun <= now() FROM pgagent.pga_job WHERE jobid = $1', [job])).toBe(true);
    await client.query('SELECT pgagent.alter_job($1, enabled => false)', [job]);
    expect(await failure('SELECT pgagent.run_now($1::int)', [job])).toBe(`job ${job} is disabled`);
    expect(await failure("SELECT pgagent.run_now('nope')")).toBe('no job named "nope"');
  });
});

describe('next_runs', () => {
  test('merges all enabled schedules, with exceptions, start and end, ascending and without duplicates', async () => {
    const job = await one<number>("SELECT pgagent.schedule('merge', '0 12 * * *', 'SELECT 1')");
    // A pgAdmin-made second schedule, also at 12:00 (the same instants) from 2100 on.
    const second = await insertSchedule(client, job);
    const after = '2099-12-30 00:00Z';
    expect(await runs('SELECT run FROM pgagent.next_runs($1::int, 4, $2) AS run', [job, after])).toEqual([
      '2099-12-30T12:00:00.000Z',
      '2099-12-31T12:00:00.000Z',
      '2100-01-01T12:00:00.000Z',
      '2100-01-02T12:00:00.000Z',
    ]);
    await client.query(
      "UPDATE pgagent.pga_schedule SET jscend = '2099-12-31 23:00Z' WHERE jscid <> $1 AND jscjobid = $2",
      [second, job],
    );
    await client.query("INSERT INTO pgagent.pga_exception (jexscid, jexdate) VALUES ($1, '2100-01-02')", [
      second,
    ]);
    expect(await runs('SELECT run FROM pgagent.next_runs($1::int, 3, $2) AS run', [job, after])).toEqual([
      '2099-12-30T12:00:00.000Z',
      '2099-12-31T12:00:00.000Z',
      '2100-01-01T12:00:00.000Z',
    ]);
    expect(
      await runs('SELECT run FROM pgagent.next_runs($1::int, 3, $2) AS run', [job, '2100-01-01 13:00Z']),
    ).toEqual(['2100-01-03T12:00:00.000Z', '2100-01-04T12:00:00.000Z', '2100-01-05T12:00:00.000Z']);
    await client.query('UPDATE pgagent.pga_schedule SET jscenabled = false WHERE jscid = $1', [second]);
    expect(
      await runs('SELECT run FROM pgagent.next_runs($1::int, 3, $2) AS run', [job, '2100-01-01 13:00Z']),
    ).toEqual([]);
  });

  test('reads each schedule in its own zone, DST included', async () => {
    const job = await one<number>("SELECT pgagent.schedule('berlin', '30 2 * * *', 'SELECT 1')");
    await client.query("SELECT pgagent.alter_job($1, time_zone => 'Europe/Berlin')", [job]);
    await startLongAgo(job);
    // 2027-03-28: Berlin springs forward at 02:00 to 03:00, so 02:30 is skipped and runs at the gap's end.
    expect(
      await runs('SELECT run FROM pgagent.next_runs($1::int, 3, $2) AS run', [job, '2027-03-26 12:00Z']),
    ).toEqual(['2027-03-27T01:30:00.000Z', '2027-03-28T01:00:00.000Z', '2027-03-29T00:30:00.000Z']);
    // The job's jobnextrun (the trigger's, which the agents use) is read in that zone too.
    expect(
      await one(
        "SELECT to_char(jobnextrun AT TIME ZONE 'Europe/Berlin', 'HH24:MI') FROM pgagent.pga_job WHERE jobid = $1",
        [job],
      ),
    ).toBe('02:30');
  });
});

describe('cron_expression', () => {
  test.each([
    ['*/15 9-17 * * mon-fri', '*/15 9-17 * * 1-5'],
    ['0 0 $ * *', '0 0 $ * *'],
    ['0 0 * * 7', '0 0 * * 0'],
    ['0 0 * * sun,sat', '0 0 * * 0,6'],
    ['5 4 */2 * 1-5', '5 4 */2 * 1-5'],
    ['@monthly', '0 0 1 * *'],
    ['0 0 1,15 jan-mar *', '0 0 1,15 1-3 *'],
  ])('%s reads back as %s', async (expression, text) => {
    const job = await one<number>("SELECT pgagent.schedule('c', $1, 'SELECT 1')", [expression]);
    expect(
      await one('SELECT pgagent.cron_expression(jscid) FROM pgagent.pga_schedule WHERE jscjobid = $1', [job]),
    ).toBe(text);
  });

  test('a pgAdmin schedule reads as cron text, or NULL where cron cannot say it', async () => {
    const job = await insertJob(client);
    const daily = await insertSchedule(client, job); // 12:00 every day
    expect(await one('SELECT pgagent.cron_expression($1)', [daily])).toBe('0 12 * * *');
    // The last day beside other days
    await client.query(
      'UPDATE pgagent.pga_schedule SET jscmonthdays[1] = true, jscmonthdays[32] = true WHERE jscid = $1',
      [daily],
    );
    expect(await one('SELECT pgagent.cron_expression($1)', [daily])).toBeNull();
    // The 2nd of the month AND a Wednesday: cron would OR them
    await client.query(
      'UPDATE pgagent.pga_schedule SET jscmonthdays = array_fill(false, ARRAY[32]), jscweekdays = array_fill(false, ARRAY[7]) WHERE jscid = $1',
      [daily],
    );
    await client.query(
      'UPDATE pgagent.pga_schedule SET jscmonthdays[2] = true, jscweekdays[4] = true WHERE jscid = $1',
      [daily],
    );
    expect(await one('SELECT pgagent.cron_expression($1)', [daily])).toBeNull();
    expect(await one('SELECT pgagent.cron_expression(-1)')).toBeNull();
  });
});
