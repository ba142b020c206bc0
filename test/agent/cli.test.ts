// The built pgagent command, run as a real process: options, usage errors and exit codes,
// the foreground and detached modes, and SIGHUP.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { processAlive } from '../../scripts/cluster';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/agent/cli.js');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-cli-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The environment without PG* variables, so only the command line decides. */
function env(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function finished(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const run = (...args: string[]): Promise<Result> => finished(start(args));

async function waitFor<T>(what: () => Promise<T | undefined> | T | undefined): Promise<T> {
  // Jest's test timeout bounds the wait.
  for (;;) {
    const value = await what();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const readIfExists = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

test('it is the package bin, a node script', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.bin.pgagent).toBe('dist/agent/cli.js');
  expect(fs.readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
});

test.each([['-v'], ['--version']])('%s prints the version', async (flag) => {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(await run(flag)).toEqual({
    code: 0,
    stdout: `pgagent ${version} (PostgreSQL job scheduler, compatible with pgAgent 4.2)\n`,
    stderr: '',
  });
});

test('--help lists the options and the exit codes', async () => {
  const { code, stdout, stderr } = await run('--help');
  expect(code).toBe(0);
  expect(stderr).toBe('');
  expect(stdout).toMatch(/^Usage: pgagent \[options\] <connect string>/);
  for (const opt of [
    '--foreground',
    '--poll',
    '--retry',
    '--log-file',
    '--log-level',
    '--log-format',
    '--max-jobs',
    '--hostname',
    '--shutdown-grace',
    '--version',
  ]) {
    expect(stdout).toContain(opt);
  }
  expect(stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
});

describe('usage errors exit 2 with a message and no stack trace', () => {
  test.each([
    [[], 'missing connect string'],
    [['-f'], 'missing connect string'],
    [['--bogus', 'dbname=x'], 'Unknown argument: bogus'],
    [['-t', '0', 'dbname=x'], '-t/--poll must be a whole number >= 1, not "0"'],
    [['-t0', 'dbname=x'], '-t/--poll must be a whole number >= 1, not "0"'],
    [['--poll=2.5', 'dbname=x'], '-t/--poll must be a whole number >= 1, not "2.5"'],
    [['-r', '9', 'dbname=x'], '-r/--retry must be a whole number >= 10, not "9"'],
    [['-l', '3', 'dbname=x'], '-l/--log-level must be a whole number 0 to 2, not "3"'],
    [['--max-jobs', '0', 'dbname=x'], '--max-jobs must be a whole number >= 1, not "0"'],
    [['--log-format', 'xml', 'dbname=x'], 'Choices: "text", "json"'],
    [['-f', 'host=x', 'dbname'], 'invalid connect string: missing "=" after "dbname"'],
    [['-f', 'host=x nosuch=1'], 'invalid connect string: invalid connection option "nosuch"'],
    [['-f', "dbname='x"], 'invalid connect string: unterminated quoted string'],
    [['-f', 'postgresql://h/d?bad=1'], 'invalid connect string: invalid URI query parameter "bad"'],
    [['-f', 'sslmode=sometimes'], 'invalid connect string: invalid sslmode value: "sometimes"'],
    // Without -f too: said on the terminal before detaching.
    [['host=x nosuch=1'], 'invalid connect string: invalid connection option "nosuch"'],
    [
      ['host=a,b target_session_attrs=master'],
      'invalid connect string: invalid target_session_attrs value: "master"',
    ],
    [['host=a,b port=1,2,3'], 'invalid connect string: could not match 3 port numbers to 2 hosts'],
  ])('%j', async (args, message) => {
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Try "pgagent --help"');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test('the message does not show the password', async () => {
    const { code, stderr } = await run('-f', 'password=s3cret', 'tail', 'host=x');
    expect(code).toBe(2);
    expect(stderr).not.toContain('s3cret');
  });
});

test('a log file that cannot be opened exits 1', async () => {
  const { code, stderr } = await run('-f', '-s', path.join(tmp, 'no/such/dir/log'), 'dbname=x');
  expect(code).toBe(1);
  expect(stderr).toContain(`cannot open log file "${path.join(tmp, 'no/such/dir/log')}"`);
});

test("pgAgent's attached values: -slog, -t5", async () => {
  // yargs alone would read -sno-such-dir/log as the flags -s -n -o ...
  const { code, stderr } = await run('-f', '-t5', '-sno-such-dir/log', 'dbname=x');
  expect(code).toBe(1);
  expect(stderr).toContain(`cannot open log file "${path.resolve('no-such-dir/log')}"`);
});

describe('without -f, the start-up is reported on the terminal', () => {
  const live: number[] = [];
  afterAll(() => {
    for (const pid of live) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  test('a server that is down: a warning, exit 0, and the agent runs on retrying', async () => {
    const log = path.join(tmp, 'down.log');
    const port = '1';
    const { code, stdout, stderr } = await run('-r', '10', '-s', log, `host=${tmp} port=${port} dbname=x`);
    const pid = Number(/running in the background as pid (\d+)/.exec(stderr)?.[1]);
    if (pid) live.push(pid);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    expect(stderr).toBe(
      `pgagent: warning: running in the background as pid ${pid}, retrying every 10 s: connection to server on socket "${tmp}/.s.PGSQL.${port}" failed: No such file or directory\n` +
        '\tIs the server running locally and accepting connections on that socket?\n',
    );
    expect(processAlive(pid)).toBe(true);
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !processAlive(pid));
    expect(readIfExists(log)).toMatch(/could not connect to the service database/);
  });

  test('--pidfile: written by the running agent, refused while it lives, removed at exit', async () => {
    const db = await createTestDatabase();
    const pidfile = path.join(tmp, 'agent.pid');
    const log = path.join(tmp, 'pidfile.log');
    try {
      const first = await run(
        '-s',
        log,
        '--pidfile',
        pidfile,
        '--hostname',
        'cli-pidfile',
        ...db.conninfo.split(' '),
      );
      expect(first).toEqual({ code: 0, stdout: '', stderr: '' });
      const pid = Number(fs.readFileSync(pidfile, 'utf8'));
      live.push(pid);
      expect(await db.query('SELECT jagstation FROM pgagent.pga_jobagent')).toEqual([
        { jagstation: 'cli-pidfile' },
      ]);

      for (const args of [[], ['-f']]) {
        const second = await run(...args, '-s', log, '--pidfile', pidfile, ...db.conninfo.split(' '));
        expect(second.code).toBe(1);
        expect(second.stderr).toBe(
          `pgagent: pid file "${pidfile}" names a running process (pid ${pid}): is another agent running?\n`,
        );
      }
      process.kill(pid, 'SIGTERM');
      await waitFor(() => !processAlive(pid) && !fs.existsSync(pidfile));
      expect(await db.query('SELECT jagstation FROM pgagent.pga_jobagent')).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  test('a pid file left by a dead process is taken over', async () => {
    const pidfile = path.join(tmp, 'stale.pid');
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.on('exit', r));
    fs.writeFileSync(pidfile, `${dead.pid}\n`);
    const child = start(['-f', '-r', '10', '--pidfile', pidfile, `host=${tmp} port=1 dbname=x`]);
    const result = finished(child);
    await waitFor(() => readIfExists(pidfile).trim() === String(child.pid));
    child.kill('SIGTERM');
    expect((await result).code).toBe(0);
    expect(fs.existsSync(pidfile)).toBe(false);
  });

  test('what needs a person (the schema missing) is on the terminal too', async () => {
    const bare = await createTestDatabase({ extension: false });
    try {
      const { code, stderr } = await run('-r', '10', ...bare.conninfo.split(' '));
      const pid = Number(/running in the background as pid (\d+)/.exec(stderr)?.[1]);
      if (pid) live.push(pid);
      // The database is not the agent's to give up on: it retries in the background, and says why.
      expect(code).toBe(0);
      expect(stderr).toContain(
        `pgagent: warning: running in the background as pid ${pid}, retrying every 10 s: `,
      );
      expect(stderr).toContain(`database "${bare.name}" has no pgagent schema`);
    } finally {
      await bare.drop();
    }
  });
});

describe('against a database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const agents = (): Promise<{ jagpid: number; jagstation: string }[]> =>
    db.query('SELECT jagpid, jagstation FROM pgagent.pga_jobagent');
  // The connect string as several words, as pgAgent's service files give it.
  const words = (): string[] => db.conninfo.split(' ');

  test('the schema missing is an error line at start-up, the agent keeps retrying and SIGTERM exits 0', async () => {
    const bare = await createTestDatabase({ extension: false });
    try {
      const child = start(['-f', '-l', '0', '-r', '10', ...bare.conninfo.split(' ')]);
      const result = finished(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor(() => out.includes('has no pgagent schema') || undefined);
      expect(out).toMatch(/ERROR could not connect to the service database: .*has no pgagent schema/);
      child.kill('SIGTERM');
      expect((await result).code).toBe(0);
    } finally {
      await bare.drop();
    }
  });

  test('foreground: runs with the connect string in several words, SIGTERM exits 0', async () => {
    // The scratch cluster trusts everyone: the password is only there to be warned about.
    const child = start(['-f', '-l', '2', '--hostname', 'cli-fg', '-t', '1', ...words(), 'password=pw123']);
    const result = finished(child);
    await waitFor(async () => (await agents()).some((a) => a.jagstation === 'cli-fg'));
    child.kill('SIGTERM');
    const { code, stdout } = await result;
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d (DEBUG|WARNING) /m);
    expect(stdout).toMatch(/WARNING the connect string holds a password, which other users can see/);
    expect(stdout).not.toContain('pw123');
    expect(await agents()).toEqual([]);
  });

  test('json log lines', async () => {
    const child = start(['-f', '-l', '2', '--log-format', 'json', '--hostname', 'cli-json', ...words()]);
    const result = finished(child);
    await waitFor(async () => (await agents()).some((a) => a.jagstation === 'cli-json'));
    child.kill('SIGINT');
    const { code, stdout } = await result;
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['ts', 'level', 'msg']));
  });

  test('SIGHUP reopens the log file after it was moved', async () => {
    const log = path.join(tmp, 'hup.log');
    const child = start(['-f', '-l', '2', '-s', log, '--hostname', 'cli-hup', ...words()]);
    const result = finished(child);
    await waitFor(async () => (await agents()).some((a) => a.jagstation === 'cli-hup'));
    fs.renameSync(log, `${log}.1`);
    child.kill('SIGHUP');
    await waitFor(() => readIfExists(log).includes('log file reopened'));
    child.kill('SIGTERM');
    expect((await result).code).toBe(0);
    expect(readIfExists(`${log}.1`)).toMatch(/registered|started/);
    expect(readIfExists(log)).toMatch(/log file reopened/);
  });

  test('without -f it detaches: the command returns 0 and the agent runs on in the background', async () => {
    const log = path.join(tmp, 'detached.log');
    const { code, stdout, stderr } = await run('-l', '2', '-s', log, '--hostname', 'cli-bg', ...words());
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    const pid = Number(/started in the background pid=(\d+)/.exec(readIfExists(log))?.[1]);
    expect(pid).toBeGreaterThan(0);
    try {
      await waitFor(async () => (await agents()).some((a) => a.jagstation === 'cli-bg'));
    } finally {
      process.kill(pid, 'SIGTERM');
    }
    await waitFor(() => !processAlive(pid));
    expect(await agents()).toEqual([]);
    expect(readIfExists(log)).toMatch(/pgagent stopped/);
  });
});
