// Examples of the next-run rules: pgAgent 4.2's known wrong answers, the DST rules, and
// inputs that must never raise or loop.
import type { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { fieldArrays, nextRun } from './next-run';

let db: TestDatabase;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  client = await db.connect();
  // A search that loops would fail the test rather than hang it.
  await client.query("SET statement_timeout = '10s'");
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe("pgAgent 4.2's wrong answers", () => {
  test('the first selected minute of a later hour or day, not the last', async () => {
    const f = { minutes: [4, 55] };
    expect(await nextRun(client, '2024-05-05 05:05Z', f)).toBe('2024-05-05T05:55:00.000Z');
    expect(await nextRun(client, '2024-05-05 05:55Z', f)).toBe('2024-05-05T06:04:00.000Z');
    expect(await nextRun(client, '2024-05-05 05:05Z', { ...f, hours: [0] })).toBe('2024-05-06T00:04:00.000Z');
  });

  test('impossible dates give NULL instead of raising', async () => {
    expect(await nextRun(client, '2024-05-05 05:05Z', { monthdays: [30], months: [2] })).toBeNull();
    expect(await nextRun(client, '2024-05-05 05:05Z', { monthdays: [31], months: [4, 6, 9, 11] })).toBeNull();
    expect(await nextRun(client, '2024-05-05 05:05Z', { monthdays: [30, 31], months: [2] })).toBeNull();
  });

  test('Feb 29 runs in the next leap year, skipping common years and 2100', async () => {
    const f = { minutes: [0], hours: [12], monthdays: [29], months: [2] };
    expect(await nextRun(client, '2025-03-01 00:00Z', f)).toBe('2028-02-29T12:00:00.000Z');
    expect(await nextRun(client, '2096-03-01 00:00Z', f)).toBe('2104-02-29T12:00:00.000Z');
    // Feb 29 on a Monday: 2016, then 2044
    expect(await nextRun(client, '2016-03-01 00:00Z', { ...f, weekdays: [2] })).toBe(
      '2044-02-29T12:00:00.000Z',
    );
  });

  test('the last day of the month combines with other days', async () => {
    const f = { minutes: [0], hours: [0], monthdays: [1, 15, 32] };
    expect(await nextRun(client, '2024-04-20 00:00Z', f)).toBe('2024-04-30T00:00:00.000Z');
    expect(await nextRun(client, '2023-02-16 00:00Z', f)).toBe('2023-02-28T00:00:00.000Z');
    expect(await nextRun(client, '2024-02-16 00:00Z', f)).toBe('2024-02-29T00:00:00.000Z');
    expect(await nextRun(client, '2024-02-29 00:00Z', f)).toBe('2024-03-01T00:00:00.000Z');
  });

  test('with everything a wildcard the next whole minute is due', async () => {
    expect(await nextRun(client, '2024-05-05 10:00:00Z', {})).toBe('2024-05-05T10:01:00.000Z');
    expect(await nextRun(client, '2024-05-05 10:00:30Z', {})).toBe('2024-05-05T10:01:00.000Z');
    expect(await nextRun(client, '2024-05-05 10:00:30Z', {}, { start: '2024-05-05 10:05:00Z' })).toBe(
      '2024-05-05T10:05:00.000Z',
    );
    expect(await nextRun(client, '2024-05-05 10:00:30Z', {}, { start: '2024-05-05 10:05:01Z' })).toBe(
      '2024-05-05T10:06:00.000Z',
    );
  });

  test('a schedule that can never run again returns NULL, end or no end', async () => {
    expect(await nextRun(client, '2024-05-05 10:00Z', {}, { end: '2024-05-05 10:00:59Z' })).toBeNull();
    expect(
      await nextRun(client, '2024-05-05 10:00Z', { monthdays: [31], months: [2] }, { end: null }),
    ).toBeNull();
  });
});

describe('exceptions', () => {
  test('a date, a time on every date, and a date and time each skip what they match', async () => {
    const job = await client.query<{ jobid: number }>(
      "INSERT INTO pgagent.pga_job (jobjclid, jobname) VALUES (1, 'exceptions') RETURNING jobid",
    );
    const schedule = await client.query<{ jscid: number }>(
      "INSERT INTO pgagent.pga_schedule (jscjobid, jscname) VALUES ($1, 'daily') RETURNING jscid",
      [job.rows[0].jobid],
    );
    const scheduleId = schedule.rows[0].jscid;
    await client.query(
      `INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime)
       VALUES ($1, '2024-05-06', NULL), ($1, NULL, '09:00'), ($1, '2024-05-08', '10:00')`,
      [scheduleId],
    );
    const f = { minutes: [0], hours: [9, 10] };
    const run = (after: string) => nextRun(client, after, f, { scheduleId });
    expect(await run('2024-05-05 08:00Z')).toBe('2024-05-05T10:00:00.000Z'); // not 09:00
    expect(await run('2024-05-05 10:00Z')).toBe('2024-05-07T10:00:00.000Z'); // not on the 6th
    expect(await run('2024-05-07 10:00Z')).toBe('2024-05-09T10:00:00.000Z'); // not the 8th at 10:00
  });

  test('exceptions are compared in the schedule time zone', async () => {
    const job = await client.query<{ jobid: number }>(
      "INSERT INTO pgagent.pga_job (jobjclid, jobname) VALUES (1, 'zoned') RETURNING jobid",
    );
    const schedule = await client.query<{ jscid: number }>(
      "INSERT INTO pgagent.pga_schedule (jscjobid, jscname) VALUES ($1, 'daily') RETURNING jscid",
      [job.rows[0].jobid],
    );
    await client.query(
      "INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime) VALUES ($1, '2024-05-06', '00:30')",
      [schedule.rows[0].jscid],
    );
    // 00:30 in Berlin on the 6th is 22:30 UTC on the 5th
    const f = { minutes: [30], hours: [0] };
    const run = await nextRun(client, '2024-05-05 12:00Z', f, {
      zone: 'Europe/Berlin',
      scheduleId: schedule.rows[0].jscid,
    });
    expect(run).toBe('2024-05-06T22:30:00.000Z');
  });
});

describe('DST rules', () => {
  test('Berlin spring-forward: a skipped minute runs once, when the gap ends', async () => {
    const zone = 'Europe/Berlin'; // 2024-03-31 02:00 CET becomes 03:00 CEST (01:00 UTC)
    expect(await nextRun(client, '2024-03-30 12:00Z', { minutes: [30], hours: [2] }, { zone })).toBe(
      '2024-03-31T01:00:00.000Z',
    );
    // every minute of the skipped hour: once at 03:00, then the next day
    const gapHour = { hours: [2] };
    expect(await nextRun(client, '2024-03-30 12:00Z', gapHour, { zone })).toBe('2024-03-31T01:00:00.000Z');
    expect(await nextRun(client, '2024-03-31 01:00Z', gapHour, { zone })).toBe('2024-04-01T00:00:00.000Z');
    // 03:00 itself and a skipped minute share that run
    expect(await nextRun(client, '2024-03-31 01:00Z', { minutes: [0, 30], hours: [2, 3] }, { zone })).toBe(
      '2024-03-31T01:30:00.000Z',
    );
  });

  test('Berlin fall-back: a repeated minute runs once, at its first occurrence', async () => {
    const zone = 'Europe/Berlin'; // 2024-10-27 03:00 CEST becomes 02:00 CET (01:00 UTC)
    const f = { minutes: [30], hours: [2] };
    expect(await nextRun(client, '2024-10-26 12:00Z', f, { zone })).toBe('2024-10-27T00:30:00.000Z');
    expect(await nextRun(client, '2024-10-27 00:30Z', f, { zone })).toBe('2024-10-28T01:30:00.000Z');
    // during the second pass of the repeated hour, the next new wall minute is 03:00 CET
    expect(await nextRun(client, '2024-10-27 01:10Z', {}, { zone })).toBe('2024-10-27T02:00:00.000Z');
  });

  test('New York, both changes', async () => {
    const zone = 'America/New_York'; // 2024-03-10 02:00 EST -> 03:00 EDT; 2024-11-03 02:00 EDT -> 01:00 EST
    expect(await nextRun(client, '2024-03-09 12:00Z', { minutes: [30], hours: [2] }, { zone })).toBe(
      '2024-03-10T07:00:00.000Z',
    );
    expect(await nextRun(client, '2024-11-02 12:00Z', { minutes: [30], hours: [1] }, { zone })).toBe(
      '2024-11-03T05:30:00.000Z',
    );
    expect(await nextRun(client, '2024-11-03 05:30Z', { minutes: [30], hours: [1] }, { zone })).toBe(
      '2024-11-04T06:30:00.000Z',
    );
  });
});

describe('any input, no error and no endless loop', () => {
  const odd: [string, string][] = [
    ['NULL arrays', 'NULL::bool[]'],
    ['empty arrays', "'{}'::bool[]"],
    ['NULL elements', "'{NULL,t,NULL}'::bool[]"],
    ['two dimensions', "'{{f,t},{t,f}}'::bool[]"],
    ['lower bound 0', "'[0:2]={t,f,t}'::bool[]"],
    ['far too long', 'array_fill(true, ARRAY[100])'],
  ];
  test.each(odd)('%s', async (_, array) => {
    const r = await client.query(
      `SELECT pgagent.pga_next_schedule_after('2024-05-05 10:00Z', 0, '2000-01-01', NULL, ${array}, ${array}, ${array}, ${array}, ${array}, 'UTC') AS run`,
    );
    expect(r.rows).toHaveLength(1);
  });

  test('extreme and infinite instants', async () => {
    const [m, h, w, d, mo] = fieldArrays({});
    const instants = ['-infinity', 'infinity', '4713-01-01 00:00Z BC', '294276-12-31 23:59Z', null];
    for (const after of instants) {
      for (const bound of instants) {
        await client.query('SELECT pgagent.pga_next_schedule_after($1, 0, $2, $3, $4, $5, $6, $7, $8, $9)', [
          after,
          bound,
          bound,
          m,
          h,
          w,
          d,
          mo,
          'UTC',
        ]);
      }
    }
  });

  test('the 4.2 signature in the job trigger: an impossible schedule leaves jobnextrun NULL', async () => {
    const job = await client.query<{ jobid: number }>(
      "INSERT INTO pgagent.pga_job (jobjclid, jobname) VALUES (1, 'feb 30') RETURNING jobid",
    );
    const [m, h, w, d, mo] = fieldArrays({ monthdays: [30], months: [2] });
    await client.query(
      `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths)
       VALUES ($1, 'never', $2, $3, $4, $5, $6)`,
      [job.rows[0].jobid, m, h, w, d, mo],
    );
    const r = await client.query(
      'UPDATE pgagent.pga_job SET jobnextrun = NULL WHERE jobid = $1 RETURNING jobnextrun',
      [job.rows[0].jobid],
    );
    expect(r.rows[0].jobnextrun).toBeNull();
  });
});
