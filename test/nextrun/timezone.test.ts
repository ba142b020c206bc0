// The schedule time zone: one per database (pgagent.timezone), the same for every session.
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { fieldArrays } from './next-run';

let db: TestDatabase;

beforeEach(async () => {
  db = await createTestDatabase();
});

afterEach(async () => {
  await db?.drop();
});

async function zone(client: Client): Promise<string> {
  return (await client.query<{ zone: string }>('SELECT pgagent.pga_timezone() AS zone')).rows[0].zone;
}

/** A job with one schedule at 09:00 every day; returns its id. */
async function dailyNineJob(client: Client): Promise<number> {
  const job = await client.query<{ jobid: number }>(
    "INSERT INTO pgagent.pga_job (jobjclid, jobname) VALUES (1, 'nine') RETURNING jobid",
  );
  await client.query(
    `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths)
     VALUES ($1, 'nine', $2, $3, $4, $5, $6)`,
    [job.rows[0].jobid, ...fieldArrays({ minutes: [0], hours: [9] })],
  );
  return job.rows[0].jobid;
}

async function nextRunOf(client: Client, jobid: number): Promise<Date> {
  const r = await client.query<{ jobnextrun: Date }>(
    'UPDATE pgagent.pga_job SET jobnextrun = NULL WHERE jobid = $1 RETURNING jobnextrun',
    [jobid],
  );
  return r.rows[0].jobnextrun;
}

/** The wall-clock hour of an instant in a zone. */
function hourIn(instant: Date, timeZone: string): number {
  return Number(
    new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(instant),
  );
}

test("without a setting, the database's TimeZone, else the server's configured zone", async () => {
  const client = await db.connect();
  try {
    const server = (await client.query<{ log_timezone: string }>('SHOW log_timezone')).rows[0].log_timezone;
    expect(await zone(client)).toBe(server);
    await client.query(`ALTER DATABASE ${db.name} SET timezone = 'Asia/Tokyo'`);
    expect(await zone(client)).toBe('Asia/Tokyo');
  } finally {
    await client.end();
  }
});

test('a numeric TimeZone counts hours east of UTC, as SET TimeZone does (AT TIME ZONE would count them west)', async () => {
  const client = await db.connect();
  try {
    const jobid = await dailyNineJob(client);
    for (const [setting, shown] of [
      ["'-7'", '<-07>+07'],
      ["'5.5'", '<+05:30>-05:30'],
      ["INTERVAL '-03:45' HOUR TO MINUTE", '<-03:45>+03:45'],
      ["'-07:00'", '-07:00'],
    ]) {
      await client.query(`ALTER DATABASE ${db.name} SET TIME ZONE ${setting}`);
      expect(await zone(client)).toBe(shown);
      await nextRunOf(client, jobid);
      // A new session has the database's TimeZone: there the 09:00 schedule says 09:00.
      const local = await db.query<{ at: string }>(
        "SELECT to_char(jobnextrun, 'HH24:MI') AS at FROM pgagent.pga_job WHERE jobid = $1",
        [jobid],
      );
      expect([setting, local[0].at]).toEqual([setting, '09:00']);
    }
  } finally {
    await client.end();
  }
});

test('ALTER DATABASE ... SET pgagent.timezone applies at once, in running sessions too', async () => {
  const client = await db.connect();
  try {
    const jobid = await dailyNineJob(client);
    await client.query(`ALTER DATABASE ${db.name} SET pgagent.timezone = 'America/New_York'`);
    expect(await zone(client)).toBe('America/New_York');
    expect(hourIn(await nextRunOf(client, jobid), 'America/New_York')).toBe(9);
    await client.query(`ALTER DATABASE ${db.name} SET pgagent.timezone = 'Asia/Kolkata'`);
    expect(hourIn(await nextRunOf(client, jobid), 'Asia/Kolkata')).toBe(9);
  } finally {
    await client.end();
  }
});

test('sessions with different TimeZone settings compute the same next run', async () => {
  const admin = await db.connect();
  const jobid = await dailyNineJob(admin);
  await admin.query(`ALTER DATABASE ${db.name} SET pgagent.timezone = 'Europe/Berlin'`);
  await admin.end();
  const runs: number[] = [];
  for (const sessionZone of ['America/Los_Angeles', 'Asia/Kolkata', 'UTC']) {
    const client = await db.connect();
    try {
      await client.query(`SET TimeZone = '${sessionZone}'`);
      runs.push((await nextRunOf(client, jobid)).getTime());
      // the next run after a fixed instant, through the 4.3 function, as well
      const r = await client.query<{ run: Date }>(
        `SELECT pgagent.pga_next_schedule_after('2024-07-01 12:00Z', 0, '2000-01-01', NULL, $1, $2, $3, $4, $5) AS run`,
        fieldArrays({ minutes: [0], hours: [9] }),
      );
      expect(r.rows[0].run.toISOString()).toBe('2024-07-02T07:00:00.000Z');
    } finally {
      await client.end();
    }
  }
  expect(new Set(runs).size).toBe(1);
  expect(hourIn(new Date(runs[0]), 'Europe/Berlin')).toBe(9);
});

test('a role without privileges reads the same zone', async () => {
  const admin = await db.connect();
  const role = `${db.name}_plain`;
  try {
    await admin.query(`ALTER DATABASE ${db.name} SET pgagent.timezone = 'Europe/Berlin'`);
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT USAGE ON SCHEMA pgagent TO ${role}`);
    const plain = new Client({ ...db.cluster.clientConfig(db.name), user: role });
    await plain.connect();
    try {
      expect(await zone(plain)).toBe('Europe/Berlin');
    } finally {
      await plain.end();
    }
  } finally {
    await admin.query(`DROP OWNED BY ${role}`);
    await admin.query(`DROP ROLE ${role}`);
    await admin.end();
  }
});

test('an unknown zone name warns and falls back, without failing the trigger', async () => {
  const client = await db.connect();
  const warnings: string[] = [];
  client.on('notice', (n) => warnings.push(String(n.message)));
  try {
    const jobid = await dailyNineJob(client);
    await client.query(`ALTER DATABASE ${db.name} SET timezone = 'Asia/Tokyo'`);
    await client.query(`ALTER DATABASE ${db.name} SET pgagent.timezone = 'Mars/Olympus_Mons'`);
    expect(await zone(client)).toBe('Asia/Tokyo');
    expect(hourIn(await nextRunOf(client, jobid), 'Asia/Tokyo')).toBe(9);
    expect(warnings.some((w) => w.includes('Mars/Olympus_Mons'))).toBe(true);
  } finally {
    await client.end();
  }
});

test('the trigger keeps the new row in the top transaction (pgAdmin finds it by xmin)', async () => {
  const client = await db.connect();
  try {
    await client.query(`ALTER DATABASE ${db.name} SET pgagent.timezone = 'Mars/Olympus_Mons'`);
    await client.query('BEGIN');
    const jobid = await dailyNineJob(client);
    const r = await client.query<{ same: boolean; jobnextrun: Date | null }>(
      'SELECT xmin::text = (txid_current() % (2^32)::bigint)::text AS same, jobnextrun FROM pgagent.pga_job WHERE jobid = $1',
      [jobid],
    );
    await client.query('COMMIT');
    expect(r.rows[0].same).toBe(true);
    expect(r.rows[0].jobnextrun).not.toBeNull();
  } finally {
    await client.end();
  }
});
