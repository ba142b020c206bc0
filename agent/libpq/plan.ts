// From libpq parameters to a connection plan: the hosts libpq would try, in its order, each with
// the node-postgres ClientConfigs of its attempts (sslmode), and the session the connection must
// get (target_session_attrs). libpq's semantics throughout: PG* environment variables, built-in
// defaults, the service file, the password file. Every field node-postgres would otherwise fill
// from process.env or its own defaults is set here, so what libpq would do is what happens.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ClientConfig } from 'pg';
import { ConninfoError, ConnParams } from './conninfo';
import { keywordReader } from './keywords';
import { withService } from './service-file';
import { commonConfig, passwordOrRefusal } from './session-config';
import { sslModeOf, sslOptions, TLS_ATTEMPTS } from './tls';

/** Receives the warnings libpq would print (e.g. an ignored password file). */
export type Warn = (msg: string) => void;

/** Where a plan reads PG* variables and sends its warnings (default: process.env, none). */
export interface PlanOptions {
  env?: NodeJS.ProcessEnv;
  warn?: Warn;
}

export const TARGET_SESSION_ATTRS = [
  'any',
  'read-write',
  'read-only',
  'primary',
  'standby',
  'prefer-standby',
] as const;
export type TargetSessionAttrs = (typeof TARGET_SESSION_ATTRS)[number];

/** One entry of libpq's host list. */
export interface PlannedHost {
  /** What libpq names the server by in messages: hostaddr if given, else host (or socket directory). */
  name: string;
  port: number;
  /** A Unix-domain socket directory rather than a TCP host. */
  socket: boolean;
  /** hostaddr was given: name is a numeric address, no lookup. */
  numeric: boolean;
  /** The configs libpq would try in turn (sslmode=prefer: with TLS, then without; allow: the reverse). */
  attempts: ClientConfig[];
}

export interface ConnectionPlan {
  hosts: PlannedHost[];
  targetSessionAttrs: TargetSessionAttrs;
}

export const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
const DEFAULT_PORT = '5432';

/**
 * The hosts libpq would try for params, in order, with their attempts. Throws ConninfoError for
 * what libpq would refuse before connecting (bad values, lists that do not match, missing files).
 */
export function connectionPlan(given: ConnParams, options: PlanOptions = {}): ConnectionPlan {
  const env = options.env ?? process.env;
  const warn = options.warn ?? (() => {});
  const params = withService(given, env);
  const get = keywordReader(params, env, warn);
  const value = (key: string): string | undefined => get(key) || undefined;
  const targetSessionAttrs = oneOf(
    value('target_session_attrs') ?? 'any',
    TARGET_SESSION_ATTRS,
    'target_session_attrs',
  );
  const loadBalance = oneOf(
    value('load_balance_hosts') ?? 'disable',
    ['disable', 'random'] as const,
    'load_balance_hosts',
  );

  const hosts = splitList(value('host'));
  const hostaddrs = splitList(value('hostaddr'));
  if (hosts.length && hostaddrs.length && hosts.length !== hostaddrs.length) {
    throw new ConninfoError(
      `could not match ${hosts.length} host names to ${hostaddrs.length} hostaddr values`,
    );
  }
  const count = Math.max(hosts.length, hostaddrs.length, 1);
  const ports = splitList(value('port'));
  if (ports.length > 1 && ports.length !== count) {
    throw new ConninfoError(`could not match ${ports.length} port numbers to ${count} hosts`);
  }

  const user = value('user') ?? os.userInfo().username;
  const dbname = value('dbname') ?? user;
  const password = value('password');
  const home = env.HOME || os.homedir();
  const passfile = value('passfile') ?? path.join(home, '.pgpass');
  const sslmode = sslModeOf(params, env);
  const common = commonConfig(get, env, user, dbname);

  const planned = Array.from({ length: count }, (_, i): PlannedHost => {
    const hostname = hosts[i] || undefined;
    const hostaddr = hostaddrs[i] || undefined;
    const port = parsePort((ports.length > 1 ? ports[i] : ports[0]) || DEFAULT_PORT);
    // libpq connects to hostaddr when given; host then only names the server (TLS, password file).
    const host = hostaddr ?? hostname ?? defaultHost();
    const socket = !hostaddr && host.startsWith('/');
    const passKey = { host: passfileHost(hostname ?? hostaddr), port: String(port), dbname, user };
    const config = {
      ...common,
      host,
      port,
      password: password ?? passwordOrRefusal(passfile, passKey, warn),
    };
    const entry = { name: host, port, socket, numeric: hostaddr !== undefined };
    // Never TLS over a Unix socket, like libpq.
    if (socket) return { ...entry, attempts: [{ ...config, ssl: false }] };
    const tls = sslmode === 'disable' ? false : sslOptions(sslmode, get, hostname ?? host, home);
    return {
      ...entry,
      attempts: TLS_ATTEMPTS[sslmode].map((withTls) => ({ ...config, ssl: withTls && tls })),
    };
  });
  return { hosts: loadBalance === 'random' ? shuffled(planned) : planned, targetSessionAttrs };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], key: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new ConninfoError(`invalid ${key} value: "${value}"`);
  return value as T;
}

// load_balance_hosts=random: libpq picks the order at random (Fisher-Yates), per connection.
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function splitList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',');
}

function defaultHost(): string {
  return fs.existsSync(DEFAULT_SOCKET_DIR) ? DEFAULT_SOCKET_DIR : 'localhost';
}

// The password file's host field: 'localhost' stands for the default socket directory.
function passfileHost(host: string | undefined): string {
  return host === undefined || host === DEFAULT_SOCKET_DIR ? 'localhost' : host;
}

function parsePort(value: string): number {
  const port = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new ConninfoError(`invalid port number: "${value}"`);
  return port;
}
