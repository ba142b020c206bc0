// libpq's wording for a failed connection attempt: which server ("connection to server on
// socket ... failed: " or "at "host" (address), port N failed: "), then the cause as libpq
// states it (the OS error and its hint, the server's FATAL message, a session that does not fit
// target_session_attrs). A failure over several hosts or attempts lists each on its own line.
import { DatabaseError } from 'pg';
import type { PlannedHost } from './plan';

/** A server that was reached but is not the session target_session_attrs asks for. */
export class SessionRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionRejected';
  }
}

/** One attempt's failure: libpq's lines for it, and the error behind them. */
export interface AttemptFailure {
  lines: string[];
  error: unknown;
}

/**
 * Every attempt failed: message lists each as libpq does (several lines, hints on lines of
 * their own); summary says the same on one line, with SQLSTATEs, for a log; errors holds the
 * original errors, for classification (pg-errors.ts).
 */
export class ConnectionFailure extends AggregateError {
  readonly summary: string;

  constructor(failures: AttemptFailure[]) {
    const lines = distinct(failures.flatMap((f) => f.lines));
    super(
      failures.map((f) => f.error),
      lines.join('\n'),
    );
    this.name = 'ConnectionFailure';
    this.summary = distinct(failures.flatMap((f) => f.lines.map((line) => oneLine(line, f.error)))).join(
      '; ',
    );
  }
}

// The same failure twice (sslmode prefer, a wrong password with and without TLS) is said once.
function distinct(lines: string[]): string[] {
  return lines.filter((line, i) => lines.indexOf(line) === i);
}

// "failed: Connection refused\n\tIs the server running ...?" -> "failed: Connection refused. Is ...?"
function oneLine(line: string, e: unknown): string {
  const flat = line.replace(/\n\t/, '. ').replace(/\n\t?/g, ' ');
  return e instanceof DatabaseError && e.code ? `${flat} (SQLSTATE ${e.code})` : flat;
}

// strerror() texts of the errors a connect() can give.
const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

// gai_strerror() texts for a failed name lookup.
const GAI_STRERROR: Record<string, string> = {
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

const SOCKET_HINT = '\tIs the server running locally and accepting connections on that socket?';
const TCP_HINT = '\tIs the server running on that host and accepting TCP/IP connections?';
const CLOSED =
  'server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.';

/** The lines libpq would print for e, an attempt to connect to host that failed. */
export function attemptFailure(host: PlannedHost, e: unknown): string[] {
  const err = e as NodeJS.ErrnoException & { address?: string };
  if (err?.syscall === 'getaddrinfo') {
    return [
      `could not translate host name "${host.name}" to address: ${GAI_STRERROR[err.code ?? ''] ?? err.message}`,
    ];
  }
  // Node tries each address of a name in turn (autoSelectFamily) and reports them together.
  const each = (e as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(each) && each.length && !(e instanceof ConnectionFailure)) {
    return each.flatMap((one) => attemptFailure(host, one));
  }
  return [`${serverIdentity(host, err?.address)}${cause(host, e)}`];
}

function serverIdentity(host: PlannedHost, address: string | undefined): string {
  if (host.socket) return `connection to server on socket "${host.name}/.s.PGSQL.${host.port}" failed: `;
  const shown =
    !host.numeric && address && address !== host.name ? `"${host.name}" (${address})` : `"${host.name}"`;
  return `connection to server at ${shown}, port ${host.port} failed: `;
}

function cause(host: PlannedHost, e: unknown): string {
  if (e instanceof DatabaseError) {
    const lines = [`${e.severity ?? 'FATAL'}:  ${e.message}`];
    if (e.detail) lines.push(`DETAIL:  ${e.detail}`);
    if (e.hint) lines.push(`HINT:  ${e.hint}`);
    return lines.join('\n');
  }
  // Not instanceof Error: Node's own errors may come from another realm (a test runner's vm).
  if (typeof e !== 'object' || e === null || !('message' in e)) return String(e);
  const { code, syscall, message } = e as NodeJS.ErrnoException;
  if (syscall === 'connect' && code)
    return `${STRERROR[code] ?? code}\n${host.socket ? SOCKET_HINT : TCP_HINT}`;
  if (message === 'Connection terminated unexpectedly') return CLOSED;
  if (tlsRefused(e)) return 'server does not support SSL, but SSL was required';
  return message;
}

/** node-postgres's answer when the server said no to TLS: for sslmode prefer and allow no error at all. */
export function tlsRefused(e: unknown): boolean {
  return (e as Error | undefined)?.message === 'The server does not support SSL connections';
}
