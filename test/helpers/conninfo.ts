// Connection-string fixtures shared by the unit tests of libpq's rules and the real-connection
// tests: a scratch directory (made and removed around the test file that imports this), an
// environment without PG* variables, and the plan libpq's rules give for a string.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClientConfig } from 'pg';
import { connectionPlan, ConnectionPlan, parseConninfo } from '../../agent/libpq';

export let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgagent-conn-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** An environment with no PG* variables and a home without ~/.pgpass or ~/.postgresql. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(tmp, 'home-'));
  return { HOME: home, ...extra };
}

export function writeFile(name: string, text: string, mode = 0o600): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
}

export const plan = (conninfo: string, env = cleanEnv(), warn?: (m: string) => void): ConnectionPlan =>
  connectionPlan(parseConninfo(conninfo), { env, warn });
/** The first attempt on the first host. */
export const config = (conninfo: string, env = cleanEnv(), warn?: (m: string) => void): ClientConfig =>
  plan(conninfo, env, warn).hosts[0].attempts[0];
/** The sslmode attempts of a one-host string. */
export const attempts = (conninfo: string, env = cleanEnv()): ClientConfig[] =>
  plan(conninfo, env).hosts[0].attempts;
/** Each host's first attempt. */
export const perHost = (conninfo: string): ClientConfig[] => plan(conninfo).hosts.map((h) => h.attempts[0]);
