// A real streaming replica of a running test cluster (pg_basebackup -R), and its promotion: the
// failover and host-list tests' standby.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cluster, runAsServerUser, serverUserIds, startCluster } from '../../scripts/cluster';
import { CLUSTER_PREFIX } from './constants';
import { waitFor } from './wait';

/** A standby of primary on a port of its own, returned once it streams from the primary. */
export async function startStandby(primary: Cluster): Promise<Cluster> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), CLUSTER_PREFIX));
  // pg_basebackup runs as the server user and writes its data directory into base.
  const ids = serverUserIds();
  if (ids) fs.chownSync(base, ids.uid, ids.gid);
  runAsServerUser(path.join(primary.pgBin, 'pg_basebackup'), [
    '-D',
    path.join(base, 'data'),
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
    '-N',
    '-h',
    primary.socketDir,
    '-p',
    String(primary.port),
    '-U',
    primary.user,
  ]);
  const standby = await startCluster({ baseDir: base, pgBin: primary.pgBin });
  await waitFor(() => standby.psql('SELECT status FROM pg_stat_wal_receiver').trim() === 'streaming', {
    what: 'the standby to stream from its primary',
    timeoutMs: 60_000,
  });
  return standby;
}

/** Promotes the standby to a primary, waiting until it accepts writes. */
export function promote(standby: Cluster): void {
  runAsServerUser(path.join(standby.pgBin, 'pg_ctl'), ['-D', standby.dataDir, '-w', 'promote']);
}
