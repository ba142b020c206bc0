// `make install` into a staging root (DESTDIR) with PREFIX=/opt/pgagent: the extension files,
// the agent with a working `pgagent` command, and systemd units that systemd-analyze accepts;
// then `make uninstall` leaves no file behind.
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PREFIX = '/opt/pgagent';
const PG_CONFIG = path.join(process.env.PGAGENT_PG_BIN ?? '/usr/lib/postgresql/15/bin', 'pg_config');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

let dest: string;

function run(cmd: string, args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000 });
}

function make(target: string): SpawnSyncReturns<string> {
  return run('make', ['-s', target, `DESTDIR=${dest}`, `PREFIX=${PREFIX}`, `PG_CONFIG=${PG_CONFIG}`]);
}

/** Every file and link under dir, relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => !fs.lstatSync(path.join(dir, f)).isDirectory())
    .sort();
}

const staged = (p: string): string => path.join(dest, p);
const sharedir = (): string => run(PG_CONFIG, ['--sharedir']).stdout.trim();

beforeAll(() => {
  dest = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-install-'));
  const install = make('install');
  if (install.status !== 0) throw new Error(`make install failed:\n${install.stderr}${install.stdout}`);
}, 300_000);

afterAll(() => {
  if (dest) fs.rmSync(dest, { recursive: true, force: true });
});

test('the pgagent command is a relative link to the installed agent and prints its version', () => {
  const bin = staged(`${PREFIX}/bin/pgagent`);
  expect(fs.readlinkSync(bin)).toBe('../lib/pgagent/dist/agent/cli.js');
  const version = run(bin, ['--version']);
  expect(version.status).toBe(0);
  expect(version.stdout).toMatch(new RegExp(`^pgagent ${VERSION.replace(/\./g, '\\.')} `));
});

test('the agent has its production dependencies only, and the extension sources beside it', () => {
  const lib = staged(`${PREFIX}/lib/pgagent`);
  expect(fs.existsSync(path.join(lib, 'node_modules', 'pg', 'package.json'))).toBe(true);
  expect(fs.existsSync(path.join(lib, 'node_modules', 'yargs', 'package.json'))).toBe(true);
  expect(fs.existsSync(path.join(lib, 'node_modules', 'jest'))).toBe(false);
  expect(fs.existsSync(path.join(lib, 'node_modules', 'typescript'))).toBe(false);
  expect(fs.existsSync(path.join(lib, 'agent'))).toBe(false);
  expect(fs.existsSync(path.join(lib, 'extension', 'pgagent.control'))).toBe(true);
  expect(fs.existsSync(path.join(lib, 'packaging', 'systemd', 'pgagent.conf'))).toBe(true);
});

test("the extension goes into PostgreSQL's share directory, as before", () => {
  const control = fs.readFileSync(path.join(ROOT, 'extension', 'pgagent.control'), 'utf8');
  const version = control.match(/default_version\s*=\s*'([^']+)'/)![1];
  const ext = staged(path.join(sharedir(), 'extension'));
  expect(fs.readFileSync(path.join(ext, 'pgagent.control'), 'utf8')).toBe(control);
  expect(fs.existsSync(path.join(ext, `pgagent--${version}.sql`))).toBe(true);
});

describe.each(['pgagent.service', 'pgagent@.service'])('%s', (unit) => {
  test("is installed with the command's path", () => {
    const text = fs.readFileSync(staged(`${PREFIX}/lib/systemd/system/${unit}`), 'utf8');
    expect(text).toMatch(new RegExp(`^ExecStart=${PREFIX}/bin/pgagent -f `, 'm'));
    expect(text).not.toContain('@BINDIR@');
  });

  test('passes systemd-analyze verify without a warning', () => {
    // Verify checks that ExecStart's program exists, so point it at the staged command.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-units-'));
    try {
      const text = fs.readFileSync(staged(`${PREFIX}/lib/systemd/system/${unit}`), 'utf8');
      fs.writeFileSync(
        path.join(dir, unit),
        text.replace(`ExecStart=${PREFIX}/`, `ExecStart=${staged(PREFIX)}/`),
      );
      const verify = run('systemd-analyze', ['verify', path.join(dir, unit)]);
      expect({ status: verify.status, output: verify.stderr + verify.stdout }).toEqual({
        status: 0,
        output: '',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('make uninstall removes every file make install put there', () => {
  expect(filesUnder(dest).length).toBeGreaterThan(10);
  const uninstall = make('uninstall');
  expect(uninstall.stderr).toBe('');
  expect(uninstall.status).toBe(0);
  expect(filesUnder(dest)).toEqual([]);
}, 60_000);
