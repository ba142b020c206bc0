// What the service database offers the agent: a primary (a standby cannot take its writes),
// the pgagent schema at version 4, and whether its agent rows have a lease and its jobs control
// settings (extension 4.4).
import { Db } from './db';

export const IN_RECOVERY = 'SELECT pg_catalog.pg_is_in_recovery() AS in_recovery';

export const STANDBY_PROBLEM =
  'the server is a standby (in recovery): this agent runs nothing until it is promoted or the connection string reaches a primary';

export async function isStandby(db: Db): Promise<boolean> {
  return (await db.query<{ in_recovery: boolean }>(IN_RECOVERY)).rows[0].in_recovery;
}

/**
 * to_regclass and to_regprocedure return NULL when the object does not exist, so this one
 * statement also answers on a database without the schema. idle_session_timeout (ms) is NULL
 * before PostgreSQL 14.
 */
export const SCHEMA_CHECK = `
SELECT to_regclass('pgagent.pga_job') IS NOT NULL AS has_schema,
       to_regprocedure('pgagent.pgagent_schema_version()') IS NOT NULL AS has_version_function,
       EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                WHERE attrelid = to_regclass('pgagent.pga_jobagent') AND attname = 'jaglease' AND NOT attisdropped) AS has_lease,
       to_regclass('pgagent.pga_jobstop') IS NOT NULL AS has_job_control,
       (SELECT count(*) = 2 FROM pg_catalog.pg_trigger
         WHERE (tgrelid, tgname) IN ((to_regclass('pgagent.pga_job'), 'pga_job_notify'),
                                     (to_regclass('pgagent.pga_jobagent'), 'pga_jobagent_notify'))
           AND tgenabled IN ('O', 'A')) AS has_notify,
       (SELECT setting::int8 FROM pg_catalog.pg_settings WHERE name = 'idle_session_timeout') AS idle_session_timeout,
       (SELECT oid::int8 FROM pg_catalog.pg_database WHERE datname = current_database()) AS database_oid`;

export const SCHEMA_VERSION = 'SELECT pgagent.pgagent_schema_version() AS version';

export interface Schema {
  /** pga_jobagent has jagseen/jaglease (4.4): the agent keeps a lease. */
  lease: boolean;
  /** Job control (4.4): time limits in pga_jobsettings, stop requests in pga_jobstop. */
  jobControl: boolean;
  /**
   * A job change (4.3's pga_job_notify) and an agent registering or leaving (4.4's
   * pga_jobagent_notify) notify pgagent_job: both triggers are there and enabled.
   */
  notifies: boolean;
  /** The server ends sessions idle this long (ms); 0: never. */
  idleSessionTimeoutMs: number;
  /** The service database's OID: step connections carry it in their name (see stepConnectionName). */
  databaseOid: number;
}

/** The schema's features, or the reason the agent cannot work here yet (a sentence that says what to do). */
export async function checkSchema(db: Db, dbLabel: string): Promise<Schema | { problem: string }> {
  const [row] = (
    await db.query<{
      has_schema: boolean;
      has_version_function: boolean;
      has_lease: boolean;
      has_job_control: boolean;
      has_notify: boolean;
      idle_session_timeout: string | null;
      database_oid: string;
    }>(SCHEMA_CHECK)
  ).rows;
  if (!row.has_schema || !row.has_version_function) {
    return {
      problem: `${dbLabel} has no pgagent schema (pgagent.pga_job not found): connect the agent to the database where the pgagent extension is installed, or install it there with CREATE EXTENSION pgagent`,
    };
  }
  const version = Number((await db.query(SCHEMA_VERSION)).rows[0].version);
  if (version !== 4) {
    return {
      problem: `pgagent.pgagent_schema_version() in ${dbLabel} is ${version}, this agent needs 4: update the extension with ALTER EXTENSION pgagent UPDATE`,
    };
  }
  return {
    lease: row.has_lease,
    jobControl: row.has_job_control,
    notifies: row.has_notify,
    idleSessionTimeoutMs: Number(row.idle_session_timeout ?? 0),
    databaseOid: Number(row.database_oid),
  };
}
