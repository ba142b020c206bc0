// What an error means, by SQLSTATE: the one place that says so, for the service connection,
// the runner and the steps. And printing server errors in full.
import { DatabaseError } from 'pg';
import { ConnectionFailure } from './libpq';

/**
 * - connection: the connection is gone or going (class 08, 57P01 admin shutdown, 57P02 crash
 *   shutdown, or no server error at all: a socket error, "Connection terminated").
 * - busy: the server refuses connections for a while (53300 too many clients, 57P03 starting
 *   up or shutting down): waiting helps.
 * - needs-person: waiting does not help until someone fixes a setting (28P01 wrong password,
 *   28000 login refused, 3D000 no such database, 42501 no privilege).
 * - statement: anything else; the statement failed, the connection is fine.
 */
export type ErrorKind = 'connection' | 'busy' | 'needs-person' | 'statement';

const KIND_BY_CODE: Record<string, ErrorKind> = {
  '53300': 'busy',
  '57P03': 'busy',
  '57P01': 'connection',
  '57P02': 'connection',
  '28P01': 'needs-person',
  '28000': 'needs-person',
  '3D000': 'needs-person',
  '42501': 'needs-person',
};

/** The kind of one error (of a connection failure's attempts: see errorKinds). */
export function errorKind(e: unknown): ErrorKind {
  if (!(e instanceof DatabaseError)) {
    // node-postgres refuses to start SCRAM or MD5 without a password; libpq's answer is ours.
    return e instanceof Error && /password/i.test(e.message) ? 'needs-person' : 'connection';
  }
  const code = e.code ?? '';
  return KIND_BY_CODE[code] ?? (code.startsWith('08') ? 'connection' : 'statement');
}

/** The kinds of e, or of each error a failed connection (an AggregateError) collected. */
export function errorKinds(e: unknown): ErrorKind[] {
  return e instanceof AggregateError && e.errors.length ? e.errors.flatMap(errorKinds) : [errorKind(e)];
}

/**
 * True when the connection itself is gone or going (kinds connection and busy): any other
 * server error is the statement's.
 */
export function isConnectionError(e: unknown): boolean {
  return !(e instanceof DatabaseError) || ['connection', 'busy'].includes(errorKind(e));
}

/** A refusal that passes by itself (kind busy), of any attempt of a failed connection. */
export function serverBusy(e: unknown): boolean {
  return errorKinds(e).includes('busy');
}

/** An error no retry fixes until someone acts (kind needs-person), of any attempt. */
export function needsPerson(e: unknown): boolean {
  return errorKinds(e).includes('needs-person');
}

/** A short one-line description for the agent's log. */
export function describeError(e: unknown): string {
  if (e instanceof DatabaseError) return `${e.message} (SQLSTATE ${e.code})`;
  // A failed connection: every attempt in libpq's words, on one line.
  if (e instanceof ConnectionFailure) return e.summary;
  if (e instanceof AggregateError && e.errors.length) return e.errors.map(describeError).join('; ');
  return e instanceof Error ? e.message || e.name : String(e);
}

/** The fields of a server error or notice (pg-protocol's NoticeOrError). */
export interface ServerMessage {
  severity?: string;
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  where?: string;
  position?: string;
}

/** A server error or notice as psql prints it in verbose mode: severity, SQLSTATE, message, details. */
export function formatServerMessage(m: ServerMessage): string {
  const lines = [`${m.severity ?? 'ERROR'}:  ${m.code ? `${m.code}: ` : ''}${m.message ?? ''}`];
  if (m.detail) lines.push(`DETAIL:  ${m.detail}`);
  if (m.hint) lines.push(`HINT:  ${m.hint}`);
  if (m.where) lines.push(`CONTEXT:  ${m.where}`);
  if (m.position) lines.push(`POSITION:  ${m.position}`);
  return lines.join('\n');
}

/** Any error of a statement: a server error in full, anything else (a lost connection) in a line. */
export function formatError(e: unknown): string {
  return e instanceof DatabaseError ? formatServerMessage(e) : `ERROR:  ${describeError(e)}`;
}
