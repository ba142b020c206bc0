// The triggers keep pga_job.jobnextrun as the contract says, and the foreign keys cascade.
// Schedules start in 2100 (see FAR_FIRST_RUN), so every expected next run is a fixed timestamp.
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { boolArray, FAR_FIRST_RUN, insertException, insertJob, insertRun, insertSchedule, insertStep, tableCounts, utcClient } from '../helpers/catalog-rows';
import { outcome } from '../helpers/outcome';
import { serverMajor } from '../helpers/versions';

describe.each(['4.2', '4.3', '4.4'])('pgagent %s', (version) => {
  let db: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    db = await createTestDatabase({ extension: version });
    client = await utcClient(db);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  async function nextRun(jobid: number): Promise<string | null> {
    const { rows } = await client.query('SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = $1', [jobid]);
    return rows[0].jobnextrun?.toISOString() ?? null;
  }
  const exec = (sql: string, ...params: unknown[]): Promise<unknown> => client.query(sql, params);

  describe('jobnextrun', () => {
    test('follows schedule inserts, updates and deletes', async () => {
      const jobid = await insertJob(client);
      expect(await nextRun(jobid)).toBeNull();
      const noon = await insertSchedule(client, jobid);
      expect(await nextRun(jobid)).toBe(FAR_FIRST_RUN);
      await exec('UPDATE pgagent.pga_schedule SET jschours = $1 WHERE jscid = $2', boolArray(24, [14]), noon);
      expect(await nextRun(jobid)).toBe('2100-01-01T13:00:00.000Z');
      const six = await insertSchedule(client, jobid, { hour: 6 });
      expect(await nextRun(jobid)).toBe('2100-01-01T06:00:00.000Z');
      await exec('UPDATE pgagent.pga_schedule SET jscenabled = false WHERE jscid = $1', six);
      expect(await nextRun(jobid)).toBe('2100-01-01T13:00:00.000Z');
      await exec('DELETE FROM pgagent.pga_schedule WHERE jscid = $1', noon);
      expect(await nextRun(jobid)).toBeNull();
    });

    test('follows exception inserts, updates and deletes', async () => {
      const jobid = await insertJob(client);
      const jscid = await insertSchedule(client, jobid);
      const jexid = await insertException(client, jscid, '2100-01-01');
      expect(await nextRun(jobid)).toBe('2100-01-02T12:00:00.000Z');
      await exec("UPDATE pgagent.pga_exception SET jexdate = '2100-01-02' WHERE jexid = $1", jexid);
      expect(await nextRun(jobid)).toBe(FAR_FIRST_RUN);
      await exec("UPDATE pgagent.pga_exception SET jexdate = '2100-01-01', jextime = '12:00' WHERE jexid = $1", jexid);
      expect(await nextRun(jobid)).toBe('2100-01-02T12:00:00.000Z');
      await exec('DELETE FROM pgagent.pga_exception WHERE jexid = $1', jexid);
      expect(await nextRun(jobid)).toBe(FAR_FIRST_RUN);
    });

    test('is NULL while the job is disabled and recomputed when it is enabled', async () => {
      const jobid = await insertJob(client, { enabled: false });
      await insertSchedule(client, jobid);
      expect(await nextRun(jobid)).toBeNull();
      await exec('UPDATE pgagent.pga_job SET jobenabled = true WHERE jobid = $1', jobid);
      expect(await nextRun(jobid)).toBe(FAR_FIRST_RUN);
      await exec('UPDATE pgagent.pga_job SET jobenabled = false WHERE jobid = $1', jobid);
      expect(await nextRun(jobid)).toBeNull();
    });

    test('"Run now" is kept, and the agent\'s finish recomputes it', async () => {
      const jobid = await insertJob(client);
      await insertSchedule(client, jobid);
      await exec('BEGIN');
      await exec('UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = $1', jobid);
      const { rows } = await client.query('SELECT jobnextrun = now() AS kept FROM pgagent.pga_job WHERE jobid = $1', [jobid]);
      await exec('COMMIT');
      expect(rows).toEqual([{ kept: true }]);

      // An agent claims the job, runs it and hands it back with jobnextrun NULL.
      await exec("INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES (pg_backend_pid(), 'host')");
      await exec(
        'UPDATE pgagent.pga_job SET jobagentid = pg_backend_pid(), joblastrun = now() WHERE jobid = $1 AND jobagentid IS NULL',
        jobid,
      );
      expect(await nextRun(jobid)).not.toBe(FAR_FIRST_RUN);
      await exec('UPDATE pgagent.pga_job SET jobagentid = NULL, jobnextrun = NULL WHERE jobid = $1', jobid);
      expect(await nextRun(jobid)).toBe(FAR_FIRST_RUN);
      await exec('DELETE FROM pgagent.pga_jobagent WHERE jagpid = pg_backend_pid()');
    });
  });

  describe('foreign keys', () => {
    /** A job with one of everything below it. */
    async function fullJob(time: string): Promise<{ jobid: number; jstid: number; jscid: number }> {
      const jobid = await insertJob(client);
      const jstid = await insertStep(client, jobid);
      const jscid = await insertSchedule(client, jobid);
      await insertException(client, jscid, '2100-01-01', time);
      await insertRun(client, jobid, jstid);
      return { jobid, jstid, jscid };
    }
    /** Row counts after `change`, relative to before it. */
    async function countChange(change: () => Promise<unknown>): Promise<Record<string, number>> {
      const before = await tableCounts(client);
      await change();
      const after = await tableCounts(client);
      return Object.fromEntries(Object.keys(after).map((t) => [t, after[t] - before[t]]).filter(([, d]) => d !== 0));
    }

    test('deleting a job removes its steps, schedules, exceptions and logs, and nothing else', async () => {
      const { jobid } = await fullJob('01:00');
      await fullJob('02:00');
      expect(await countChange(() => exec('DELETE FROM pgagent.pga_job WHERE jobid = $1', jobid))).toEqual({
        pga_job: -1, pga_jobstep: -1, pga_schedule: -1, pga_exception: -1, pga_joblog: -1, pga_jobsteplog: -1,
      });
    });

    test('deleting a step removes its step logs; deleting a schedule its exceptions', async () => {
      const { jstid, jscid } = await fullJob('03:00');
      expect(await countChange(() => exec('DELETE FROM pgagent.pga_jobstep WHERE jstid = $1', jstid))).toEqual({
        pga_jobstep: -1, pga_jobsteplog: -1,
      });
      expect(await countChange(() => exec('DELETE FROM pgagent.pga_schedule WHERE jscid = $1', jscid))).toEqual({
        pga_schedule: -1, pga_exception: -1,
      });
    });

    test("deleting an agent's row releases its jobs", async () => {
      const jobid = await insertJob(client);
      await exec("INSERT INTO pgagent.pga_jobagent (jagpid, jagstation) VALUES (-1, 'gone')");
      await exec('UPDATE pgagent.pga_job SET jobagentid = -1 WHERE jobid = $1', jobid);
      await exec('DELETE FROM pgagent.pga_jobagent WHERE jagpid = -1');
      expect((await client.query('SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1', [jobid])).rows)
        .toEqual([{ jobagentid: null }]);
    });

    test('a job class in use cannot be deleted; an unused one can', async () => {
      const { rows } = await client.query("INSERT INTO pgagent.pga_jobclass (jclname) VALUES ('Mine') RETURNING jclid");
      const jclid = rows[0].jclid;
      const jobid = await insertJob(client, { jclid });
      const deleteClass = (): Promise<string> => outcome(client, 'DELETE FROM pgagent.pga_jobclass WHERE jclid = $1', [jclid]);
      // PostgreSQL 18 reports an ON DELETE RESTRICT violation as restrict_violation.
      expect(await deleteClass()).toBe(`${serverMajor() >= 18 ? '23001' : '23503'} pga_job_jobjclid_fkey`);
      await exec('DELETE FROM pgagent.pga_job WHERE jobid = $1', jobid);
      expect(await deleteClass()).toBe('ok');
    });
  });

  test(`two schedules ${version === '4.2' ? 'cannot' : 'can'} share an exception date and time`, async () => {
    const first = await insertSchedule(client, await insertJob(client));
    const second = await insertSchedule(client, await insertJob(client));
    const except = (jscid: number): Promise<string> =>
      outcome(client, "INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime) VALUES ($1, '2100-02-01', '12:00')", [jscid]);
    expect(await except(first)).toBe('ok');
    // pgAgent 4.2's unique index spans all schedules; 4.3's is per schedule.
    expect(await except(second)).toBe(version === '4.2' ? '23505 pga_exception_datetime' : 'ok');
    expect(await except(first)).toBe('23505 pga_exception_datetime');
  });
});
