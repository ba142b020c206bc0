// The statements pgAdmin 4's pgAgent screens send (reconstructed from its SQL templates:
// DO blocks, boolean[] literals, ::character(1) and ::name casts), as tests for any database
// with a pgagent schema: test/extension/pgadmin.test.ts runs them on extension installs,
// test/extension/install-schema.test.ts on a schema made by pgagent install-schema.
import { Client } from 'pg';
import { TestDatabase } from './db';
import { FAR_FIRST_RUN, insertJob, insertRun, insertSchedule, insertStep, utcClient } from './catalog-rows';

/** pgAdmin writes arrays as ARRAY[...]::boolean[] with the given 1-based positions true. */
function pgAdminArray(n: number, trueAt: number[]): string {
  return `ARRAY[${Array.from({ length: n }, (_, i) => trueAt.includes(i + 1)).join(',')}]::boolean[]`;
}

/** pgAdmin's schedule insert: daily at `hour`:00 from 2100 on, inside a DO block. */
function scheduleInsert(job: string, name: string, hour: number): string {
  return `
    INSERT INTO pgagent.pga_schedule(
        jscjobid, jscname, jscdesc, jscenabled,
        jscstart, jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths
    ) VALUES (
        ${job}, '${name}'::text, ''::text, true,
        '2100-01-01 00:00:00 +00:00'::timestamp with time zone,
        ${pgAdminArray(60, [1])}, ${pgAdminArray(24, [hour + 1])}, ${pgAdminArray(7, [])},
        ${pgAdminArray(32, [])}, ${pgAdminArray(12, [])}
    ) RETURNING jscid INTO scid;`;
}

const FETCH_JOB =
  'SELECT jobid FROM pgagent.pga_job WHERE xmin::text = (txid_current() % (2^32)::bigint)::text';
const FETCH_SCHEDULE =
  'SELECT jscid FROM pgagent.pga_schedule WHERE xmin::text = (txid_current() % (2^32)::bigint)::text';

/**
 * Registers pgAdmin's statements as tests in the current describe block, on the database open()
 * returns (dropped afterwards). Each works unchanged, including pgAdmin's way of finding a row
 * it has just created by the transaction's xmin.
 */
export function pgAdminStatementTests(open: () => Promise<TestDatabase>): void {
  let db: TestDatabase;
  let client: Client;
  beforeAll(async () => {
    db = await open();
    client = await utcClient(db);
    // Other jobs, with schedules, created earlier: the xmin lookups must not return them.
    for (let i = 0; i < 3; i++) await insertSchedule(client, await insertJob(client, { name: `other ${i}` }));
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const rows = async (sql: string): Promise<Record<string, unknown>[]> => (await client.query(sql)).rows;
  const jobNamed = async (name: string): Promise<number> =>
    (await rows(`SELECT jobid FROM pgagent.pga_job WHERE jobname = '${name}'`))[0].jobid as number;

  test('creating a job with steps, a schedule and exceptions, then finding it by xmin', async () => {
    await client.query('BEGIN');
    await client.query(`
      DO $$
      DECLARE
          jid integer;
          scid integer;
      BEGIN
      INSERT INTO pgagent.pga_job(
          jobjclid, jobname, jobdesc, jobhostagent, jobenabled
      ) VALUES (
          1::integer, 'nightly'::text, 'made by pgAdmin'::text, ''::text, true
      ) RETURNING jobid INTO jid;
      INSERT INTO pgagent.pga_jobstep (
          jstjobid, jstname, jstenabled, jstkind, jstconnstr, jstdbname, jstonerror, jstcode, jstdesc
      ) VALUES (
          jid, 'local'::text, true, 's'::character(1), ''::text, 'postgres'::name, 'f'::character(1),
          'SELECT 1;'::text, ''::text
      );
      INSERT INTO pgagent.pga_jobstep (
          jstjobid, jstname, jstenabled, jstkind, jstconnstr, jstdbname, jstonerror, jstcode, jstdesc
      ) VALUES (
          jid, 'remote'::text, true, 's'::character(1), 'host=elsewhere dbname=x'::text, ''::name,
          's'::character(1), 'SELECT 2;'::text, ''::text
      );
      INSERT INTO pgagent.pga_jobstep (
          jstjobid, jstname, jstenabled, jstkind, jstconnstr, jstdbname, jstonerror, jstcode, jstdesc
      ) VALUES (
          jid, 'batch'::text, false, 'b'::character(1), ''::text, ''::name, 'i'::character(1),
          'echo 3'::text, ''::text
      );
      ${scheduleInsert('jid', 'noon', 12)}
      INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime)
      VALUES (scid, to_date('2100-01-01', 'YYYY-MM-DD')::date, '12:00:00'::time without time zone);
      INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime)
      VALUES (scid, to_date('2100-01-03', 'YYYY-MM-DD')::date, NULL::time without time zone);
      END
      $$;`);
    const found = await rows(FETCH_JOB);
    await client.query('COMMIT');
    const jobid = await jobNamed('nightly');
    expect(found).toEqual([{ jobid }]);
    // The triggers ran inside the block: the first exception moved the next run a day on.
    expect(
      (await rows(`SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = ${jobid}`))[0].jobnextrun,
    ).toEqual(new Date('2100-01-02T12:00:00Z'));
  });

  test('adding a schedule to an existing job, then finding it by xmin', async () => {
    const jobid = await insertJob(client, { name: 'with schedule' });
    await insertSchedule(client, jobid, { hour: 1 });
    await client.query('BEGIN');
    await client.query(
      `DO $$ DECLARE scid integer; BEGIN ${scheduleInsert(`${jobid}`, 'added', 12)} END $$ LANGUAGE 'plpgsql';`,
    );
    const found = await rows(FETCH_SCHEDULE);
    await client.query('COMMIT');
    expect(found).toEqual(await rows(`SELECT jscid FROM pgagent.pga_schedule WHERE jscname = 'added'`));
    expect(found).toHaveLength(1);
  });

  test('editing a job, its steps, schedules and exceptions in one transaction', async () => {
    const jobid = await insertJob(client, { name: 'to edit' });
    const jstid = await insertStep(client, jobid);
    const gone = await insertStep(client, jobid, { name: 'gone' });
    const jscid = await insertSchedule(client, jobid);
    await client.query(`
      BEGIN;
      UPDATE pgagent.pga_job
      SET jobname='edited'::text, jobdesc='changed'::text, jobhostagent='host1'::text, jobenabled=true
      WHERE jobid = ${jobid};
      UPDATE pgagent.pga_jobstep
      SET jstdbname='', jstconnstr='host=elsewhere dbname=y', jstname='step'::text, jstenabled=false, jstonerror='s'
      WHERE jstid=${jstid}::integer AND jstjobid=${jobid}::integer;
      DELETE FROM pgagent.pga_jobstep WHERE jstid=${gone}::integer AND jstjobid=${jobid}::integer;
      UPDATE pgagent.pga_schedule
      SET jscname='evening'::text, jscdesc=''::text, jschours=${pgAdminArray(24, [19])}
      WHERE jscid=${jscid}::integer AND jscjobid=${jobid}::integer;
      INSERT INTO pgagent.pga_exception (jexscid, jexdate, jextime)
      VALUES (${jscid}, to_date('2100-01-01', 'YYYY-MM-DD')::date, NULL::time without time zone);
      COMMIT;`);
    expect(
      await rows(`SELECT jobname, jobhostagent, jobnextrun FROM pgagent.pga_job WHERE jobid = ${jobid}`),
    ).toEqual([{ jobname: 'edited', jobhostagent: 'host1', jobnextrun: new Date('2100-01-02T18:00:00Z') }]);
    expect(
      await rows(`SELECT jstname, jstdbname, jstconnstr FROM pgagent.pga_jobstep WHERE jstjobid = ${jobid}`),
    ).toEqual([{ jstname: 'step', jstdbname: '', jstconnstr: 'host=elsewhere dbname=y' }]);
  });

  test('"Run now" sets the next run to now', async () => {
    const jobid = await insertJob(client, { name: 'run now' });
    await insertSchedule(client, jobid);
    expect(
      (await rows(`SELECT jobnextrun FROM pgagent.pga_job WHERE jobid = ${jobid}`))[0].jobnextrun,
    ).toEqual(new Date(FAR_FIRST_RUN));
    const [, , due] = (await client.query(`
      BEGIN;
      UPDATE pgagent.pga_job SET jobnextrun=now()::timestamptz WHERE jobid=${jobid}::integer;
      SELECT jobnextrun = now() AS due FROM pgagent.pga_job WHERE jobid = ${jobid};
      COMMIT;`)) as unknown as { rows: unknown[] }[];
    expect(due.rows).toEqual([{ due: true }]);
  });

  test('the properties and statistics screens read every column they show', async () => {
    const jobid = await insertJob(client, { name: 'with history' });
    const jstid = await insertStep(client, jobid);
    const jscid = await insertSchedule(client, jobid);
    await client.query(
      `INSERT INTO pgagent.pga_exception (jexscid, jexdate) VALUES (${jscid}, '2100-03-01')`,
    );
    await insertRun(client, jobid, jstid);
    await insertRun(client, jobid, jstid);

    const [job] = await rows(`
      SELECT j.jobid, j.jobname, j.jobenabled, j.jobdesc, j.jobhostagent, j.jobcreated, j.jobchanged,
             ag.jagstation AS jagagent, sub.jlgstatus, j.jobagentid, j.jobnextrun, j.joblastrun, j.jobjclid,
             jc.jclname AS jobclass
        FROM pgagent.pga_job j
        LEFT OUTER JOIN pgagent.pga_jobagent ag ON ag.jagpid = jobagentid
        LEFT OUTER JOIN (SELECT DISTINCT ON (jlgjobid) jlgstatus, jlgjobid
                           FROM pgagent.pga_joblog ORDER BY jlgjobid, jlgid DESC) sub ON sub.jlgjobid = j.jobid
        LEFT JOIN pgagent.pga_jobclass jc ON j.jobjclid = jc.jclid
       WHERE j.jobid = ${jobid}::integer ORDER BY j.jobname`);
    expect(job).toMatchObject({ jobname: 'with history', jlgstatus: 's', jobclass: 'Routine Maintenance' });

    const steps = await rows(`
      SELECT jstid, jstjobid, jstname, jstdesc, jstenabled, jstkind = 's'::bpchar AS jstkind, jstcode,
             CASE WHEN jstdbname != '' THEN true ELSE false END AS jstconntype,
             jstconnstr, jstdbname, jstonerror, jscnextrun
        FROM pgagent.pga_jobstep WHERE jstjobid = ${jobid}::integer ORDER BY jstname`);
    expect(steps).toMatchObject([
      { jstid, jstkind: true, jstconntype: true, jstdbname: 'postgres', jscnextrun: null },
    ]);

    const schedules = await rows(`
      SELECT jscid, jscjobid, jscname, jscdesc, jscenabled, jscstart, jscend,
             jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths, jexid, jexdate, jextime
        FROM pgagent.pga_schedule s
        LEFT JOIN (SELECT jexscid, array_agg(jexid) AS jexid, array_agg(to_char(jexdate, 'YYYY-MM-DD')) AS jexdate,
                          array_agg(jextime) AS jextime
                     FROM pgagent.pga_exception ex GROUP BY jexscid) e ON s.jscid = e.jexscid
       WHERE s.jscjobid = ${jobid}::integer ORDER BY jscname`);
    expect(schedules).toMatchObject([{ jscid, jexdate: ['2100-03-01'], jextime: [null] }]);
    expect(schedules[0].jscminutes).toHaveLength(60);

    const jobStats = await rows(`
      SELECT jlgid AS "Run", jlgstatus AS "Status", jlgstart AS "Start time", jlgduration AS "Duration",
             (jlgstart + jlgduration) AS "End time"
        FROM pgagent.pga_joblog WHERE jlgjobid = ${jobid}::integer ORDER BY jlgid DESC`);
    expect(jobStats).toHaveLength(2);
    expect(jobStats[0]).toMatchObject({ Status: 's', Duration: { seconds: 1 } });

    const stepStats = await rows(`
      SELECT jslid AS "Run", jslstatus AS "Status", jslresult AS "Result", jslstart AS "Start time",
             (jslstart + jslduration) AS "End time", jslduration AS "Duration", jsloutput AS "Output"
        FROM pgagent.pga_jobsteplog WHERE jsljstid = ${jstid}::integer ORDER BY jslid DESC`);
    expect(stepStats).toHaveLength(2);
    expect(stepStats[0]).toMatchObject({ Status: 's', Result: 1, Output: 'out' });
  });
}
