// What a failed connection attempt to the service database means for a person: the cause and
// what to fix. None of them ends the agent: it retries until someone fixes it.
import { DatabaseError } from 'pg';
import { ConnParams } from './libpq';
import { describeError, errorKind } from './pg-errors';

/** The connection string cannot work whatever the database does: a usage error. */
export class ConfigError extends Error {}

/** The database can be reached but not used yet (no schema, wrong version, a standby): the message says why. */
export class DatabaseProblem extends Error {}

/** The error that needs a person (pg-errors' kind): e, or one of the attempts e aggregates. */
export function needsAPerson(e: unknown): Error | undefined {
  if (e instanceof AggregateError) return e.errors.map(needsAPerson).find(Boolean);
  return e instanceof Error && errorKind(e) === 'needs-person' ? e : undefined;
}

/** One line: the cause, and for a refused login or an unknown database what to check. */
export function describeProblem(e: unknown, params: ConnParams): string {
  if (e instanceof DatabaseProblem) return e.message;
  const fatal = needsAPerson(e);
  if (!fatal) return describeError(e);
  const msg = describeError(e);
  const code = fatal instanceof DatabaseError ? fatal.code : undefined;
  if (code === '3D000') return `${msg}: check dbname in the connection string`;
  if (code === '42501')
    return `${msg}: the user${params.user ? ` "${params.user}"` : ''} needs rights on the pgagent schema`;
  return `${msg}: give the password in ~/.pgpass (or PGPASSFILE) or PGPASSWORD, not on the command line, and check pg_hba.conf`;
}
