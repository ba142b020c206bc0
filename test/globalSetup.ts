// Builds and installs the extension into a private server tree, then starts one scratch cluster for the whole run.
// Clusters left by crashed runs are swept first; the teardown removes this run's.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { startCluster, sweepStaleClusters } from '../scripts/cluster';
import { CLUSTER_ENV, CLUSTER_PREFIX, TEMPLATE_DB } from './helpers/constants';

export default async function globalSetup(): Promise<void> {
  sweepStaleClusters(CLUSTER_PREFIX);
  const root = path.resolve(__dirname, '..');
  // The extension goes into a private copy of the server (scripts/pg-tree.sh), never the system's.
  const tree = spawnSync('bash', ['scripts/pg-tree.sh'], { cwd: root, encoding: 'utf8' });
  if (tree.status !== 0) {
    throw new Error(
      `scripts/pg-tree.sh failed (run scripts/setup.sh first, or the tests via scripts/test.sh):\n${tree.stderr}${tree.stdout}`,
    );
  }
  process.env.PGAGENT_PG_BIN = tree.stdout.trim().split('\n').pop();
  const cluster = await startCluster({
    prefix: CLUSTER_PREFIX,
    settings: { max_connections: 300, shared_buffers: '64MB' },
  });
  cluster.psql(`CREATE DATABASE ${TEMPLATE_DB}`);
  cluster.psql('CREATE EXTENSION pgagent', TEMPLATE_DB);
  process.env[CLUSTER_ENV] = JSON.stringify(cluster.info());
  (globalThis as { __PGAGENT_CLUSTER__?: unknown }).__PGAGENT_CLUSTER__ = cluster;
}
