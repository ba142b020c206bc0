// The agent's log: pgAgent's levels (0 error, 1 warning, 2 debug; a message is written when its
// level <= the configured one), a timestamp with the UTC offset, text or JSON lines, to stdout
// or a file opened for appending and reopened on SIGHUP (logrotate); a file that cannot be
// reopened leaves the old one in use. Passwords never get out: fields named like a password are
// masked and conninfo strings are redacted. In text lines, control characters (newlines, ANSI
// escapes: a job name may hold them) are escaped, so that one message is one line as written.
import * as fs from 'fs';
import { redactConninfo } from './libpq';
import { LogFormat, LogLevel } from './options';

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  /** Reopens the log file (SIGHUP, after logrotate); false (and a warning logged) if it could not. */
  reopen(): boolean;
  close(): Promise<void>;
}

const LEVEL_NAMES: Record<LogLevel, string> = { 0: 'ERROR', 1: 'WARNING', 2: 'DEBUG' };

export function createLogger(opts: { level: LogLevel; format: LogFormat; file?: string }): Logger {
  const sink = opts.file ? new FileSink(opts.file) : new StreamSink(process.stdout);
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (level > opts.level) return;
    const entry = {
      ts: timestamp(new Date()),
      level: LEVEL_NAMES[level],
      msg: redactText(msg),
      fields: redactFields(fields),
    };
    sink.write((opts.format === 'json' ? jsonLine(entry) : textLine(entry)) + '\n');
  };
  return {
    error: (msg, fields) => write(0, msg, fields),
    warn: (msg, fields) => write(1, msg, fields),
    debug: (msg, fields) => write(2, msg, fields),
    reopen: () => {
      try {
        sink.reopen();
        return true;
      } catch (e) {
        write(
          1,
          `could not reopen the log file "${opts.file}": ${(e as Error).message}; still writing to the file opened before`,
        );
        return false;
      }
    },
    close: () => sink.close(),
  };
}

interface Entry {
  ts: string;
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

function jsonLine(e: Entry): string {
  return JSON.stringify(e.fields ? e : { ts: e.ts, level: e.level, msg: e.msg });
}

// "2026-11-21T20:30:00.123+00:00 WARNING msg key=value key2="value with spaces""
function textLine(e: Entry): string {
  const fields = Object.entries(e.fields ?? {}).map(([k, v]) => ` ${k}=${textValue(v)}`);
  return `${e.ts} ${e.level} ${escapeControls(e.msg)}${fields.join('')}`;
}

// C0 and C1 control characters and DEL, written as JSON escapes (\n, \u001b, ...).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
// A value with a blank, a quote, an = or a control character is quoted.
// eslint-disable-next-line no-control-regex -- control characters force quoting
const BARE_VALUE = /^[^\s"=\x00-\x1f\x7f-\x9f]+$/;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeControls(s: string): string {
  return s.replace(
    CONTROLS,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// Strings bare when unambiguous, else quoted; anything else as JSON (Errors and bigints are
// strings by now, see redactFields).
function textValue(v: unknown): string {
  if (typeof v === 'string') return BARE_VALUE.test(v) ? v : escapeControls(JSON.stringify(v));
  return JSON.stringify(v) ?? String(v);
}

/** ISO 8601 local time with milliseconds and the UTC offset, e.g. 2026-11-21T21:30:00.000+01:00. */
export function timestamp(d: Date): string {
  const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:` +
    `${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

const SECRET_FIELD = /password|passwd|passphrase|secret/i;
const CONNINFO_FIELD = /conn(info|str|ection)?(_?string)?$/i;
const MASK = '********';

function redactFields(fields?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!fields || Object.keys(fields).length === 0) return undefined;
  return redactObject(fields);
}

function redactObject(obj: object, depth = 0): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redactValue(k, v, depth + 1)]));
}

// Nested objects too (a logged client config must not carry its password out). Only JSON-safe
// values come out, so that writing a line can never throw.
function redactValue(key: string, v: unknown, depth: number): unknown {
  if (SECRET_FIELD.test(key)) return MASK;
  if (typeof v === 'string') return CONNINFO_FIELD.test(key) ? redactConninfo(v) : redactText(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object')
    return typeof v === 'function' || typeof v === 'symbol' ? String(v) : v;
  if (v instanceof Error) return redactText(v.message);
  if (v instanceof Date) return v.toISOString();
  if (depth > MAX_DEPTH) return '[...]';
  if (Array.isArray(v)) return v.map((x) => redactValue('', x, depth + 1));
  if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)
    return redactObject(v, depth);
  return `[${v.constructor?.name ?? 'object'}]`;
}

const MAX_DEPTH = 5;

// Free text can quote a conninfo (an error message, a job step's jstconnstr): mask any
// password=value and any URI's user info it contains.
function redactText(s: string): string {
  if (!/password|:\/\//i.test(s)) return s;
  return s
    .replace(/postgres(?:ql)?:\/\/\S*/g, redactConninfo)
    .replace(/(\b\w*password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)/gi, `$1${MASK}`);
}

interface Sink {
  write(line: string): void;
  reopen(): void;
  close(): Promise<void>;
}

class StreamSink implements Sink {
  constructor(private readonly stream: NodeJS.WritableStream) {}
  write(line: string): void {
    this.stream.write(line);
  }
  reopen(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}

// Synchronous appends: a line is on disk before the next statement runs, so nothing is lost
// when the process exits, and a reopen never reorders lines.
class FileSink implements Sink {
  private fd: number;
  constructor(private readonly file: string) {
    this.fd = fs.openSync(file, 'a', 0o640);
  }
  write(line: string): void {
    if (this.fd < 0) return;
    try {
      fs.writeSync(this.fd, line);
    } catch (err) {
      // A full disk must not stop the agent; say so where someone may see it.
      process.stderr.write(`pgagent: cannot write to log file "${this.file}": ${(err as Error).message}\n`);
    }
  }
  reopen(): void {
    const fd = fs.openSync(this.file, 'a', 0o640);
    fs.closeSync(this.fd);
    this.fd = fd;
  }
  close(): Promise<void> {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    return Promise.resolve();
  }
}
