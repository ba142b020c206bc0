// Released extension scripts are frozen: extension/released/ holds each one as it shipped, and
// the sources their version lists name must still build them byte for byte. An edit to a shared
// source that would change what an old version installs fails here; such a change belongs in
// a new source file under the new version's folder (extension/README.md).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const releasedDir = path.join(root, 'extension', 'released');
const versionsDir = path.join(root, 'extension', 'versions');
const released = fs.readdirSync(releasedDir).filter((f) => /^pgagent--.+\.sql$/.test(f)).sort();

function build(version: string): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-build-')), `pgagent--${version}.sql`);
  try {
    execFileSync('bash', [path.join(root, 'scripts', 'build-extension-script.sh'), path.join(versionsDir, `${version}.list`), out]);
    return fs.readFileSync(out, 'utf8');
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

describe('released extension scripts', () => {
  test('there are released scripts, and every one has its version list', () => {
    expect(released).toEqual(expect.arrayContaining(['pgagent--4.2.sql', 'pgagent--4.3.sql', 'pgagent--4.2--4.3.sql']));
    for (const file of released) {
      const version = file.replace(/^pgagent--(.+)\.sql$/, '$1');
      expect(fs.existsSync(path.join(versionsDir, `${version}.list`))).toBe(true);
    }
  });

  test.each(released)('%s is still what its sources build', (file) => {
    const version = file.replace(/^pgagent--(.+)\.sql$/, '$1');
    expect(build(version)).toBe(fs.readFileSync(path.join(releasedDir, file), 'utf8'));
  });

  test('the default version is released or built from a list', () => {
    const control = fs.readFileSync(path.join(root, 'extension', 'pgagent.control'), 'utf8');
    const version = /default_version\s*=\s*'([^']+)'/.exec(control)?.[1];
    expect(version).toBeDefined();
    expect(fs.existsSync(path.join(versionsDir, `${version}.list`))).toBe(true);
  });
});
