// Per-schedule time zones (pga_schedule.jsctimezone): NULL keeps the database's zone, a set
// zone is checked and spelled as PostgreSQL spells it, and every next-run path reads it.
import { Client, DatabaseError } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { insertJob, insertSchedule, utcClient } from '../helpers/catalog-rows';

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

async function setZone(jscid: number, zone: string): Promise<string> {
  try {
    const r = await client.query(
      'UPDATE pgagent.pga_schedule SET jsctimezone = $2 WHERE jscid = $1 RETURNING jsctimezone',
      [jscid, zone],
    );
    return r.rows[0].jsctimezone;
  } catch (e) {
    if ((e as DatabaseError).code) return `${(e as DatabaseError).code} ${(e as DatabaseError).message}`;
    throw e;
  }
}

test('a pgAdmin schedule has no zone of its own and is read in the database zone', async () => {
  const job = await insertJob(client);
  const jscid = await insertSchedule(client, job); // 12:00 daily from 2100 on
  expect(
    (await client.query('SELECT jsctimezone FROM pgagent.pga_schedule WHERE jscid = $1', [jscid])).rows,
  ).toEqual([{ jsctimezone: null }]);
  expect(
    (
      await client.query('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [job])
    ).rows[0].jobnextrun.toISOString(),
  ).toBe('2100-01-01T12:00:00.000Z');
});

test('a known zone is stored as PostgreSQL spells it; an unknown one is refused', async () => {
  const jscid = await insertSchedule(client, await insertJob(client));
  expect(await setZone(jscid, 'asia/TOKYO')).toBe('Asia/Tokyo');
  expect(await setZone(jscid, 'UTC')).toBe('UTC');
  expect(await setZone(jscid, 'Mars/Olympus')).toBe('22023 unknown time zone "Mars/Olympus"');
  expect(await setZone(jscid, '')).toBe('22023 unknown time zone ""');
  // An abbreviation or a POSIX offset is not a zone name.
  expect(await setZone(jscid, 'CEST')).toBe('22023 unknown time zone "CEST"');
  expect(await setZone(jscid, 'XYZ+3')).toBe('22023 unknown time zone "XYZ+3"');
  await expect(
    client.query(
      "INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jsctimezone) SELECT jscjobid, 'x', 'Nowhere' FROM pgagent.pga_schedule",
    ),
  ).rejects.toThrow('unknown time zone "Nowhere"');
});

test('the job trigger, pga_next_schedule and next_runs read each schedule in its zone', async () => {
  const job = await insertJob(client);
  const tokyo = await insertSchedule(client, job); // 12:00 daily from 2100-01-01 00:00Z
  const berlin = await insertSchedule(client, job, { hour: 9 });
  await setZone(tokyo, 'Asia/Tokyo'); // 12:00 JST = 03:00Z
  await setZone(berlin, 'Europe/Berlin'); // 09:00 CET = 08:00Z
  const nextrun = await client.query('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [job]);
  expect(nextrun.rows[0].jobnextrun.toISOString()).toBe('2100-01-01T03:00:00.000Z');
  const direct = await client.query(
    `SELECT pgagent.pga_next_schedule(jscid, jscstart, jscend, jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths) AS run
       FROM pgagent.pga_schedule WHERE jscjobid = $1 ORDER BY jscid`,
    [job],
  );
  expect(direct.rows.map((r) => r.run.toISOString())).toEqual([
    '2100-01-01T03:00:00.000Z',
    '2100-01-01T08:00:00.000Z',
  ]);
  const runs = await client.query(
    "SELECT run FROM pgagent.next_runs($1::int, 4, '2099-12-31 00:00Z') AS run",
    [job],
  );
  expect(runs.rows.map((r) => r.run.toISOString())).toEqual([
    '2100-01-01T03:00:00.000Z',
    '2100-01-01T08:00:00.000Z',
    '2100-01-02T03:00:00.000Z',
    '2100-01-02T08:00:00.000Z',
  ]);
  // Back to NULL: the database's zone (UTC) again.
  await client.query('UPDATE pgagent.pga_schedule SET jsctimezone = NULL WHERE jscjobid = $1', [job]);
  expect(
    (
      await client.query('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [job])
    ).rows[0].jobnextrun.toISOString(),
  ).toBe('2100-01-01T09:00:00.000Z');
});
