// What every attempt of a connection sets besides its host and TLS: user, database, application
// name, keepalives, timeout, startup options, encoding, and the password or libpq's refusal.
import type { ClientConfig } from 'pg';
import { ConninfoError } from './conninfo';
import { passwordFromFile } from './passfile';
import type { Warn } from './plan';
import type { Get } from './tls';

const DEFAULT_APPLICATION_NAME = 'pgagent';

function parseInteger(value: string, key: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(value))
    throw new ConninfoError(`invalid integer value "${value}" for connection option "${key}"`);
  return Number(value);
}

export function commonConfig(get: Get, env: NodeJS.ProcessEnv, user: string, database: string): ClientConfig {
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
  const options = [
    get('options'),
    startupSetting('datestyle', env.PGDATESTYLE),
    startupSetting('timezone', env.PGTZ),
  ]
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

// With no password anywhere, a server that asks for one gets libpq's answer instead of
// node-postgres looking in PGPASSWORD and ~/.pgpass by its own rules.
export function passwordOrRefusal(
  passfile: string,
  key: Parameters<typeof passwordFromFile>[1],
  warn: Warn,
): string | (() => string) {
  const found = passwordFromFile(passfile, key);
  if (found && 'password' in found) return found.password;
  if (found) warn(found.warning);
  return () => {
    throw new Error(
      `the server asked for a password and none was supplied (set it in ${passfile} or PGPASSWORD)`,
    );
  };
}
