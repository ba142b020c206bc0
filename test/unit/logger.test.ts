// The agent's log: levels, formats, the file and its reopening, and no passwords.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLogger, Logger, timestamp } from '../../agent/logger';
import { LogFormat, LogLevel } from '../../agent/options';

let tmp: string;
let n = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-log-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fileLogger(
  level: LogLevel,
  format: LogFormat = 'text',
): { logger: Logger; file: string; lines: () => string[] } {
  const file = path.join(tmp, `log-${++n}.log`);
  const logger = createLogger({ level, format, file });
  const lines = (): string[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { logger, file, lines };
}

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/;

test('timestamps are ISO 8601 local time with the offset, and denote the same instant', () => {
  const d = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  expect(timestamp(d)).toMatch(TS);
  expect(Date.parse(timestamp(d))).toBe(d.getTime());
});

test.each([
  [0, ['ERROR e']],
  [1, ['ERROR e', 'WARNING w']],
  [2, ['ERROR e', 'WARNING w', 'DEBUG d']],
] as [LogLevel, string[]][])('level %i writes messages of that level and below', async (level, expected) => {
  const { logger, lines } = fileLogger(level);
  logger.error('e');
  logger.warn('w');
  logger.debug('d');
  await logger.close();
  expect(lines().map((l) => l.replace(/^\S+ /, ''))).toEqual(expected);
  for (const line of lines()) expect(line.split(' ')[0]).toMatch(TS);
});

test('text lines carry fields as key=value, quoting when needed', async () => {
  const { logger, lines } = fileLogger(2);
  logger.warn('job failed', {
    jobid: 7,
    step: 'my step',
    ok: false,
    err: new Error('boom'),
    big: 10n,
    none: null,
  });
  await logger.close();
  expect(lines()[0]).toMatch(
    / WARNING job failed jobid=7 step="my step" ok=false err=boom big=10 none=null$/,
  );
});

test('any value can be logged: cycles, class instances, dates, functions', async () => {
  const { logger, lines } = fileLogger(2, 'json');
  const cycle: Record<string, unknown> = { name: 'loop' };
  cycle.self = cycle;
  logger.debug('odd values', { cycle, map: new Map(), when: new Date(0), fn: () => 1, list: [1, 'two'] });
  await logger.close();
  const { fields } = JSON.parse(lines()[0]);
  expect(fields).toMatchObject({ map: '[Map]', when: '1970-01-01T00:00:00.000Z', list: [1, 'two'] });
  expect(fields.cycle.self.self.name).toBe('loop');
});

test('json lines are one object each with ts, level, msg and fields', async () => {
  const { logger, lines } = fileLogger(2, 'json');
  logger.error('bad', { jobid: 1 });
  logger.debug('plain');
  await logger.close();
  const [a, b] = lines().map((l) => JSON.parse(l));
  expect(a).toEqual({ ts: expect.stringMatching(TS), level: 'ERROR', msg: 'bad', fields: { jobid: 1 } });
  expect(b).toEqual({ ts: expect.stringMatching(TS), level: 'DEBUG', msg: 'plain' });
});

test('the file is appended to, not truncated', async () => {
  const file = path.join(tmp, 'append.log');
  fs.writeFileSync(file, 'earlier line\n');
  const logger = createLogger({ level: 0, format: 'text', file });
  logger.error('new line');
  await logger.close();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  expect(lines[0]).toBe('earlier line');
  expect(lines[1]).toMatch(/ ERROR new line$/);
});

test('reopen() after logrotate moved the file writes to a new file', async () => {
  const { logger, file, lines } = fileLogger(0);
  logger.error('before');
  fs.renameSync(file, `${file}.1`);
  logger.error('between');
  logger.reopen();
  logger.error('after');
  await logger.close();
  const rotated = fs.readFileSync(`${file}.1`, 'utf8');
  expect(rotated).toMatch(/before\n.*between\n$/);
  expect(lines()).toHaveLength(1);
  expect(lines()[0]).toMatch(/ERROR after$/);
});

test('a log file that cannot be opened is an error at creation', () => {
  expect(() => createLogger({ level: 0, format: 'text', file: path.join(tmp, 'no/such/dir/x.log') })).toThrow(
    /ENOENT/,
  );
});

test('stdout when no file is given', async () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const logger = createLogger({ level: 1, format: 'json' });
    logger.warn('to stdout');
    logger.debug('filtered');
    await logger.close();
  } finally {
    spy.mockRestore();
  }
  expect(written).toHaveLength(1);
  expect(JSON.parse(written[0])).toMatchObject({ level: 'WARNING', msg: 'to stdout' });
});

describe('passwords are never printed', () => {
  async function logged(format: LogFormat, msg: string, fields?: Record<string, unknown>): Promise<string> {
    const { logger, file } = fileLogger(2, format);
    logger.error(msg, fields);
    await logger.close();
    return fs.readFileSync(file, 'utf8');
  }

  test.each(['text', 'json'] as LogFormat[])(
    'fields named like a password are masked (%s)',
    async (format) => {
      const out = await logged(format, 'connecting', {
        password: 's3cret',
        sslpassword: 's3cret',
        PGPASSWORD: 's3cret',
        user: 'u',
        config: { host: 'h', password: 's3cret', ssl: { passphrase: 's3cret' } },
      });
      expect(out).not.toContain('s3cret');
      expect(out).toContain('********');
      expect(out).toContain('u');
    },
  );

  test('conninfo fields are redacted, keyword strings and URIs', async () => {
    const out = await logged('text', 'step', {
      conninfo: "host=h password='s3 cret' dbname=d",
      jstconnstr: 'postgresql://u:s3cret@h/d',
    });
    expect(out).not.toMatch(/s3/);
    expect(out).toContain('dbname=d');
    expect(out).toContain('postgresql://u:********@h/d');
  });

  test('a password inside a message or an error is masked', async () => {
    const out = await logged('json', 'could not connect with host=h password=s3cret user=u', {
      error: new Error('failed for postgresql://u:s3cret@h/d'),
      detail: "in 'password = s3cret'",
    });
    expect(out).not.toContain('s3cret');
    expect(out).toContain('user=u');
  });
});
