import * as fs from 'fs';
import * as path from 'path';
import { testCluster } from './db';

/** default_version of extension/pgagent.control: what a plain CREATE EXTENSION must install. */
export function controlDefaultVersion(): string {
  const control = fs.readFileSync(
    path.resolve(__dirname, '..', '..', 'extension', 'pgagent.control'),
    'utf8',
  );
  const version = /default_version\s*=\s*'([^']+)'/.exec(control)?.[1];
  if (!version) throw new Error('extension/pgagent.control has no default_version');
  return version;
}

/** The major version of the test cluster's server (13 ... 18): for facts PostgreSQL reports differently per major. */
export function serverMajor(): number {
  return Math.floor(Number(testCluster().psql('SHOW server_version_num').trim()) / 10000);
}
