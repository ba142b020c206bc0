// What the runner records when the database gets in its way: refused end-of-run writes, a job
// deleted while it runs, a transaction left open, a LATIN1 database, names with control
// characters, a step's connection ended under it. One superuser agent per database, so that each
// test's jobs go to the agent it meant; the test of a revoked right pins its jobs to an agent of
// its own that connects as an ordinary role.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { AgentProcess, startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { runsOf, stepBackendPid, waitForRuns, waitForRunningStep } from '../helpers/runs';
import { processAlive } from '../../scripts/cluster';
import { waitFor } from '../helpers/wait';

let db: TestDatabase;
let agent: AgentProcess;
let tmp: string;
/** An ordinary role (not a superuser) with the rights on the schema an agent needs. */
const PLAIN_ROLE = `records_agent_${process.pid}`;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-records-'));
  db = await createTestDatabase();
  // The agent's sessions inherit it: a row lock held by someone else fails its write quickly.
  await db.query(`ALTER DATABASE ${db.name} SET lock_timeout = '300ms'`);
  await db.query('CREATE TABLE public.side_effects (jobid int, what text)');
  agent = startAgent(db.conninfo);
  await agent.waitForLog(/pgagent started/);
});

afterAll(async () => {
  await stopAllAgents();
  await db.drop();
  db.cluster.psql(`DROP ROLE IF EXISTS ${PLAIN_ROLE}`);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A batch step that waits until release(name) is called. */
function gate(name: string): { code: string; release: () => void } {
  const file = path.join(tmp, name);
  return {
    code: `while [ ! -e ${file} ]; do sleep 0.05; done\necho released`,
    release: () => fs.writeFileSync(file, ''),
  };
}

describe('a refused end-of-run write is retried until it is recorded', () => {
  test('a lock held on the job row (lock_timeout)', async () => {
    const g = gate('lock');
    const jobid = await createJob(db, { steps: [{ kind: 'b', code: g.code }] });
    await runNow(db, jobid);
    await waitForRunningStep(db, jobid);
    const locker = await db.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM pgagent.pga_job WHERE jobid = $1 FOR UPDATE', [jobid]);
      g.release();
      await agent.waitForLog(
        new RegExp(`could not record the end of run \\d+ of job ${jobid} .*lock timeout.*55P03.*retrying`),
      );
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    const runs = await waitForRuns(db, jobid);
    expect(runs.map((r) => r.jlgstatus)).toEqual(['s']);
    expect(runs[0].steps).toMatchObject([{ jslstatus: 's', jsloutput: 'released\n' }]);
  });

  test('a revoked right (42501) for an agent running as an ordinary role: retried until granted again, then the job runs again', async () => {
    await db.query(`CREATE ROLE ${PLAIN_ROLE} LOGIN;
      GRANT USAGE ON SCHEMA pgagent TO ${PLAIN_ROLE};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgagent TO ${PLAIN_ROLE};
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA pgagent TO ${PLAIN_ROLE}`);
    const plain = startAgent(`${db.conninfo} user=${PLAIN_ROLE}`, ['--hostname', 'plain']);
    await plain.waitForLog(/pgagent started/);
    const g = gate('revoked');
    const jobid = await createJob(db, { hostagent: 'plain', steps: [{ kind: 'b', code: g.code }] });
    await runNow(db, jobid);
    await waitForRunningStep(db, jobid);
    await db.query(`REVOKE UPDATE ON pgagent.pga_joblog FROM ${PLAIN_ROLE}`);
    g.release();
    await plain.waitForLog(
      new RegExp(
        `could not record the end of run \\d+ of job ${jobid} .*permission denied for table pga_joblog.*42501.*retrying`,
      ),
    );
    const [held] = await db.query('SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1', [jobid]);
    expect(held.jobagentid).not.toBeNull();
    expect((await runsOf(db, jobid)).map((r) => r.jlgstatus)).toEqual(['r']);
    await db.query(`GRANT UPDATE ON pgagent.pga_joblog TO ${PLAIN_ROLE}`);
    expect((await waitForRuns(db, jobid, 1, 60_000)).map((r) => r.jlgstatus)).toEqual(['s']);
    await runNow(db, jobid);
    const runs = await waitForRuns(db, jobid, 2);
    expect(runs.map((r) => r.jlgstatus)).toEqual(['s', 's']);
    expect(runs[1].steps).toMatchObject([{ jslstatus: 's', jsloutput: 'released\n' }]);
    expect((await plain.stop()).code).toBe(0);
  }, 90_000);

  test('a user trigger raising an error', async () => {
    const jobid = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
    await db.query(`CREATE TABLE public.refuse (jobid int);
      INSERT INTO public.refuse VALUES (${jobid});
      CREATE FUNCTION public.refuse_end() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM public.refuse WHERE jobid = NEW.jlgjobid) THEN RAISE EXCEPTION 'not now, says the trigger'; END IF;
        RETURN NEW;
      END$$;
      CREATE TRIGGER refuse_end BEFORE UPDATE ON pgagent.pga_joblog FOR EACH ROW EXECUTE FUNCTION public.refuse_end()`);
    await runNow(db, jobid);
    await agent.waitForLog(
      new RegExp(`could not record the end of run \\d+ of job ${jobid} .*not now, says the trigger`),
    );
    const [held] = await db.query('SELECT jobagentid FROM pgagent.pga_job WHERE jobid = $1', [jobid]);
    expect(held.jobagentid).not.toBeNull();
    await db.query('DELETE FROM public.refuse');
    const runs = await waitForRuns(db, jobid);
    expect(runs.map((r) => r.jlgstatus)).toEqual(['s']);
    // The reason is logged once, not once per attempt.
    expect(agent.log.match(/not now, says the trigger/g)).toHaveLength(1);
    await db.query('DROP TRIGGER refuse_end ON pgagent.pga_joblog');
  });
});

test("the step's backend terminated (pg_terminate_backend): the run is recorded failed, the agent goes on to the next job", async () => {
  const jobid = await createJob(db, { steps: [{ code: 'SELECT pg_sleep(600)' }] });
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  const stepPid = await stepBackendPid(db, jobid);
  await db.query('SELECT pg_terminate_backend($1)', [stepPid]);
  const [run] = await waitForRuns(db, jobid);
  expect(run).toMatchObject({ jlgstatus: 'f', steps: [{ jslstatus: 'f', jslresult: -1 }] });
  expect(run.steps[0].jsloutput).toMatch(/57P01: terminating connection due to administrator command/);
  expect(processAlive(agent.pid)).toBe(true);
  const next = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
  await runNow(db, next);
  expect((await waitForRuns(db, next)).map((r) => r.jlgstatus)).toEqual(['s']);
});

test('a job deleted while step 1 of 2 runs does not run step 2', async () => {
  const g = gate('deleted');
  const jobid = await createJob(db, {
    steps: [{ kind: 'b', code: g.code }, { code: "INSERT INTO public.side_effects VALUES (0, 'step 2')" }],
  });
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  await db.query('DELETE FROM pgagent.pga_job WHERE jobid = $1', [jobid]);
  g.release();
  const [end] = await agent.waitForLog(
    new RegExp(`job ${jobid} \\(test job\\): run \\d+ (stopped|finished).*`),
  );
  expect(await db.query("SELECT * FROM public.side_effects WHERE what = 'step 2'")).toEqual([]);
  expect(end).toMatch(/stopped, not recorded: the job was deleted while it ran/);
});

test('a step that leaves a transaction open: succeeded, with a note that its work was rolled back', async () => {
  await db.query('CREATE TABLE public.left_open (x int)');
  const jobid = await createJob(db, { steps: [{ code: 'BEGIN; INSERT INTO public.left_open VALUES (1)' }] });
  await runNow(db, jobid);
  const [run] = await waitForRuns(db, jobid);
  expect(run.steps).toMatchObject([{ jslstatus: 's', jslresult: 1 }]);
  expect(run.steps[0].jsloutput).toMatch(/left a transaction open: the agent rolled it back/);
  expect(await db.query('SELECT * FROM public.left_open')).toEqual([]);
});

test('SQL step connections are named after their job and run while they run', async () => {
  const jobid = await createJob(db, { steps: [{ code: 'SELECT pg_sleep(2)' }] });
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  const [running] = await runsOf(db, jobid);
  const [{ oid }] = await db.query<{ oid: number }>(
    'SELECT oid::int AS oid FROM pg_database WHERE datname = current_database()',
  );
  const name = `pgagent job ${jobid} run ${running.jlgid} db ${oid}`;
  await waitFor(
    async () =>
      (await db.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [name])).length === 1,
    {
      what: `a backend named "${name}"`,
    },
  );
  await waitForRuns(db, jobid);
});

test('newlines and escape sequences in names cannot forge or garble log lines', async () => {
  const forged = '2000-01-01T00:00:00.000+00:00 ERROR forged line';
  const jobid = await createJob(db, {
    name: `evil\n${forged}\x1b[2J`,
    steps: [{ name: `step\r\n${forged}`, code: 'SELECT 1/0' }],
  });
  await runNow(db, jobid);
  await waitForRuns(db, jobid);
  await agent.waitForLog(new RegExp(`job ${jobid} .*: run \\d+ finished`));
  const lines = agent.log.split('\n');
  expect(lines.filter((l) => l.startsWith(forged))).toEqual([]);
  expect(agent.log).not.toContain('\x1b');
  expect(agent.log).toContain(`(evil\\n${forged}\\u001b[2J)`);
});

test('a LATIN1 database: only the characters it cannot store become "?"', async () => {
  const admin = new Client(db.cluster.clientConfig('postgres'));
  const name = `${db.name}_latin1`;
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE ${name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
    );
    db.cluster.psql('CREATE EXTENSION pgagent', name);
    const latin1 = {
      name,
      connect: async () => {
        const c = new Client(db.cluster.clientConfig(name));
        await c.connect();
        return c;
      },
      query: async <T extends Record<string, unknown>>(sql: string, params?: unknown[]) => {
        const c = new Client(db.cluster.clientConfig(name));
        await c.connect();
        try {
          return (await c.query(sql, params)).rows as T[];
        } finally {
          await c.end();
        }
      },
    };
    const other = startAgent(db.cluster.conninfo(name));
    await other.waitForLog(/pgagent started/);
    const jobid = await createJob(latin1, {
      steps: [{ kind: 'b', code: "printf 'caf\\303\\251 \\342\\202\\254 na\\303\\257ve \\302\\261\\n'" }],
    }); // é € ï ± in UTF-8
    await runNow(latin1, jobid);
    const [run] = await waitForRuns(latin1, jobid);
    expect(run.steps).toMatchObject([{ jslstatus: 's', jsloutput: 'café ? naïve ±\n' }]);
    await other.stop();
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});
