// Telling apart a failed statement from a lost connection, and printing server errors in full.
import { DatabaseError } from 'pg';

/**
 * True when the connection itself is gone or going: a socket error, node-postgres's
 * "Connection terminated", or a server error of class 08 (connection exception) or
 * 57P01-57P03 (shutdown, crash, cannot connect now). Any other server error is the statement's.
 */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof DatabaseError)) return true;
  return /^(08|57P0[123])/.test(e.code ?? '');
}

/** A short one-line description for the agent's log. */
export function describeError(e: unknown): string {
  if (e instanceof DatabaseError) return `${e.message} (SQLSTATE ${e.code})`;
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
