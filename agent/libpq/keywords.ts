// Where each libpq keyword's value comes from: the connect string (even when empty), else its
// PG* environment variable; and the keywords accepted but not supported (ignored with a warning).
import type { ConnParams } from './conninfo';
import type { Warn } from './plan';
import type { Get } from './tls';

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
  load_balance_hosts: 'PGLOADBALANCEHOSTS',
};

/** Keywords node-postgres has no equivalent for: accepted as libpq does, then ignored with a warning. */
const UNSUPPORTED = [
  'require_auth',
  'channel_binding',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'replication',
  'gssencmode',
  'sslnegotiation',
  'sslcompression',
  'sslcertmode',
  'sslcrldir',
  'sslsni',
  'requirepeer',
  'min_protocol_version',
  'max_protocol_version',
  'krbsrvname',
  'gsslib',
  'gssdelegation',
  'scram_client_key',
  'scram_server_key',
  'oauth_issuer',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_scope',
];

/** The keyword reader for params; warns of each unsupported keyword given. */
export function keywordReader(params: ConnParams, env: NodeJS.ProcessEnv, warn: Warn): Get {
  for (const key of UNSUPPORTED) {
    if (params[key]) warn(`connection option "${key}" is not supported by pgagent and is ignored`);
  }
  return (key) => (key in params ? params[key] : env[ENV_VARS[key] ?? '']);
}
