// The version printed by -v: the package's, found from this file whether it runs from agent/
// (ts-jest) or dist/agent/ (the built bin).
import * as fs from 'fs';
import * as path from 'path';

const PGAGENT_COMPATIBLE = 'pgAgent 4.2';

function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pgagent' && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export function versionLine(): string {
  return `pgagent ${packageVersion()} (PostgreSQL job scheduler, compatible with ${PGAGENT_COMPATIBLE})`;
}
