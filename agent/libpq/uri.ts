// postgresql:// URIs as libpq reads them (conninfo.ts has the keywords and keyword=value lists).
import { ConninfoError, findAny, SECRET_KEYWORDS, Store, uriPrefix } from './conninfo';

// postgresql://[userspec@][hostspec][/dbname][?paramspec], scanned left to right as libpq does;
// hostspec is a comma-separated list of host[:port] where host may be an [ipv6] literal. Each
// part is percent-decoded; an empty part is not set, so PG* variables and defaults apply to it.
export function parseUri(uri: string, store: Store): void {
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
      if (close < 0)
        throw new ConninfoError(
          'end of string reached when looking for matching "]" in IPv6 host address in URI',
        );
      host = uri.slice(i + 1, close);
      if (!host) throw new ConninfoError('IPv6 host address may not be empty in URI');
      i = close + 1;
      if (i < uri.length && !':/?,'.includes(uri[i])) {
        throw new ConninfoError(
          `unexpected character "${uri[i]}" at position ${i + 1} in URI (expected ":" or "/")`,
        );
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
  for (let i = 0; i < s.length;) {
    if (s[i] !== '%') {
      const cp = s.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
      continue;
    }
    const hex = s.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex))
      throw new ConninfoError(`invalid percent-encoded token in the ${what} of the URI`);
    const byte = parseInt(hex, 16);
    if (byte === 0) throw new ConninfoError(`forbidden value %00 in the ${what} of the URI`);
    bytes.push(byte);
    i += 3;
  }
  return Buffer.from(bytes).toString('utf8');
}
