// pgagent.import_pg_cron() against the real pg_cron (Debian's postgresql-15-cron), in a
// scratch cluster of its own that preloads it. Without pg_cron the function is still
// installed and says what is missing.
import { Client } from 'pg';
import { Cluster, startCluster } from '../../scripts/cluster';
import { CLUSTER_PREFIX } from '../helpers/constants';
import { createTestDatabase } from '../helpers/db';

let cluster: Cluster;
let client: Client;
const notices: string[] = [];

beforeAll(async () => {
  cluster = await startCluster({
    prefix: CLUSTER_PREFIX,
    settings: { shared_preload_libraries: 'pg_cron', 'cron.database_name': 'postgres' },
  });
  cluster.psql('CREATE DATABASE otherdb');
  cluster.psql("ALTER DATABASE postgres SET timezone = 'UTC'");
  client = new Client(cluster.clientConfig('postgres'));
  await client.connect();
  client.on('notice', (n) => notices.push(n.message ?? ''));
  await client.query('CREATE EXTENSION pg_cron');
  await client.query('CREATE EXTENSION pgagent');
}, 120_000);

afterAll(async () => {
  await client?.end();
  cluster?.destroy();
});

async function importJobs(unschedule = false): Promise<number> {
  notices.length = 0;
  return (await client.query('SELECT pgagent.import_pg_cron(unschedule => $1) AS n', [unschedule])).rows[0].n;
}

const pgagentJobs = async () =>
  (
    await client.query(`
    SELECT j.jobid, j.jobname, j.jobenabled, s.jstcode, s.jstdbname,
           array_agg(pgagent.cron_expression(c.jscid) || ' ' || c.jsctimezone ORDER BY c.jscid) AS schedules
      FROM pgagent.pga_job j JOIN pgagent.pga_jobstep s ON s.jstjobid = j.jobid JOIN pgagent.pga_schedule c ON c.jscjobid = j.jobid
     GROUP BY 1, 2, 3, 4, 5 ORDER BY j.jobname`)
  ).rows;

test("takes pg_cron's jobs over, says why it leaves some, is idempotent, and can unschedule what it took", async () => {
  const id = async (sql: string, params: unknown[] = []): Promise<string> =>
    (await client.query(sql, params)).rows[0].id;
  const nightly = await id("SELECT cron.schedule('nightly', '0 3 * * *', 'VACUUM') AS id");
  const unnamed = await id("SELECT cron.schedule('*/5 * * * 1-5', 'SELECT 1') AS id");
  await id("SELECT cron.schedule_in_database('elsewhere', '0 0 1 * 1', 'SELECT 2', 'otherdb') AS id");
  const paused = await id("SELECT cron.schedule('paused', '@hourly', 'SELECT 3') AS id");
  await client.query('SELECT cron.alter_job($1, active => false)', [paused]);
  const reboot = await id("SELECT cron.schedule('at boot', '@reboot', 'SELECT 4') AS id");
  // pg_cron sets some values from a backwards range where pgagent refuses it.
  const backwards = await id("SELECT cron.schedule('backwards', '50-10 * * * *', 'SELECT 5') AS id");
  // This pg_cron (1.4) predates 'N seconds' and other nodes in cron.schedule: written directly
  // (nodeport's default, the server's TCP port, is NULL over a socket).
  const seconds = await id(
    "INSERT INTO cron.job (schedule, command, jobname, nodeport) VALUES ('30 seconds', 'SELECT 6', 'often', 5432) RETURNING jobid AS id",
  );
  const remote = await id(
    "INSERT INTO cron.job (schedule, command, jobname, nodename, nodeport) VALUES ('0 1 * * *', 'SELECT 7', 'remote', 'db9.example', 5432) RETURNING jobid AS id",
  );

  expect(await importJobs()).toBe(4);
  expect(notices.sort()).toEqual(
    [
      `pg_cron job ${backwards} ("backwards") not imported: minute field: range 50-10 goes backwards`,
      `pg_cron job ${reboot} ("at boot") not imported: cron expression "@reboot" cannot be scheduled: pgagent schedules are times of day, and a job cannot run "when the server starts"`,
      `pg_cron job ${remote} ("remote") not imported: it runs on node db9.example, and a pgagent SQL step runs on the agent's server`,
      `pg_cron job ${seconds} ("often") not imported: cron expression "30 seconds" cannot be scheduled: pgagent runs jobs on whole minutes, so pg_cron's intervals in seconds have no equivalent`,
    ].sort(),
  );
  const jobs = await pgagentJobs();
  // pg_cron 1.4 reads schedules in GMT, so the imported ones are too.
  expect(jobs.map(({ jobid, ...rest }) => rest)).toEqual([
    {
      jobname: 'elsewhere',
      jobenabled: true,
      jstcode: 'SELECT 2',
      jstdbname: 'otherdb',
      schedules: ['0 0 1 * * GMT', '0 0 * * 1 GMT'],
    },
    {
      jobname: 'nightly',
      jobenabled: true,
      jstcode: 'VACUUM',
      jstdbname: 'postgres',
      schedules: ['0 3 * * * GMT'],
    },
    {
      jobname: 'paused',
      jobenabled: false,
      jstcode: 'SELECT 3',
      jstdbname: 'postgres',
      schedules: ['0 * * * * GMT'],
    },
    {
      jobname: `pg_cron ${unnamed}`,
      jobenabled: true,
      jstcode: 'SELECT 1',
      jstdbname: 'postgres',
      schedules: ['*/5 * * * 1-5 GMT'],
    },
  ]);
  expect(
    (await client.query("SELECT jobdesc FROM pgagent.pga_job WHERE jobname = 'nightly'")).rows[0].jobdesc,
  ).toBe(`imported from pg_cron job ${nightly} (which ran as user postgres)`);

  // Again: the same jobs, updated in place.
  expect(await importJobs()).toBe(4);
  expect(await pgagentJobs()).toEqual(jobs);

  // With unschedule, what was taken leaves pg_cron; what was not stays there.
  expect(await importJobs(true)).toBe(4);
  expect(await pgagentJobs()).toEqual(jobs);
  const left = await client.query('SELECT jobname FROM cron.job ORDER BY jobname');
  expect(left.rows.map((r) => r.jobname)).toEqual(['at boot', 'backwards', 'often', 'remote']);
});

test('is installed without pg_cron, and says what is missing when called', async () => {
  const db = await createTestDatabase();
  try {
    await expect(db.query('SELECT pgagent.import_pg_cron()')).rejects.toThrow(
      `pg_cron is not installed in database "${db.name}" (there is no table cron.job)`,
    );
  } finally {
    await db.drop();
  }
});
