// Connection strings as libpq reads them: the keywords, and the keyword=value scanner (uri.ts
// reads postgresql:// URIs, parse.ts picks one; redact.ts masks secrets with the same scanner).
// The rules (quoting, escapes, URI layout, error cases) follow libpq's documentation
// ("Connection Strings", "Parameter Key Words"); the messages name the problem, never a password.

/** libpq's parameters as parsed from a conninfo string, keyword -> value. */
export type ConnParams = Record<string, string>;

export class ConninfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConninfoError';
  }
}

/** Every keyword libpq (up to PostgreSQL 18) accepts; anything else is an error, as in libpq. */
export const CONNINFO_KEYWORDS: ReadonlySet<string> = new Set([
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'password',
  'passfile',
  'require_auth',
  'channel_binding',
  'connect_timeout',
  'client_encoding',
  'options',
  'application_name',
  'fallback_application_name',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'replication',
  'gssencmode',
  'sslmode',
  'sslnegotiation',
  'sslcompression',
  'sslcert',
  'sslkey',
  'sslpassword',
  'sslcertmode',
  'sslrootcert',
  'sslcrl',
  'sslcrldir',
  'sslsni',
  'requirepeer',
  'ssl_min_protocol_version',
  'ssl_max_protocol_version',
  'min_protocol_version',
  'max_protocol_version',
  'krbsrvname',
  'gsslib',
  'gssdelegation',
  'service',
  'target_session_attrs',
  'load_balance_hosts',
  'scram_client_key',
  'scram_server_key',
  'oauth_issuer',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_scope',
]);

/** Values that are secrets: never printed, never part of an error message. */
export const SECRET_KEYWORDS: ReadonlySet<string> = new Set([
  'password',
  'sslpassword',
  'scram_client_key',
  'scram_server_key',
  'oauth_client_secret',
]);

const URI_PREFIXES = ['postgresql://', 'postgres://'];

export function isConninfoUri(conninfo: string): boolean {
  return URI_PREFIXES.some((p) => conninfo.startsWith(p));
}

export type Store = (keyword: string, value: string, where: string) => void;

// libpq's whitespace: isspace() in the C locale.
const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

interface KeywordValuePair {
  name: string;
  value: string;
  /** Where the value's text starts and ends in the string (quotes included). */
  start: number;
  end: number;
}

/**
 * Scans keyword=value pairs by libpq's rules. It does not throw: it stops at the first error and
 * reports it, so that redaction can use the same scanner on malformed strings.
 */
export function scanKeywordValue(s: string): { pairs: KeywordValuePair[]; error?: string } {
  const pairs: KeywordValuePair[] = [];
  let i = 0;
  while (i < s.length) {
    if (isSpace(s[i])) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < s.length && s[i] !== '=' && !isSpace(s[i])) i++;
    const name = s.slice(nameStart, i);
    while (isSpace(s[i])) i++;
    if (s[i] !== '=') {
      const prev = pairs[pairs.length - 1];
      const after =
        prev && SECRET_KEYWORDS.has(prev.name)
          ? `the value of "${prev.name}" (quote values that contain spaces)`
          : `"${name}"`;
      return { pairs, error: `missing "=" after ${after} in connection info string` };
    }
    i++;
    // libpq skips blanks after '=', so "host= port=5432" gives host the value "port=5432".
    while (isSpace(s[i])) i++;
    const start = i;
    let value = '';
    if (s[i] === "'") {
      i++;
      for (;;) {
        if (i >= s.length) {
          pairs.push({ name, value, start, end: i });
          return { pairs, error: 'unterminated quoted string in connection info string' };
        }
        if (s[i] === '\\') {
          i++;
          if (i < s.length) value += s[i++];
        } else if (s[i] === "'") {
          i++;
          break;
        } else {
          value += s[i++];
        }
      }
    } else {
      while (i < s.length && !isSpace(s[i])) {
        if (s[i] === '\\') i++;
        if (i < s.length) value += s[i++];
      }
    }
    pairs.push({ name, value, start, end: i });
  }
  return { pairs };
}

export function parseKeywordValue(s: string, store: Store): void {
  const { pairs, error } = scanKeywordValue(s);
  if (error) throw new ConninfoError(error);
  pairs.forEach(({ name, value }, i) => {
    const prev = pairs[i - 1];
    // After an unquoted secret with a space in it, the "keyword" is the secret's second half.
    if (prev && SECRET_KEYWORDS.has(prev.name) && !CONNINFO_KEYWORDS.has(name)) {
      throw new ConninfoError(
        `invalid connection option after the value of "${prev.name}" (quote values that contain spaces)`,
      );
    }
    store(name, value, 'connection option');
  });
}

export function uriPrefix(uri: string): string {
  return URI_PREFIXES.find((p) => uri.startsWith(p)) as string;
}

export function findAny(s: string, chars: string, from: number): number {
  let i = from;
  while (i < s.length && !chars.includes(s[i])) i++;
  return i;
}
