// Connect strings safe to print: secret values masked where libpq would read them, found with
// the parser's own scanner, so that even a malformed string shows no password.
import { findAny, isConninfoUri, scanKeywordValue, SECRET_KEYWORDS, uriPrefix } from './conninfo';

/** A conninfo string safe to print: secret values replaced by "********". */
export function redactConninfo(conninfo: string): string {
  return isConninfoUri(conninfo) ? redactUri(conninfo) : redactKeywordValue(conninfo);
}

const MASK = '********';

// The same scanner as the parser, so a secret is masked exactly where libpq would read it; on a
// malformed string everything from the failing token on is hidden, as it may be a secret's tail.
function redactKeywordValue(s: string): string {
  const { pairs, error } = scanKeywordValue(s);
  let out = '';
  let done = 0;
  for (const p of pairs) {
    if (!SECRET_KEYWORDS.has(p.name)) continue;
    out += s.slice(done, p.start) + MASK;
    done = p.end;
  }
  if (!error) return out + s.slice(done);
  const last = pairs[pairs.length - 1];
  const upTo = last ? Math.max(last.end, done) : 0;
  return out + s.slice(done, upTo) + (upTo < s.length ? ' ' + MASK : '');
}

function redactUri(uri: string): string {
  const prefix = uriPrefix(uri);
  const rest = uri.slice(prefix.length);
  // libpq's user info ends at an '@' before any '/'; the last such '@' masks the most.
  const authority = rest.slice(0, findAny(rest, '/', 0));
  const at = authority.lastIndexOf('@');
  const colon = authority.indexOf(':');
  const userinfo =
    at < 0 ? '' : colon >= 0 && colon < at ? `${rest.slice(0, colon + 1)}${MASK}@` : rest.slice(0, at + 1);
  // Secret query parameters, wherever a '?' or '&' starts them (the string may be malformed).
  const tail = rest
    .slice(at + 1)
    .replace(/([?&])([^=&?]*)=([^&]*)/g, (pair, sep: string, key: string) =>
      SECRET_KEYWORDS.has(safeDecode(key)) ? `${sep}${key}=${MASK}` : pair,
    );
  return prefix + userinfo + tail;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
