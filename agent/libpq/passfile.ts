// The libpq password file (~/.pgpass or PGPASSFILE): lines of
// hostname:port:database:username:password, '#' comments, '\' escaping ':' and '\', and a field
// of just '*' matching anything. The first matching line wins.
import * as fs from 'fs';

export interface PassfileKey {
  /** The host, socket directory or hostaddr as libpq matches it ('localhost' for the default socket). */
  host: string;
  port: string;
  dbname: string;
  user: string;
}

export type PassfileResult = { password: string } | { warning: string } | undefined;

/**
 * The password for key from the file at path. A missing file gives undefined; a file that is not
 * a plain file or that group or others can access is ignored with a warning, as libpq does.
 */
export function passwordFromFile(path: string, key: PassfileKey): PassfileResult {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return { warning: `password file "${path}" is not a plain file` };
  if (stat.mode & 0o077) {
    return {
      warning: `password file "${path}" has group or world access; permissions should be u=rw (0600) or less`,
    };
  }
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    return { warning: `could not read password file "${path}": ${(err as Error).message}` };
  }
  const wanted = [key.host, key.port, key.dbname, key.user];
  for (const line of text.split('\n')) {
    const fields = splitLine(line.replace(/\r$/, ''));
    if (!fields) continue;
    if (wanted.every((value, i) => fields[i].raw === '*' || fields[i].text === value)) {
      return { password: fields[4].text };
    }
  }
  return undefined;
}

interface Field {
  /** As written (to recognise the '*' wildcard, which an escaped '\*' is not). */
  raw: string;
  /** With the escapes removed. */
  text: string;
}

// Four ':'-terminated fields and the password, which ends at the next unescaped ':' if any.
function splitLine(line: string): Field[] | undefined {
  if (!line || line.startsWith('#')) return undefined;
  const fields: Field[] = [];
  let raw = '';
  let text = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      raw += c + line[i + 1];
      text += line[++i];
    } else if (c === ':') {
      fields.push({ raw, text });
      raw = text = '';
      if (fields.length === 5) break;
    } else {
      raw += c;
      text += c;
    }
  }
  if (fields.length < 5) fields.push({ raw, text });
  return fields.length === 5 ? fields : undefined;
}
