// Per-test databases on the run's scratch cluster.
import { Client } from 'pg';
import { Cluster } from '../../scripts/cluster';
import { CLUSTER_ENV, TEMPLATE_DB } from './constants';

let counter = 0;
const RUN = Math.random().toString(36).slice(2, 8);

export function testCluster(): Cluster {
  const raw = process.env[CLUSTER_ENV];
  if (!raw) throw new Error(`${CLUSTER_ENV} is not set: run the tests through jest (test/globalSetup.ts)`);
  return Cluster.fromInfo(JSON.parse(raw));
}

export interface TestDatabase {
  name: string;
  cluster: Cluster;
  conninfo: string;
  connect(): Promise<Client>;
  /** Runs one query on a short-lived connection. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * A new database. By default it has the extension at its default version (copied from the
 * template); `extension: '4.2'` installs that version instead, `extension: false` none.
 * With `owner`, that role owns the database and every connection (and the extension's
 * install) is that role's, as with a managed service's master user.
 */
export async function createTestDatabase(
  opts: { extension?: string | false; owner?: string } = {},
): Promise<TestDatabase> {
  const cluster = testCluster();
  // Unique beyond this module: jest gives each test file its own copy of it in the same worker.
  const name = `t_${process.pid}_${RUN}_${++counter}`;
  const useTemplate = opts.extension === undefined;
  const admin = new Client(cluster.clientConfig('postgres'));
  await admin.connect();
  try {
    const owner = opts.owner ? ` OWNER ${opts.owner}` : '';
    await admin.query(`CREATE DATABASE ${name}${owner} TEMPLATE ${useTemplate ? TEMPLATE_DB : 'template0'}`);
  } finally {
    await admin.end();
  }
  const connect = async (): Promise<Client> => {
    const c = new Client({ ...cluster.clientConfig(name), user: opts.owner ?? cluster.user });
    await c.connect();
    return c;
  };
  const query = async <T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> => {
    const c = await connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  };
  if (typeof opts.extension === 'string') {
    await query(`CREATE EXTENSION pgagent VERSION '${opts.extension}'`);
  }
  return {
    name,
    cluster,
    conninfo: opts.owner
      ? `host=${cluster.socketDir} port=${cluster.port} user=${opts.owner} dbname=${name}`
      : cluster.conninfo(name),
    connect,
    query,
    drop: async () => {
      const c = new Client(cluster.clientConfig('postgres'));
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
