// From libpq parameters to a node-postgres ClientConfig, with libpq's semantics: PG* environment
// variables, built-in defaults, the password file and sslmode. Every field node-postgres would
// otherwise fill from process.env or its own defaults is set here, so what libpq would do is
// exactly what happens.
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { ClientConfig } from 'pg';
import type { ConnectionOptions } from 'tls';
import { ConninfoError, ConnParams } from './conninfo';
import { passwordFromFile } from './pgpass';
import { withService } from './pgservice';

export { ConninfoError, parseConninfo, redactConninfo } from './conninfo';
export type { ConnParams } from './conninfo';

/** Receives the warnings libpq would print (e.g. an ignored password file). */
export type Warn = (msg: string) => void;

/** The PG* variable behind each keyword, as in libpq's documentation. */
const ENV_VARS: Record<string, string> = {
  host: 'PGHOST',
  hostaddr: 'PGHOSTADDR',
  port: 'PGPORT',
  dbname: 'PGDATABASE',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  passfile: 'PGPASSFILE',
  options: 'PGOPTIONS',
  application_name: 'PGAPPNAME',
  sslmode: 'PGSSLMODE',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  sslrootcert: 'PGSSLROOTCERT',
  sslcrl: 'PGSSLCRL',
  ssl_min_protocol_version: 'PGSSLMINPROTOCOLVERSION',
  ssl_max_protocol_version: 'PGSSLMAXPROTOCOLVERSION',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  client_encoding: 'PGCLIENTENCODING',
  target_session_attrs: 'PGTARGETSESSIONATTRS',
};

/** Keywords node-postgres has no equivalent for: accepted as libpq does, then ignored with a warning. */
const UNSUPPORTED = [
  'require_auth', 'channel_binding', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout',
  'replication', 'gssencmode', 'sslnegotiation', 'sslcompression', 'sslcertmode', 'sslcrldir',
  'sslsni', 'requirepeer', 'min_protocol_version', 'max_protocol_version', 'krbsrvname', 'gsslib',
  'gssdelegation', 'load_balance_hosts', 'scram_client_key', 'scram_server_key',
  'oauth_issuer', 'oauth_client_id', 'oauth_client_secret', 'oauth_scope',
];

export const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
const DEFAULT_PORT = '5432';
const DEFAULT_APPLICATION_NAME = 'pgagent';
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];

/**
 * Everything libpq would use for a connection: the given params, then PG* environment
 * variables, then defaults; the password from PGPASSWORD or the password file; sslmode,
 * connect_timeout and application_name (default 'pgagent') mapped to node-postgres.
 * This is the first attempt (see connectionAttempts). Several hosts (host=a,b) are libpq's
 * fail-over list: use clientConfigs for those.
 */
export function clientConfig(params: ConnParams, env: NodeJS.ProcessEnv = process.env, warn?: Warn): ClientConfig {
  return connectionAttempts(params, env, warn)[0];
}

/**
 * The configs libpq would try in turn for a connection to one host; they differ only in TLS
 * (sslmode=prefer: with TLS, then without; allow: the reverse). Throws for several hosts.
 */
export function connectionAttempts(params: ConnParams, env: NodeJS.ProcessEnv = process.env, warn?: Warn): ClientConfig[] {
  const hosts = attemptsPerHost(params, env, warn);
  if (hosts.length > 1) {
    throw new ConninfoError(`${hosts.length} hosts given; this connection takes one`);
  }
  return hosts[0];
}

/** One config per host of libpq's host list, in the order libpq tries them: each host's first attempt. */
export function clientConfigs(params: ConnParams, env: NodeJS.ProcessEnv = process.env, warn?: Warn): ClientConfig[] {
  return attemptsPerHost(params, env, warn).map(([first]) => first);
}

/** For each host of libpq's host list, in order, the attempts libpq makes (see connectionAttempts). */
export function attemptsPerHost(given: ConnParams, env: NodeJS.ProcessEnv = process.env, warn: Warn = () => {}): ClientConfig[][] {
  const params = withService(given, env);
  // libpq: a keyword present in the string wins, even when empty; otherwise its PG* variable.
  const get = (key: string): string | undefined => (key in params ? params[key] : env[ENV_VARS[key] ?? '']);
  const value = (key: string): string | undefined => get(key) || undefined;

  for (const key of UNSUPPORTED) {
    if (params[key]) warn(`connection option "${key}" is not supported by pgagent and is ignored`);
  }
  const targetAttrs = value('target_session_attrs');
  if (targetAttrs && targetAttrs !== 'any') warn(`target_session_attrs=${targetAttrs} is not supported and is ignored`);

  const hosts = splitList(value('host'));
  const hostaddrs = splitList(value('hostaddr'));
  if (hosts.length && hostaddrs.length && hosts.length !== hostaddrs.length) {
    throw new ConninfoError(`could not match ${hosts.length} host names to ${hostaddrs.length} hostaddr values`);
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

  return Array.from({ length: count }, (_, i) => {
    const hostname = hosts[i] || undefined;
    const hostaddr = hostaddrs[i] || undefined;
    const port = parsePort((ports.length > 1 ? ports[i] : ports[0]) || DEFAULT_PORT);
    // libpq connects to hostaddr when given; host then only names the server (TLS, password file).
    const host = hostaddr ?? hostname ?? defaultHost();
    const isSocket = !hostaddr && host.startsWith('/');
    const passKey = { host: passfileHost(hostname ?? hostaddr), port: String(port), dbname, user };
    const config = { ...common, host, port, password: password ?? passwordOrRefusal(passfile, passKey, warn) };
    // Never TLS over a Unix socket, like libpq.
    if (isSocket) return [{ ...config, ssl: false }];
    const tls = sslmode === 'disable' ? false : sslOptions(sslmode, get, hostname ?? host, home);
    return TLS_ATTEMPTS[sslmode].map((withTls) => ({ ...config, ssl: withTls && tls }));
  });
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

function parseInteger(value: string, key: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(value)) throw new ConninfoError(`invalid integer value "${value}" for connection option "${key}"`);
  return Number(value);
}

type Get = (key: string) => string | undefined;

function commonConfig(get: Get, env: NodeJS.ProcessEnv, user: string, database: string): ClientConfig {
  const config: ClientConfig = {
    user,
    database,
    application_name: get('application_name') || get('fallback_application_name') || DEFAULT_APPLICATION_NAME,
    keepAlive: (get('keepalives') || '1') !== '0',
  };
  const idle = get('keepalives_idle');
  if (idle) config.keepAliveInitialDelayMillis = parseInteger(idle, 'keepalives_idle') * 1000;
  const timeout = get('connect_timeout');
  if (timeout) {
    // libpq: zero or negative waits forever, and the least timeout is 2 seconds.
    const seconds = parseInteger(timeout, 'connect_timeout');
    if (seconds > 0) config.connectionTimeoutMillis = Math.max(seconds, 2) * 1000;
  }
  const options = [get('options'), startupSetting('datestyle', env.PGDATESTYLE), startupSetting('timezone', env.PGTZ)]
    .filter(Boolean)
    .join(' ');
  if (options) config.options = options;
  const encoding = get('client_encoding');
  if (encoding) config.client_encoding = encoding === 'auto' ? 'UTF8' : encoding;
  return config;
}

// libpq sends PGDATESTYLE and PGTZ as startup settings; node-postgres can only do it via options.
function startupSetting(name: string, value: string | undefined): string | undefined {
  return value ? `-c ${name}=${value.replace(/[\\ ]/g, '\\$&')}` : undefined;
}

function sslModeOf(params: ConnParams, env: NodeJS.ProcessEnv): SslMode {
  let mode = 'sslmode' in params ? params.sslmode : env.PGSSLMODE;
  // PGREQUIRESSL=1 is libpq's deprecated spelling of sslmode=require.
  if (!mode && !('sslmode' in params) && env.PGREQUIRESSL === '1') mode = 'require';
  mode = mode || 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(mode)) throw new ConninfoError(`invalid sslmode value: "${mode}"`);
  return mode as SslMode;
}

/**
 * Per sslmode, libpq's attempts in order: true with TLS, false without. node-postgres cannot
 * fall back by itself, so each is a connection of its own (see connect.ts).
 */
const TLS_ATTEMPTS: Record<SslMode, readonly boolean[]> = {
  disable: [false],
  allow: [false, true],
  prefer: [true, false],
  require: [true],
  'verify-ca': [true],
  'verify-full': [true],
};

/**
 * The TLS options of sslmode's TLS attempt:
 * - allow, prefer, require: TLS without verification, or verify-ca's checks when a root
 *   certificate file exists (libpq loads it whenever it is there).
 * - verify-ca: the chain is verified against sslrootcert; verify-full also checks the host name.
 */
function sslOptions(mode: SslMode, get: Get, servername: string, homeDir: string): ConnectionOptions {
  const home = path.join(homeDir, '.postgresql');
  const rootcert = get('sslrootcert') || path.join(home, 'root.crt');
  const system = rootcert === 'system';
  const haveRoot = system || fs.existsSync(rootcert);
  const verify = mode.startsWith('verify') || haveRoot;
  if (verify && !haveRoot) {
    throw new ConninfoError(
      `root certificate file "${rootcert}" does not exist: provide it, use sslrootcert=system, or change sslmode`,
    );
  }
  const tls: ConnectionOptions = { rejectUnauthorized: verify };
  if (verify && !system) tls.ca = readSslFile(rootcert, 'sslrootcert');
  // verify-full (and sslrootcert=system, which implies it) checks the name; the others do not.
  if (mode !== 'verify-full' && !system) tls.checkServerIdentity = () => undefined;
  // The name to verify when connecting to hostaddr; never an IP address (RFC 6066 SNI).
  if (!net.isIP(servername)) tls.servername = servername;

  const cert = get('sslcert') || path.join(home, 'postgresql.crt');
  const key = get('sslkey') || path.join(home, 'postgresql.key');
  if (fs.existsSync(cert)) {
    tls.cert = readSslFile(cert, 'sslcert');
    tls.key = readSslFile(key, 'sslkey');
    const passphrase = get('sslpassword');
    if (passphrase) tls.passphrase = passphrase;
  }
  const crl = get('sslcrl');
  if (crl) tls.crl = readSslFile(crl, 'sslcrl');
  const minVersion = tlsVersion(get('ssl_min_protocol_version') || 'TLSv1.2', 'ssl_min_protocol_version');
  const maxVersion = tlsVersion(get('ssl_max_protocol_version'), 'ssl_max_protocol_version');
  if (minVersion) tls.minVersion = minVersion;
  if (maxVersion) tls.maxVersion = maxVersion;
  return tls;
}

function readSslFile(file: string, key: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConninfoError(`could not read ${key} file "${file}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function tlsVersion(value: string | undefined, key: string): ConnectionOptions['minVersion'] {
  if (!value) return undefined;
  const versions = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
  const found = versions.find((v) => v.toLowerCase() === value.toLowerCase());
  if (!found) throw new ConninfoError(`invalid ${key} value: "${value}"`);
  return found;
}

// With no password anywhere, a server that asks for one gets libpq's answer instead of
// node-postgres looking in PGPASSWORD and ~/.pgpass by its own rules.
function passwordOrRefusal(
  passfile: string,
  key: Parameters<typeof passwordFromFile>[1],
  warn: Warn,
): string | (() => string) {
  const found = passwordFromFile(passfile, key);
  if (found && 'password' in found) return found.password;
  if (found) warn(found.warning);
  return () => {
    throw new Error(`the server asked for a password and none was supplied (set it in ${passfile} or PGPASSWORD)`);
  };
}
