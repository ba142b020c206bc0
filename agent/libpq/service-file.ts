// libpq's connection service file: service=name (or PGSERVICE) pulls keyword=value lines from
// the [name] section of PGSERVICEFILE or ~/.pg_service.conf, else of
// $PGSYSCONFDIR/pg_service.conf. Its values fill what the connection string does not give and
// take precedence over the PG* variables, as in libpq.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONNINFO_KEYWORDS, ConninfoError, ConnParams } from './conninfo';

/** Where Debian's libpq looks when PGSYSCONFDIR is not set. */
export const DEFAULT_SYSCONFDIR = '/etc/postgresql-common';

/** params with the named service's settings added; params itself when no service is named. */
export function withService(params: ConnParams, env: NodeJS.ProcessEnv): ConnParams {
  const name = 'service' in params ? params.service : env.PGSERVICE;
  if (!name) return params;
  const home = env.HOME || os.homedir();
  const userFile = env.PGSERVICEFILE || path.join(home, '.pg_service.conf');
  const systemFile = path.join(env.PGSYSCONFDIR || DEFAULT_SYSCONFDIR, 'pg_service.conf');
  for (const file of [userFile, systemFile]) {
    const settings = readService(file, name);
    if (settings) return { ...settings, ...params };
  }
  throw new ConninfoError(`definition of service "${name}" not found`);
}

/** The [name] section's settings, or undefined when the file or the section does not exist. */
function readService(file: string, name: string): ConnParams | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConninfoError(`could not read service file "${file}": ${(err as Error).message}`);
  }
  let settings: ConnParams | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (settings) break;
      if (line === `[${name}]`) settings = {};
      continue;
    }
    if (!settings) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    if (eq < 0 || !CONNINFO_KEYWORDS.has(key))
      throw new ConninfoError(`syntax error in service file "${file}", line ${i + 1}`);
    if (key === 'service')
      throw new ConninfoError(
        `nested service specifications not supported in service file "${file}", line ${i + 1}`,
      );
    // The first setting of a keyword wins within the section.
    if (!(key in settings)) settings[key] = line.slice(eq + 1);
  }
  return settings;
}
