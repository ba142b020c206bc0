// Builds and installs the extension, then starts one scratch cluster for the whole run.
// Clusters left by crashed runs are swept first; the teardown removes this run's.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { startCluster, sweepStaleClusters } from '../scripts/cluster';
import { CLUSTER_ENV, CLUSTER_PREFIX, TEMPLATE_DB } from './helpers/constants';

export default async function globalSetup(): Promise<void> {
  sweepStaleClusters(CLUSTER_PREFIX);
  const root = path.resolve(__dirname, '..');
  const make = spawnSync('make', ['-s', 'install'], { cwd: root, encoding: 'utf8' });
  if (make.status !== 0) {
    throw new Error(`make install failed (run the tests as root, or via scripts/test.sh):\n${make.stderr}${make.stdout}`);
  }
  const cluster = await startCluster({
    prefix: CLUSTER_PREFIX,
    settings: { max_connections: 300, shared_buffers: '64MB' },
  });
  cluster.psql(`CREATE DATABASE ${TEMPLATE_DB}`);
  cluster.psql('CREATE EXTENSION pgagent', TEMPLATE_DB);
  process.env[CLUSTER_ENV] = JSON.stringify(cluster.info());
  (globalThis as { __PGAGENT_CLUSTER__?: unknown }).__PGAGENT_CLUSTER__ = cluster;
}
