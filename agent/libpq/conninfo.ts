// Connection strings as libpq reads them: keyword=value lists and postgresql:// URIs.
// (redact.ts masks their secrets with the same scanner.)
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
  'host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'require_auth',
  'channel_binding', 'connect_timeout', 'client_encoding', 'options', 'application_name',
  'fallback_application_name', 'keepalives', 'keepalives_idle', 'keepalives_interval',
  'keepalives_count', 'tcp_user_timeout', 'replication', 'gssencmode', 'sslmode',
  'sslnegotiation', 'sslcompression', 'sslcert', 'sslkey', 'sslpassword', 'sslcertmode',
  'sslrootcert', 'sslcrl', 'sslcrldir', 'sslsni', 'requirepeer', 'ssl_min_protocol_version',
  'ssl_max_protocol_version', 'min_protocol_version', 'max_protocol_version', 'krbsrvname',
  'gsslib', 'gssdelegation', 'service', 'target_session_attrs', 'load_balance_hosts',
  'scram_client_key', 'scram_server_key', 'oauth_issuer', 'oauth_client_id',
  'oauth_client_secret', 'oauth_scope',
]);

/** Values that are secrets: never printed, never part of an error message. */
export const SECRET_KEYWORDS: ReadonlySet<string> = new Set([
  'password', 'sslpassword', 'scram_client_key', 'scram_server_key', 'oauth_client_secret',
]);

const URI_PREFIXES = ['postgresql://', 'postgres://'];

export function isConninfoUri(conninfo: string): boolean {
  return URI_PREFIXES.some((p) => conninfo.startsWith(p));
}

/** Parses libpq keyword=value strings and postgres:// URIs; throws ConninfoError on bad input. */
export function parseConninfo(conninfo: string): ConnParams {
  const params: ConnParams = {};
  const store = (keyword: string, value: string, where: string): void => {
    if (!CONNINFO_KEYWORDS.has(keyword)) throw new ConninfoError(`invalid ${where} "${keyword}"`);
    params[keyword] = value;
  };
  if (isConninfoUri(conninfo)) parseUri(conninfo, store);
  else parseKeywordValue(conninfo, store);
  return params;
}

type Store = (keyword: string, value: string, where: string) => void;

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
      const after = prev && SECRET_KEYWORDS.has(prev.name) ? `the value of "${prev.name}" (quote values that contain spaces)` : `"${name}"`;
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

function parseKeywordValue(s: string, store: Store): void {
  const { pairs, error } = scanKeywordValue(s);
  if (error) throw new ConninfoError(error);
  pairs.forEach(({ name, value }, i) => {
    const prev = pairs[i - 1];
    // After an unquoted secret with a space in it, the "keyword" is the secret's second half.
    if (prev && SECRET_KEYWORDS.has(prev.name) && !CONNINFO_KEYWORDS.has(name)) {
      throw new ConninfoError(`invalid connection option after the value of "${prev.name}" (quote values that contain spaces)`);
    }
    store(name, value, 'connection option');
  });
}

// postgresql://[userspec@][hostspec][/dbname][?paramspec], scanned left to right as libpq does;
// hostspec is a comma-separated list of host[:port] where host may be an [ipv6] literal. Each
// part is percent-decoded; an empty part is not set, so PG* variables and defaults apply to it.
function parseUri(uri: string, store: Store): void {
  let i = uriPrefix(uri).length;

  // libpq looks ahead for '@' before any '/': user info (which may contain '?').
  const at = findAny(uri, '@/', i);
  if (uri[at] === '@') {
    const colon = findAny(uri, ':', i);
    const userEnd = Math.min(colon, at);
    if (userEnd > i) store('user', uriDecode(uri.slice(i, userEnd), 'user name'), 'URI');
    if (colon < at) store('password', uriDecode(uri.slice(colon + 1, at), 'password'), 'URI');
    i = at + 1;
  }

  const hosts: string[] = [];
  const ports: string[] = [];
  for (;;) {
    let host: string;
    if (uri[i] === '[') {
      const close = uri.indexOf(']', i);
      if (close < 0) throw new ConninfoError('end of string reached when looking for matching "]" in IPv6 host address in URI');
      host = uri.slice(i + 1, close);
      if (!host) throw new ConninfoError('IPv6 host address may not be empty in URI');
      i = close + 1;
      if (i < uri.length && !':/?,'.includes(uri[i])) {
        throw new ConninfoError(`unexpected character "${uri[i]}" at position ${i + 1} in URI (expected ":" or "/")`);
      }
    } else {
      const end = findAny(uri, ':/?,', i);
      host = uri.slice(i, end);
      i = end;
    }
    let port = '';
    if (uri[i] === ':') {
      const end = findAny(uri, '/?,', i + 1);
      port = uri.slice(i + 1, end);
      i = end;
    }
    hosts.push(host);
    ports.push(port);
    if (uri[i] !== ',') break;
    i++;
  }
  // Lists of empty entries count as not given, as in libpq.
  if (hosts.some((h) => h)) store('host', uriDecode(hosts.join(','), 'host'), 'URI');
  if (ports.some((p) => p)) store('port', uriDecode(ports.join(','), 'port'), 'URI');

  if (uri[i] === '/') {
    const end = findAny(uri, '?', i + 1);
    // An empty dbname is not set: PGDATABASE and the default still apply.
    if (end > i + 1) store('dbname', uriDecode(uri.slice(i + 1, end), 'database name'), 'URI');
    i = end;
  }
  if (uri[i] === '?') parseUriParams(uri.slice(i + 1), store);
}

export function uriPrefix(uri: string): string {
  return URI_PREFIXES.find((p) => uri.startsWith(p)) as string;
}

export function findAny(s: string, chars: string, from: number): number {
  let i = from;
  while (i < s.length && !chars.includes(s[i])) i++;
  return i;
}

function parseUriParams(spec: string, store: Store): void {
  if (!spec) return;
  const pairs = spec.split('&');
  // A trailing '&' ends the list; an empty pair elsewhere is an error, as in libpq.
  if (pairs[pairs.length - 1] === '') pairs.pop();
  let prev = '';
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) {
      const shown = SECRET_KEYWORDS.has(prev) ? `after "${prev}"` : `"${pair}"`;
      throw new ConninfoError(`missing key/value separator "=" in URI query parameter ${shown}`);
    }
    let keyword = uriDecode(pair.slice(0, eq), 'query parameter name');
    if (pair.indexOf('=', eq + 1) >= 0) {
      throw new ConninfoError(`extra key/value separator "=" in URI query parameter "${keyword}"`);
    }
    let value = uriDecode(pair.slice(eq + 1), `value of "${keyword}"`);
    // JDBC's ssl=true, which libpq accepts as sslmode=require.
    if (keyword === 'ssl' && value === 'true') {
      keyword = 'sslmode';
      value = 'require';
    }
    store(keyword, value, 'URI query parameter');
    prev = keyword;
  }
}

/** Percent-decoding as libpq does it: %XX only, %00 forbidden; the bytes are read as UTF-8. */
function uriDecode(s: string, what: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] !== '%') {
      const cp = s.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
      continue;
    }
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new ConninfoError(`invalid percent-encoded token in the ${what} of the URI`);
    const byte = parseInt(hex, 16);
    if (byte === 0) throw new ConninfoError(`forbidden value %00 in the ${what} of the URI`);
    bytes.push(byte);
    i += 3;
  }
  return Buffer.from(bytes).toString('utf8');
}
