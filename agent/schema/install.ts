// install-schema and upgrade-schema: the pgagent schema from the extension's own scripts, for
// servers where CREATE EXTENSION pgagent is not possible (managed PostgreSQL). Each script runs
// as CREATE EXTENSION would run it (search_path the schema, one transaction), by the connected
// role: a database owner is enough. Applied scripts are recorded in pgagent_migrations.applied,
// outside the pgagent schema so that its catalog is the extension's.
import * as path from 'path';
import type { ClientBase } from 'pg';
import { installScript, plainSql, readScriptSet, Script, ScriptSet, updatePath } from './scripts';

export type SchemaCommand = 'install-schema' | 'upgrade-schema';

export class SchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaError';
  }
}

export interface SchemaOutcome {
  /** The version found: null without a schema. */
  from: string | null;
  to: string;
  /** The script files run, in order ([] for a no-op). */
  applied: string[];
}

// Two installers at once would both find no schema; the second waits and then sees the first's.
const LOCK = "SELECT pg_advisory_xact_lock(hashtext('pgagent schema install'))";
const FIND_EXTENSION = "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pgagent'";
const FIND_SCHEMA = `
  SELECT to_regnamespace('pgagent') IS NOT NULL AS schema,
         to_regclass('pgagent_migrations.applied') IS NOT NULL AS tracked,
         to_regprocedure('pgagent.pgagent_schema_version()') IS NOT NULL AS versioned,
         to_regprocedure('pgagent.pga_job_notify()') IS NOT NULL AS notifies`;
const TRACKED_VERSION = 'SELECT version FROM pgagent_migrations.applied ORDER BY id DESC LIMIT 1';
const SCHEMA_VERSION = 'SELECT pgagent.pgagent_schema_version() AS v';
const CREATE_TRACKING = `
  CREATE SCHEMA pgagent_migrations;
  COMMENT ON SCHEMA pgagent_migrations IS 'pgagent install-schema: the scripts applied to schema pgagent';
  CREATE TABLE pgagent_migrations.applied (
      id         serial      PRIMARY KEY,
      version    text        NOT NULL,
      script     text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      applied_by name        NOT NULL DEFAULT current_user
  )`;
const RECORD = 'INSERT INTO pgagent_migrations.applied (version, script) VALUES ($1, $2)';
// CREATE EXTENSION makes the schema named in the control file, owned by the installing role.
const CREATE_SCHEMA = 'CREATE SCHEMA pgagent';
const SCRIPT_PATH = 'SET LOCAL search_path = pgagent';
/** Recorded for a schema found without a record (pgAgent's pgagent.sql), at the version detected. */
export const ADOPTED = 'existing schema';

/** Runs the command on a connected client; everything happens in one transaction. */
export async function runSchemaCommand(
  client: ClientBase,
  command: SchemaCommand,
  set: ScriptSet = readScriptSet(),
): Promise<SchemaOutcome> {
  const target = set.defaultVersion;
  await client.query('BEGIN');
  try {
    await client.query(LOCK);
    const ext = (await client.query(FIND_EXTENSION)).rows[0];
    if (ext) {
      throw new SchemaError(
        `pgagent is installed here as an extension (version ${ext.extversion}): update it with ALTER EXTENSION pgagent UPDATE`,
      );
    }
    const found = (await client.query(FIND_SCHEMA)).rows[0];
    const from = found.schema ? await currentVersion(client, found) : null;
    const scripts = plan(set, command, from, found.tracked, target);
    if (scripts.length > 0) {
      if (!found.tracked) await client.query(CREATE_TRACKING);
      if (from === null) await client.query(CREATE_SCHEMA);
      else if (!found.tracked) await client.query(RECORD, [from, ADOPTED]);
      for (const script of scripts) {
        await client.query(SCRIPT_PATH);
        await client.query(plainSql(script));
        await client.query(RECORD, [script.to, path.basename(script.file)]);
      }
    }
    await client.query('COMMIT');
    return { from, to: target, applied: scripts.map((s) => path.basename(s.file)) };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

// The scripts to run: a fresh install runs the target's install script, as CREATE EXTENSION
// does; an existing schema the update path, as ALTER EXTENSION UPDATE does.
function plan(
  set: ScriptSet,
  command: SchemaCommand,
  from: string | null,
  tracked: boolean,
  target: string,
): Script[] {
  if (from === null) {
    if (command === 'upgrade-schema')
      throw new SchemaError('this database has no pgagent schema: create it with pgagent install-schema');
    const script = installScript(set, target);
    if (!script) throw new SchemaError(`no install script for pgagent ${target}`);
    return [script];
  }
  if (from === target && tracked) return [];
  if (command === 'install-schema') {
    const what = tracked ? `pgagent ${from}` : `pgAgent ${from} (not installed by pgagent install-schema)`;
    throw new SchemaError(
      `this database has schema pgagent at ${what}: update it to ${target} with pgagent upgrade-schema`,
    );
  }
  const steps = updatePath(set, from, target);
  if (!steps) throw new SchemaError(`no update path from pgagent ${from} to ${target}`);
  return steps;
}

async function currentVersion(
  client: ClientBase,
  found: { tracked: boolean; versioned: boolean; notifies: boolean },
): Promise<string> {
  if (found.tracked) {
    const row = (await client.query(TRACKED_VERSION)).rows[0];
    if (row) return row.version;
  }
  if (!found.versioned)
    throw new SchemaError(
      'schema pgagent exists but holds no pgAgent schema (no pgagent.pgagent_schema_version())',
    );
  // pgAgent's own schema: 3.4's reports version 3, 4.0 to 4.2's 4 (they differ only in
  // pga_next_schedule, which every update replaces); 4.3 added the notify trigger.
  const v = (await client.query(SCHEMA_VERSION)).rows[0].v;
  if (v === 3) return '3.4';
  if (v !== 4)
    throw new SchemaError(`schema pgagent reports schema version ${v}, which pgagent cannot update`);
  return found.notifies ? '4.3' : '4.2';
}
