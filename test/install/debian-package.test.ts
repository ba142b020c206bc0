// Beside Debian's pgagent package (4.2.2, fetched by scripts/upstream-pgagent.sh): `make install`
// against the system's PostgreSQL refuses before writing anything and says what to do; after the
// dpkg-divert commands it gives, it installs. debian-package.sh installs the real package into
// the system for the run and removes it again, whatever happens; it needs root.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const EXT = '/usr/share/postgresql/15/extension';
// The files of Debian's package that our make install also writes.
const DEBIAN_FILES = [
  'pgagent.control',
  'pgagent--3.4--4.2.sql',
  'pgagent--4.0--4.2.sql',
  'pgagent--4.1--4.2.sql',
  'pgagent--4.2.sql',
];
const runnable =
  process.getuid?.() === 0 &&
  fs.existsSync('/usr/bin/dpkg') &&
  fs.existsSync('/usr/lib/postgresql/15/bin/pg_config');

let out: string;
const read = (name: string): string => fs.readFileSync(path.join(out, name), 'utf8');

(runnable ? describe : describe.skip)("make install beside Debian's pgagent package", () => {
  beforeAll(() => {
    const binary = execFileSync('bash', ['scripts/upstream-pgagent.sh'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const deb = fs.readdirSync(path.resolve(binary, '../../../..')).find((f) => /^pgagent_.*\.deb$/.test(f))!;
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-debian-'));
    const run = spawnSync(
      'bash',
      ['test/install/debian-package.sh', path.resolve(binary, '../../../..', deb), out],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (run.status !== 0)
      throw new Error(`debian-package.sh failed (${run.status}):\n${run.stderr}${run.stdout}`);
  }, 900_000);

  afterAll(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  test('make install stops with an error', () => {
    expect(read('refused.status').trim()).not.toBe('0');
  });

  test('the message names the package and its files, and gives both ways out', () => {
    const message = read('refused.out');
    expect(message).toContain('belong to the Debian package pgagent');
    expect(message).toContain('apt remove pgagent');
    expect(message).toContain('databases keep their pgagent jobs');
    expect(message).toContain('make install FORCE=1');
    for (const f of DEBIAN_FILES) {
      expect(message).toContain(
        `dpkg-divert --local --rename --divert '${EXT}/${f}.debian' --add '${EXT}/${f}'`,
      );
    }
  });

  test("nothing was written: the package's files are intact and the prefix is empty", () => {
    expect(read('debian.sha').split('\n').filter(Boolean)).toHaveLength(DEBIAN_FILES.length + 1); // + pgagent--unpackaged--4.2.sql
    expect(read('refused.sha')).toBe(read('debian.sha'));
    expect(read('refused.prefix')).toBe('');
  });

  test("with the package's files diverted, make install goes through", () => {
    expect(read('diverted.status').trim()).toBe('0');
    const files = read('diverted.ls').split('\n');
    for (const f of DEBIAN_FILES) expect(files).toEqual(expect.arrayContaining([f, `${f}.debian`]));
  });

  test('afterwards the package, the diversions and our files are gone, and what was there before is back', () => {
    expect(read('final.dpkg')).toMatch(/not installed|no information/);
    expect(read('final.diversions')).toBe('');
    expect(read('final.sha')).toBe(read('before.sha'));
  });
});
