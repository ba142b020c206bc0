// libpq's sslmode for node-postgres: which attempts a host gets (with TLS, without, in what
// order) and the TLS options of the attempt with TLS: verification, client certificate,
// revocation list and protocol versions, from the keywords and ~/.postgresql.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { ConnectionOptions } from 'tls';
import { ConninfoError, ConnParams } from './conninfo';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** A keyword's value as libpq reads it: the string's, else its PG* variable. */
export type Get = (key: string) => string | undefined;

export function sslModeOf(params: ConnParams, env: NodeJS.ProcessEnv): SslMode {
  let mode = 'sslmode' in params ? params.sslmode : env.PGSSLMODE;
  // PGREQUIRESSL=1 is libpq's deprecated spelling of sslmode=require.
  if (!mode && !('sslmode' in params) && env.PGREQUIRESSL === '1') mode = 'require';
  mode = mode || 'prefer';
  if (!(SSL_MODES as readonly string[]).includes(mode))
    throw new ConninfoError(`invalid sslmode value: "${mode}"`);
  return mode as SslMode;
}

/**
 * Per sslmode, libpq's attempts in order: true with TLS, false without. node-postgres cannot
 * fall back by itself, so each is a connection of its own (see connect.ts).
 */
export const TLS_ATTEMPTS: Record<SslMode, readonly boolean[]> = {
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
export function sslOptions(mode: SslMode, get: Get, servername: string, homeDir: string): ConnectionOptions {
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
    throw new ConninfoError(
      `could not read ${key} file "${file}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function tlsVersion(value: string | undefined, key: string): ConnectionOptions['minVersion'] {
  if (!value) return undefined;
  const versions = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
  const found = versions.find((v) => v.toLowerCase() === value.toLowerCase());
  if (!found) throw new ConninfoError(`invalid ${key} value: "${value}"`);
  return found;
}
