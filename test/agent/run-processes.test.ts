// Batch steps and the agent's OS processes: a script does not outlive a killed agent, the next
// agent removes what a killed one left in the temp directory, and an agent running as an
// ordinary user (as it should) survives what such a user cannot do: remove a directory a
// script locked, reopen a log file logrotate created for root.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startAgent, stopAllAgents } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRuns, waitForRunningStep } from '../helpers/runs';
import { waitFor } from '../helpers/wait';

let db: TestDatabase;
let tmp: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-processes-'));
  fs.chmodSync(tmp, 0o777);
});

afterAll(async () => {
  await stopAllAgents();
  await db.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test('kill -9 of the agent: its batch script is ended, and the next agent removes its step directory', async () => {
  const pidFile = path.join(tmp, 'script.pid');
  const dirFile = path.join(tmp, 'script.dir');
  // A temp directory of their own: an agent of another test file starting meanwhile would
  // otherwise remove the killed agent's step directory first.
  const env = { ...process.env, TMPDIR: fs.mkdtempSync(path.join(tmp, 'tmpdir-')) };
  const agent = startAgent(db.conninfo, ['--hostname', 'killed'], env);
  await agent.waitForLog(/pgagent started/);
  const jobid = await createJob(db, {
    hostagent: 'killed',
    steps: [{ kind: 'b', code: `pwd > ${dirFile}\necho $$ > ${pidFile}\nsleep 100\n` }],
  });
  await runNow(db, jobid);
  await waitForRunningStep(db, jobid);
  await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'), {
    what: 'the script to start',
  });
  const pgid = Number(fs.readFileSync(pidFile, 'utf8'));
  const dir = fs.readFileSync(dirFile, 'utf8').trim();
  try {
    await agent.stop('SIGKILL');
    await waitFor(() => !groupAlive(pgid), {
      timeoutMs: 20_000,
      what: `the script's process group ${pgid} to end`,
    });
    expect(fs.existsSync(dir)).toBe(true);
    const next = startAgent(db.conninfo, ['--hostname', 'next'], env);
    await next.waitForLog(/pgagent started/);
    expect(fs.existsSync(dir)).toBe(false);
    expect(next.log).toContain(`removed the step directory ${dir} of an agent that is no longer running`);
  } finally {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  }
});

describe('an agent running as an ordinary user', () => {
  let postgres: { uid: number; gid: number };
  const log = (): string => path.join(tmp, 'agent.log');
  const read = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

  beforeAll(() => {
    if (os.userInfo().uid !== 0)
      throw new Error('these tests start the agent as the postgres OS user, which needs root');
    const [uid, gid] = fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'))!
      .split(':')
      .slice(2, 4)
      .map(Number);
    postgres = { uid, gid };
  });

  test('a step directory the script locked (chmod 000) is left with a warning; the step still succeeded', async () => {
    const agent = startAgent(
      db.conninfo,
      ['--hostname', 'user', '-s', log()],
      { ...process.env, HOME: tmp },
      postgres,
    );
    await waitFor(() => read(log()).includes('pgagent started'), {
      what: 'the agent to start',
      context: () => read(log()) + agent.log,
    });
    const jobid = await createJob(db, {
      hostagent: 'user',
      steps: [{ kind: 'b', code: 'mkdir locked\ntouch locked/file\nchmod 000 locked\npwd\n' }],
    });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid);
    const dir = run.steps[0].jsloutput!.trim();
    try {
      expect(run.steps).toMatchObject([{ jslstatus: 's', jslresult: 0 }]);
      expect(read(log())).toMatch(/WARNING could not remove the directory of step \d+: .*EACCES/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('SIGHUP when the new log file cannot be opened (EACCES): the agent keeps logging to the old one and goes on', async () => {
    const agent = startAgent(
      db.conninfo,
      ['--hostname', 'hup', '-s', path.join(tmp, 'hup.log')],
      { ...process.env, HOME: tmp },
      postgres,
    );
    const current = path.join(tmp, 'hup.log');
    const rotated = path.join(tmp, 'hup.log.1');
    await waitFor(() => read(current).includes('pgagent started'), {
      what: 'the agent to start',
      context: () => read(current) + agent.log,
    });
    // logrotate with "create 0640 root root", the agent not being root.
    fs.renameSync(current, rotated);
    fs.writeFileSync(current, '', { mode: 0o600 });
    agent.signal('SIGHUP');
    await waitFor(() => read(rotated).includes('could not reopen the log file'), {
      what: 'the warning',
      context: () => read(rotated) + agent.log,
    });
    expect(read(rotated)).toMatch(
      /WARNING could not reopen the log file ".*hup.log": EACCES.*; still writing to the file opened before/,
    );
    const jobid = await createJob(db, { hostagent: 'hup', steps: [{ code: 'SELECT 1' }] });
    await runNow(db, jobid);
    expect((await waitForRuns(db, jobid)).map((r) => r.jlgstatus)).toEqual(['s']);
    expect(read(rotated)).toMatch(new RegExp(`job ${jobid} \\(test job\\): run \\d+ finished with status s`));
    expect((await agent.stop()).code).toBe(0);
  });
});
