// The pgagent_run notification: one JSON payload per run that ends, under NOTIFY's size limit.
import { Client, Notification } from 'pg';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { insertJob, insertStep } from '../helpers/catalog-rows';

let db: TestDatabase;
let writer: Client;
let listener: Client;
const received: Notification[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  writer = await db.connect();
  listener = await db.connect();
  listener.on('notification', (n) => received.push(n));
  await listener.query('LISTEN pgagent_run');
});
afterAll(async () => {
  await listener?.end();
  await writer?.end();
  await db?.drop();
});
beforeEach(() => {
  received.length = 0;
});

/** Waits for the notifications of everything committed so far: a marker NOTIFY comes after them. */
async function settle(): Promise<Notification[]> {
  const marker = `marker-${Math.random()}`;
  await listener.query('LISTEN pgagent_test_marker');
  await writer.query('SELECT pg_notify($1, $2)', ['pgagent_test_marker', marker]);
  const deadline = Date.now() + 20000;
  while (!received.some((n) => n.payload === marker)) {
    if (Date.now() > deadline) throw new Error('no marker notification within 20 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return received.filter((n) => n.channel === 'pgagent_run');
}

async function startRun(jobName: string, stepName: string): Promise<{ jobid: number; jstid: number; jlgid: number }> {
  const jobid = await insertJob(writer, { name: jobName });
  const jstid = await insertStep(writer, jobid, { name: stepName });
  const { rows } = await writer.query("INSERT INTO pgagent.pga_joblog (jlgjobid, jlgstatus) VALUES ($1, 'r') RETURNING jlgid", [jobid]);
  return { jobid, jstid, jlgid: rows[0].jlgid };
}

test('a failed run sends one notification naming the job, the run and the failed step with its output', async () => {
  const { jobid, jstid, jlgid } = await startRun('nightly', 'load');
  await writer.query(
    "INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jsloutput) VALUES ($1, $2, 'f', -1, $3)",
    [jlgid, jstid, 'ERROR:  relation "x" does not exist'],
  );
  await writer.query("UPDATE pgagent.pga_joblog SET jlgstatus = 'f', jlgduration = '2.5 seconds' WHERE jlgid = $1", [jlgid]);
  const notes = await settle();
  expect(notes).toHaveLength(1);
  expect(JSON.parse(notes[0].payload!)).toMatchObject({
    job_id: jobid, job_name: 'nightly', run_id: jlgid, status: 'f', duration_seconds: 2.5,
    step_id: jstid, step_name: 'load', step_status: 'f', output: 'ERROR:  relation "x" does not exist',
  });
});

test('a run that starts sends nothing; a successful end sends one notification without a step', async () => {
  const { jlgid } = await startRun('ok', 'step');
  expect(await settle()).toHaveLength(0);
  await writer.query("UPDATE pgagent.pga_joblog SET jlgstatus = 's', jlgduration = '1 second' WHERE jlgid = $1", [jlgid]);
  const notes = await settle();
  expect(notes).toHaveLength(1);
  expect(JSON.parse(notes[0].payload!)).toMatchObject({ run_id: jlgid, status: 's', step_id: null, output: null });
});

test('writing the same end again (a replay after a reconnect) sends no second notification', async () => {
  const { jlgid } = await startRun('replayed', 'step');
  await writer.query("UPDATE pgagent.pga_joblog SET jlgstatus = 'd' WHERE jlgid = $1", [jlgid]);
  await writer.query("UPDATE pgagent.pga_joblog SET jlgstatus = 'd', jlgduration = '1 second' WHERE jlgid = $1", [jlgid]);
  expect(await settle()).toHaveLength(1);
});

test('huge names and output still fit into one notification', async () => {
  const { jstid, jlgid } = await startRun('j'.repeat(5000), 's'.repeat(5000));
  await writer.query(
    "INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jsloutput) VALUES ($1, $2, 'f', 1, $3)",
    [jlgid, jstid, '\u0001€'.repeat(100000)],
  );
  await writer.query("UPDATE pgagent.pga_joblog SET jlgstatus = 'f' WHERE jlgid = $1", [jlgid]);
  const notes = await settle();
  expect(notes).toHaveLength(1);
  const payload = JSON.parse(notes[0].payload!);
  expect(Buffer.byteLength(notes[0].payload!)).toBeLessThan(8000);
  expect(payload.job_name).toBe('j'.repeat(200));
  expect(payload.output.length).toBeGreaterThan(100);
  expect('\u0001€'.repeat(100000).startsWith(payload.output)).toBe(true);
});

test('run_summary gives the same JSON with a larger size limit, and NULL for an unknown run', async () => {
  const { jstid, jlgid } = await startRun('summary', 'step');
  await writer.query(
    "INSERT INTO pgagent.pga_jobsteplog (jsljlgid, jsljstid, jslstatus, jslresult, jsloutput) VALUES ($1, $2, 'f', 1, $3)",
    [jlgid, jstid, 'x'.repeat(50000)],
  );
  await writer.query("UPDATE pgagent.pga_joblog SET jlgstatus = 'f' WHERE jlgid = $1", [jlgid]);
  const big = (await writer.query('SELECT pgagent.run_summary($1, 65536) AS s', [jlgid])).rows[0].s;
  expect(big).toMatchObject({ run_id: jlgid, status: 'f', step_id: jstid });
  expect(big.output).toBe('x'.repeat(8192));
  expect((await writer.query('SELECT pgagent.run_summary(-1) AS s')).rows[0].s).toBeNull();
});
