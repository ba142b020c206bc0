// What runs look like: one agent (the built binary, station "alpha") on one database runs the
// jobs each test creates and makes due with pgAdmin's "Run now".
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentProcess, startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRuns } from '../helpers/runs';

let db: TestDatabase;
let other: TestDatabase;
let agent: AgentProcess;
/** An advisory lock a step takes and leaves: the reset must release it. */
const LEFT_LOCK = 4242;

beforeAll(async () => {
  db = await createTestDatabase();
  other = await createTestDatabase({ extension: false });
  await db.query('CREATE TABLE public.tutorial (id serial PRIMARY KEY, val text, at timestamptz)');
  agent = startAgent(db.conninfo, ['--hostname', 'alpha']);
  await agent.waitForLog(/pgagent started/);
});

afterAll(async () => {
  const exit = await agent.stop('SIGTERM');
  expect(exit.code).toBe(0);
  await stopAllAgents();
  await db.drop();
  await other.drop();
});

/** Creates the job, makes it due and waits for its run; returns the run. */
async function runOnce(spec: Parameters<typeof createJob>[1]) {
  const jobid = await createJob(db, spec);
  await runNow(db, jobid);
  const runs = await waitForRuns(db, jobid);
  expect(runs).toHaveLength(1);
  return runs[0];
}

describe("pgAgent's tutorial", () => {
  test('an SQL step inserts md5(random()::text), now() rows', async () => {
    const run = await runOnce({
      name: 'tutorial',
      steps: [{ code: 'INSERT INTO public.tutorial (val, at) SELECT md5(random()::text), now()' }],
    });
    expect(run.jlgstatus).toBe('s');
    expect(run.steps).toMatchObject([{ jslstatus: 's', jslresult: 1 }]);
    const rows = await db.query<{ val: string }>('SELECT val FROM public.tutorial');
    expect(rows).toHaveLength(1);
    expect(rows[0].val).toMatch(/^[0-9a-f]{32}$/);
  });

  test('a step with a connection string runs on another database', async () => {
    const run = await runOnce({
      steps: [
        {
          connstr: other.conninfo,
          code: 'CREATE TABLE remote (val text, at timestamptz); INSERT INTO remote SELECT md5(random()::text), now() FROM generate_series(1, 3)',
        },
      ],
    });
    expect(run.jlgstatus).toBe('s');
    expect(run.steps).toMatchObject([{ jslstatus: 's', jslresult: 3 }]);
    expect(await other.query('SELECT * FROM remote')).toHaveLength(3);
  });
});

describe('on-error', () => {
  const failing = 'SELECT 1/0';
  const cases: [string, boolean, string, string[]][] = [
    // onerror, does step 1 fail, run status, step statuses
    ['f', true, 'f', ['f']],
    ['s', true, 's', ['s', 's']],
    ['i', true, 's', ['i', 's']],
    ['f', false, 's', ['s', 's']],
    ['s', false, 's', ['s', 's']],
    ['i', false, 's', ['s', 's']],
  ];
  test.each(cases)(
    'jstonerror %s, step fails: %s -> run %s, steps %j',
    async (onerror, fails, runStatus, stepStatuses) => {
      const run = await runOnce({
        steps: [
          { code: fails ? failing : 'SELECT 1', onerror: onerror as 'f' | 's' | 'i' },
          { code: 'SELECT 2' },
        ],
      });
      expect(run.jlgstatus).toBe(runStatus);
      expect(run.steps.map((s) => s.jslstatus)).toEqual(stepStatuses);
      expect(run.steps[0].jslresult).toBe(fails ? -1 : 1);
    },
  );

  test('a failing last step with f fails the job after the earlier steps ran', async () => {
    const run = await runOnce({ steps: [{ code: 'SELECT 1' }, { code: failing, onerror: 'f' }] });
    expect(run.jlgstatus).toBe('f');
    expect(run.steps.map((s) => s.jslstatus)).toEqual(['s', 'f']);
  });
});

describe('steps', () => {
  test('run in order of name, then id; disabled steps are skipped', async () => {
    await db.query('CREATE TABLE public.step_order (seq serial, tag text)');
    const run = await runOnce({
      steps: [
        { name: 'b', code: "INSERT INTO public.step_order (tag) VALUES ('b')" },
        { name: 'a', code: "INSERT INTO public.step_order (tag) VALUES ('a1')" },
        { name: 'a', code: "INSERT INTO public.step_order (tag) VALUES ('a2')" },
        { name: 'a', code: "INSERT INTO public.step_order (tag) VALUES ('disabled')", enabled: false },
      ],
    });
    expect(run.jlgstatus).toBe('s');
    expect(run.steps.map((s) => s.jstname)).toEqual(['a', 'a', 'b']);
    const tags = await db.query<{ tag: string }>('SELECT tag FROM public.step_order ORDER BY seq');
    expect(tags.map((t) => t.tag)).toEqual(['a1', 'a2', 'b']);
  });

  test('a job without steps, or with only disabled ones, ends i', async () => {
    const none = await runOnce({ steps: [] });
    const disabled = await runOnce({ steps: [{ code: 'SELECT 1', enabled: false }] });
    for (const run of [none, disabled]) {
      expect(run.jlgstatus).toBe('i');
      expect(run.steps).toEqual([]);
    }
  });

  test('the job is released with its next run computed by the trigger', async () => {
    const jobid = await createJob(db, { everyMinute: true, steps: [{ code: 'SELECT 1' }] });
    await runNow(db, jobid);
    await waitForRuns(db, jobid);
    // jobnextrun changes only when a run ends (the claim leaves it), so it is the first whole
    // minute after the end of the job's latest finished run, whenever this looks: also if a
    // minute has passed meanwhile and the next run started. One statement: one snapshot.
    const [job] = await db.query<{ whole_minute: boolean; after_end: boolean; within_a_minute: boolean }>(
      `SELECT date_trunc('minute', j.jobnextrun) = j.jobnextrun AS whole_minute,
              j.jobnextrun > r.ended AS after_end,
              j.jobnextrun <= r.ended + interval '1 minute 30 seconds' AS within_a_minute
         FROM pgagent.pga_job j,
              LATERAL (SELECT jlgstart + jlgduration AS ended FROM pgagent.pga_joblog
                        WHERE jlgjobid = j.jobid AND jlgstatus <> 'r' ORDER BY jlgid DESC LIMIT 1) r
        WHERE j.jobid = $1`,
      [jobid],
    );
    expect(job).toEqual({ whole_minute: true, after_end: true, within_a_minute: true });
    // Every minute from now on it would run beside the other tests' jobs.
    await db.query('UPDATE pgagent.pga_job SET jobenabled = false WHERE jobid = $1', [jobid]);
  });
});

describe('host pinning', () => {
  test('jobs pinned to another station stay unclaimed; ours and unpinned ones run', async () => {
    const theirs = await createJob(db, { hostagent: 'beta', steps: [{ code: 'SELECT 1' }] });
    const ours = await createJob(db, { hostagent: 'alpha', steps: [{ code: 'SELECT 1' }] });
    await runNow(db, theirs, ours);
    await waitForRuns(db, ours);
    // Made due after "theirs": by the time it has run, every poll since would have taken "theirs".
    const later = await createJob(db, { steps: [{ code: 'SELECT 1' }] });
    await runNow(db, later);
    await waitForRuns(db, later);
    const [job] = await db.query('SELECT jobagentid, joblastrun FROM pgagent.pga_job WHERE jobid = $1', [
      theirs,
    ]);
    expect(job).toEqual({ jobagentid: null, joblastrun: null });
    expect(await db.query('SELECT 1 FROM pgagent.pga_joblog WHERE jlgjobid = $1', [theirs])).toHaveLength(0);
  });
});

describe('SQL steps', () => {
  test('errors are kept with SQLSTATE, detail, hint and context; notices too', async () => {
    const run = await runOnce({
      steps: [
        {
          code: `DO $$BEGIN RAISE NOTICE 'working on it'; END$$;
                 DO $$BEGIN RAISE EXCEPTION 'it broke' USING ERRCODE = 'P0001', DETAIL = 'the detail', HINT = 'the hint'; END$$`,
        },
      ],
    });
    expect(run.jlgstatus).toBe('f');
    const [step] = run.steps;
    expect(step.jslresult).toBe(-1);
    expect(step.jsloutput).toContain('NOTICE:  00000: working on it');
    expect(step.jsloutput).toContain('ERROR:  P0001: it broke');
    expect(step.jsloutput).toContain('DETAIL:  the detail');
    expect(step.jsloutput).toContain('HINT:  the hint');
    expect(step.jsloutput).toMatch(/CONTEXT: {2}PL\/pgSQL function inline_code_block line 1 at RAISE/);
  });

  test('rows selected are counted, not kept (the agent does not buffer them)', async () => {
    const run = await runOnce({
      steps: [{ code: "SELECT g, repeat('x', 100) FROM generate_series(1, 300000) g" }],
    });
    expect(run.steps).toMatchObject([{ jslstatus: 's', jslresult: 300000, jsloutput: '' }]);
  });

  test('a syntax error fails the step', async () => {
    const run = await runOnce({ steps: [{ code: 'SELEC 1' }] });
    expect(run.steps[0]).toMatchObject({ jslstatus: 'f', jslresult: -1 });
    expect(run.steps[0].jsloutput).toContain('42601: syntax error at or near "SELEC"');
  });

  test('bad targets fail their step, and the agent goes on', async () => {
    const run = await runOnce({
      steps: [
        { code: 'SELECT 1', dbname: 'no_such_database', onerror: 'i' },
        { code: 'SELECT 1', connstr: "dbname='unterminated", onerror: 'i' },
        {
          code: 'SELECT 1',
          connstr: 'host=/nonexistent/socket/dir port=1 dbname=x password=s3cret',
          onerror: 'i',
        },
        { code: 'SELECT 1' },
      ],
    });
    expect(run.jlgstatus).toBe('s');
    expect(run.steps.map((s) => s.jslstatus)).toEqual(['i', 'i', 'i', 's']);
    expect(run.steps[0].jsloutput).toMatch(
      /could not connect to database "no_such_database": .*does not exist \(SQLSTATE 3D000\)/,
    );
    expect(run.steps[1].jsloutput).toMatch(/^invalid connection string in step: /);
    expect(run.steps[2].jsloutput).toMatch(/^could not connect to /);
    expect(run.steps[2].jsloutput).not.toContain('s3cret');
    expect(agent.log).not.toContain('s3cret');
  });

  test('an open transaction, a changed setting, a lock or a COPY does not reach the next step', async () => {
    await db.query(
      'CREATE TABLE public.leak_check (step text, pid int, search_path text, in_txn bool, temp_table bool)',
    );
    const check = (name: string): string =>
      `INSERT INTO public.leak_check SELECT '${name}', pg_backend_pid(), current_setting('search_path'),
              now() <> statement_timestamp(), to_regclass('pg_temp.leaked') IS NOT NULL`;
    // A connection string of its own gives these steps a pool no other job shares, so they run
    // one after another on the one connection that pool opens.
    const connstr = `${db.conninfo} application_name=leak_check`;
    const run = await runOnce({
      steps: [
        {
          connstr,
          code: `${check('first')}; BEGIN; SET search_path = nowhere; CREATE TEMP TABLE leaked (x int)`,
        },
        { connstr, code: check('after an open transaction') },
        { connstr, code: 'BEGIN; SELECT 1/0', onerror: 'i' },
        { connstr, code: check('after a failed transaction') },
        {
          connstr,
          code: `SET search_path = nowhere; CREATE TEMP TABLE leaked (x int); SELECT pg_advisory_lock(${LEFT_LOCK})`,
        },
        { connstr, code: check('after session state') },
        // The server reads COPY data from the client: the agent refuses to send any.
        { connstr, code: 'COPY public.leak_check FROM STDIN', onerror: 'i' },
        { connstr, code: check('after a COPY') },
      ],
    });
    expect(run.steps.map((s) => s.jslstatus)).toEqual(['s', 's', 'i', 's', 's', 's', 'i', 's']);
    expect(run.steps[6].jsloutput).toMatch(/No source stream defined/);
    const rows = await db.query<{ pid: number }>('SELECT * FROM public.leak_check ORDER BY step');
    // Whichever pooled connection each step got (the pool may replace one it reset), none sees
    // what an earlier step left behind. (The first step's row went with its open transaction.)
    expect(rows.map((r) => (r as { step?: string }).step)).toEqual([
      'after a COPY',
      'after a failed transaction',
      'after an open transaction',
      'after session state',
    ]);
    for (const r of rows)
      expect(r).toMatchObject({ search_path: '"$user", public', in_txn: false, temp_table: false });
    // A step's session is reset before its end is recorded: its idle connection holds no lock.
    expect(
      await db.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1", [LEFT_LOCK]),
    ).toEqual([]);
  });
});

describe('batch steps', () => {
  test('stdout and stderr are kept and the exit code is the result', async () => {
    const run = await runOnce({ steps: [{ kind: 'b', code: 'echo out\necho err >&2\nexit 3' }] });
    expect(run.jlgstatus).toBe('f');
    expect(run.steps[0]).toMatchObject({ jslstatus: 'f', jslresult: 3, jsloutput: 'out\nerr\n' });
  });

  test('CRLF line endings, a shebang, and a private directory removed afterwards', async () => {
    const run = await runOnce({
      steps: [
        { kind: 'b', code: 'echo one\r\necho two\r\n' },
        {
          kind: 'b',
          code: '#!/bin/bash\necho "$BASH_VERSION" | grep -q . && echo bash\npwd\nstat -c %a .\n',
        },
      ],
    });
    expect(run.jlgstatus).toBe('s');
    expect(run.steps[0].jsloutput).toBe('one\ntwo\n');
    const [shell, dir, mode] = run.steps[1].jsloutput!.trim().split('\n');
    expect(shell).toBe('bash');
    expect(path.dirname(dir)).toBe(os.tmpdir());
    expect(mode).toBe('700');
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('a script killed by a signal gets 128 + the signal number', async () => {
    const run = await runOnce({ steps: [{ kind: 'b', code: 'echo before\nkill -KILL $$\n' }] });
    expect(run.steps[0]).toMatchObject({ jslstatus: 'f', jslresult: 137 });
    expect(run.steps[0].jsloutput).toBe('before\n[terminated by signal SIGKILL]\n');
  });

  test('a background child holding stdout open does not hold the step', async () => {
    const pidFile = path.join(os.tmpdir(), `pgagent-agent-bg-${process.pid}`);
    try {
      const run = await runOnce({
        steps: [{ kind: 'b', code: `sleep 60 &\necho $! > ${pidFile}\necho started\n` }],
      });
      expect(run.steps[0]).toMatchObject({ jslstatus: 's', jslresult: 0 });
      expect(run.steps[0].jsloutput).toMatch(
        /^started\n\[output no longer read: a background process kept it open/,
      );
    } finally {
      const bg = Number(fs.readFileSync(pidFile, 'utf8'));
      if (bg > 0) process.kill(bg, 'SIGKILL');
      fs.rmSync(pidFile, { force: true });
    }
  });

  test('huge output keeps its head and tail; binary output is stored safely', async () => {
    const run = await runOnce({
      steps: [
        { kind: 'b', code: "echo START\nhead -c 20000000 /dev/zero | tr '\\0' x\necho\necho END\n" },
        { kind: 'b', code: "printf 'a\\000b\\377c\\n'\n" },
      ],
    });
    expect(run.jlgstatus).toBe('s');
    const huge = run.steps[0].jsloutput!;
    expect(huge.length).toBeLessThan(1100000);
    expect(huge.startsWith('START\nxxx')).toBe(true);
    expect(huge.endsWith('xxx\nEND\n')).toBe(true);
    expect(huge).toMatch(/\n\[\.\.\. \d+ bytes of output omitted \.\.\.\]\n/);
    expect(run.steps[1].jsloutput).toBe('a\u2400b\ufffdc\n');
  });
});
