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
  for (const opt of ['--foreground', '--poll', '--retry', '--log-file', '--log-level', '--log-format', '--max-jobs', '--hostname', '--shutdown-grace', '--version']) {
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

  test('the schema missing is a fatal error at start-up: exit 1', async () => {
    const bare = await createTestDatabase({ extension: false });
    try {
      const { code, stdout } = await run('-f', '-l', '0', ...bare.conninfo.split(' '));
      expect(code).toBe(1);
      expect(stdout).toMatch(/ERROR/);
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
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(Object.keys(line)).toEqual(expect.arrayContaining(['ts', 'level', 'msg']));
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
