import type { Cluster } from '../scripts/cluster';

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as { __PGAGENT_CLUSTER__?: Cluster }).__PGAGENT_CLUSTER__;
  cluster?.destroy();
}
