// pg_dump / pg_restore against a test database over the cluster's private socket.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Cluster } from '../../scripts/cluster';

function run(
  cluster: Cluster,
  tool: 'pg_dump' | 'pg_restore' | 'psql',
  args: string[],
  user = cluster.user,
  input?: string,
): string {
  const r = spawnSync(
    path.join(cluster.pgBin, tool),
    ['-h', cluster.socketDir, '-p', String(cluster.port), '-U', user, ...args],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, input },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

export function pgDump(cluster: Cluster, dbname: string, args: string[]): string {
  return run(cluster, 'pg_dump', [...args, '-d', dbname]);
}

export function pgRestore(cluster: Cluster, dbname: string, args: string[]): string {
  return run(cluster, 'pg_restore', [...args, '-d', dbname]);
}

/** Runs a psql script (such as a plain-format dump) as user, stopping at the first error. */
export function psqlScript(cluster: Cluster, dbname: string, user: string, script: string): string {
  return run(cluster, 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', dbname, '-f', '-'], user, script);
}

/**
 * The extension's objects as DDL. A plain schema dump shows only CREATE EXTENSION;
 * --binary-upgrade (pg_upgrade's mode) spells out every member object, its comments,
 * ownership and membership. Oids, xids, pg_upgrade's storage details (such as the stored
 * default of a column added by an update) and pg_dump's session key are removed.
 */
export function extensionDdl(cluster: Cluster, dbname: string): string {
  return pgDump(cluster, dbname, ['--schema-only', '--binary-upgrade'])
    .replace(/^SELECT pg_catalog\.binary_upgrade_(?!create_empty_extension).*\n/gm, '')
    .replace(/^UPDATE pg_catalog\.pg_class\nSET relfrozenxid = .*\nWHERE oid = .*\n/gm, '')
    .replace(
      /(binary_upgrade_create_empty_extension\('pgagent', 'pgagent', \w+, '[^']*', )'\{[\d,]*\}'/,
      "$1'{oids}'",
    )
    .replace(/^\\(un)?restrict .*\n/gm, '')
    .replace(/^--.*\n/gm, '')
    .replace(/\n{2,}/g, '\n');
}

/** Whether pg_dump can dump this server: it refuses servers of a newer major than its own. */
export function pgDumpCanDump(cluster: Cluster, serverMajor: number): boolean {
  const r = spawnSync(path.join(cluster.pgBin, 'pg_dump'), ['--version'], { encoding: 'utf8' });
  return Number(/(\d+)\.\d+/.exec(r.stdout)?.[1]) >= serverMajor;
}
