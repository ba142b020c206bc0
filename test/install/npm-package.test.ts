// The npm package: `npm pack` builds it (prepack) from a copy of the source tree, and
// `npm install -g` of the tarball gives a working `pgagent` command.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
};

let work: string;
let tarball: string;

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-npm-'));
  // A copy of the checkout, so that prepack's build does not rewrite the dist/ other tests run.
  const src = path.join(work, 'src');
  const files = sh('git', ['ls-files', '-co', '--exclude-standard', '-z'], ROOT)
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(ROOT, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(src, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(src, f));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'));
  tarball = path.join(
    work,
    sh('npm', ['pack', '--silent', '--pack-destination', work], src).trim().split('\n').pop()!,
  );
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the package holds the built agent, the extension scripts and the units, no sources or tests', () => {
  const entries = sh('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
  expect(entries).toEqual(
    expect.arrayContaining([
      'package/package.json',
      'package/dist/agent/cli.js',
      'package/extension/pgagent.control',
      'package/extension/released/pgagent--4.2.sql',
      'package/packaging/systemd/pgagent.service',
      'package/packaging/systemd/pgagent@.service',
      'package/packaging/systemd/pgagent.conf',
    ]),
  );
  const control = fs.readFileSync(path.join(ROOT, 'extension', 'pgagent.control'), 'utf8');
  const version = control.match(/default_version\s*=\s*'([^']+)'/)![1];
  expect(entries.filter((e) => e.endsWith(`/pgagent--${version}.sql`))).toHaveLength(1);
  expect(entries.filter((e) => /^package\/(agent|test|scripts|dist\/scripts)\//.test(e))).toEqual([]);
  expect(PACKAGE.engines.node).toBe('>=18');
});

test('npm install -g of the tarball gives a pgagent command that runs', () => {
  const prefix = path.join(work, 'global');
  sh(
    'npm',
    ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
    work,
  );
  const version = spawnSync(path.join(prefix, 'bin', 'pgagent'), ['--version'], { encoding: 'utf8' });
  expect(version.stderr).toBe('');
  expect(version.stdout).toMatch(new RegExp(`^pgagent ${PACKAGE.version.replace(/\./g, '\\.')} `));
  // A usage error (no connect string) comes from the agent's own code, not from npm's shim.
  const usage = spawnSync(path.join(prefix, 'bin', 'pgagent'), ['-f'], { encoding: 'utf8' });
  expect(usage.status).toBe(2);
}, 300_000);
