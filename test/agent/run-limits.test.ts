// Limits a step must not break: memory whatever it selects, shutdown while a step is stuck
// connecting, agents that refuse batch steps, and what the log says about a failed step.
import * as net from 'net';
import { AgentProcess, startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { StepRun, waitForRuns, waitForRunningStep } from '../helpers/runs';
import { peakRssMb, resetPeakRss } from './memory';
import { waitFor } from '../helpers/wait';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await stopAllAgents();
  await db.drop();
});

describe('wide values', () => {
  let agent: AgentProcess;
  beforeAll(async () => {
    agent = startAgent(db.conninfo, ['--hostname', 'wide']);
    await agent.waitForLog(/pgagent started/);
  });

  test('a value longer than a JavaScript string can be (540 MB) does not crash the agent', async () => {
    const jobid = await createJob(db, {
      hostagent: 'wide',
      steps: [{ code: "SELECT repeat('x', 540000000)" }],
    });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid, 1, 120_000);
    expect(run.steps).toMatchObject([{ jslstatus: 's', jslresult: 1, jsloutput: '' }]);
    expect(agent.log).not.toMatch(/ERR_STRING_TOO_LONG/);
  }, 150_000);

  /** Runs one step on the agent and returns it, with the agent's peak memory meanwhile (MB). */
  async function measured(
    code: string,
    kind: 's' | 'b' = 's',
  ): Promise<{ step: StepRun; before: number; peak: number }> {
    resetPeakRss(agent.pid);
    const before = peakRssMb(agent.pid);
    const jobid = await createJob(db, { hostagent: 'wide', steps: [{ code, kind }] });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid, 1, 120_000);
    return { step: run.steps[0], before, peak: peakRssMb(agent.pid) };
  }

  // 300 MB is generous for an agent that needs tens of MB; one holding the value needs 600+.
  test('a 300 MB value: the agent stays under 300 MB of memory; SQL steps record no values', async () => {
    const { step, before, peak } = await measured("SELECT repeat('x', 300000000)");
    expect(step).toMatchObject({ jslstatus: 's', jslresult: 1, jsloutput: '' });
    expect(peak).toBeLessThan(300);
    expect(peak - before).toBeLessThan(100);
  }, 150_000);

  test('300 MB of batch output: recorded truncated (head and tail), the agent under 300 MB', async () => {
    const { step, peak } = await measured("head -c 300000000 /dev/zero | tr '\\0' x\necho\necho END\n", 'b');
    expect(step).toMatchObject({ jslstatus: 's', jslresult: 0 });
    expect(step.jsloutput!.length).toBeLessThan(1_100_000);
    expect(step.jsloutput).toMatch(
      /^xxx[^]*\n\[\.\.\. \d+ bytes of output omitted \.\.\.\]\n[^]*xxx\nEND\n$/,
    );
    expect(peak).toBeLessThan(300);
  }, 150_000);

  test('3 million rows are counted, not kept: the agent stays under 300 MB', async () => {
    const { step, peak } = await measured("SELECT g, repeat('x', 100) FROM generate_series(1, 3000000) g");
    expect(step).toMatchObject({ jslstatus: 's', jslresult: 3_000_000, jsloutput: '' });
    expect(peak).toBeLessThan(300);
  }, 150_000);
});

test('SIGTERM ends the agent while a step is stuck connecting to a server that never answers', async () => {
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => void held.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const { port } = silent.address() as net.AddressInfo;
  try {
    const agent = startAgent(db.conninfo, ['--hostname', 'stuck', '--shutdown-grace', '1']);
    await agent.waitForLog(/pgagent started/);
    const jobid = await createJob(db, {
      hostagent: 'stuck',
      steps: [{ code: 'SELECT 1', connstr: `host=127.0.0.1 port=${port} dbname=x user=x sslmode=disable` }],
    });
    await runNow(db, jobid);
    await waitForRunningStep(db, jobid);
    await new Promise<void>((r) => (held.length ? r() : silent.once('connection', () => r())));
    const exit = await agent.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const [run] = await waitForRuns(db, jobid);
    expect(run.jlgstatus).toBe('d');
    expect(run.steps).toMatchObject([{ jslstatus: 'd' }]);
    expect(run.steps[0].jsloutput).toMatch(/not connected: the agent is shutting down/);
    expect(agent.log).not.toMatch(/not reachable/);
  } finally {
    for (const s of held) s.destroy();
    silent.close();
  }
}, 90_000);

describe('--no-batch, -l 0, JSON log', () => {
  let agent: AgentProcess;
  beforeAll(async () => {
    // At -l 0 nothing is logged at start: the agent's row says it is up.
    agent = startAgent(db.conninfo, [
      '--hostname',
      'sqlonly',
      '--no-batch',
      '-l',
      '0',
      '--log-format',
      'json',
    ]);
    await waitFor(
      async () =>
        (await db.query("SELECT 1 FROM pgagent.pga_jobagent WHERE jagstation = 'sqlonly'")).length === 1,
      {
        what: 'the agent to register',
      },
    );
  });

  test('a batch step is not run and fails the job, whatever its on-error setting', async () => {
    const jobid = await createJob(db, {
      hostagent: 'sqlonly',
      steps: [{ kind: 'b', code: 'touch /tmp/pgagent-must-not-exist', onerror: 'i' }, { code: 'SELECT 1' }],
    });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid);
    expect(run.jlgstatus).toBe('f');
    expect(run.steps).toMatchObject([{ jslstatus: 'f', jslresult: -1 }]);
    expect(run.steps[0].jsloutput).toMatch(
      /this agent does not run batch steps \(it was started with --no-batch\)/,
    );
  });

  test('a failed SQL step logs one error line with the error and the fields job, run, step, status, sqlstate, agent_pid', async () => {
    const jobid = await createJob(db, { hostagent: 'sqlonly', steps: [{ code: 'SELECT 1/0' }] });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid);
    const lines = agent.log
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const failed = lines.filter((l) => l.fields?.job === jobid && l.fields?.step !== undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      level: 'ERROR',
      msg: expect.stringMatching(
        /step \d+ \(step 01\) failed: status f, result -1: ERROR: +22012: division by zero/,
      ),
      fields: {
        job: jobid,
        run: run.jlgid,
        step: expect.any(Number),
        status: 'f',
        sqlstate: '22012',
        agent_pid: expect.any(Number),
      },
    });
  });
});
