// Scratch PostgreSQL clusters for tests, the demo and benchmarks.
// PostgreSQL refuses to run as root, so when we are root every server command runs as the
// `postgres` OS user through runuser, in a private directory that holds the data and the socket.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The server binaries: the private tree of scripts/pg-env.sh (PGAGENT_PG_BIN), else the system's for PG_MAJOR. */
export function defaultPgBin(): string {
  return process.env.PGAGENT_PG_BIN || `/usr/lib/postgresql/${process.env.PG_MAJOR || '15'}/bin`;
}
const SERVER_USER = 'postgres';
const OWNER_FILE = 'owner.pid';

export interface ClusterOptions {
  /** Directory prefix under the system temp dir; clusters with the same prefix are swept together. */
  prefix?: string;
  /** A fixed base directory (e.g. the demo's .scratch/pg) instead of a new temp dir. */
  baseDir?: string;
  pgBin?: string;
  /** Extra server settings, passed as -c name=value. */
  settings?: Record<string, string | number>;
  port?: number;
}

export interface ClusterInfo {
  baseDir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  pgBin: string;
  user: string;
}

export class Cluster implements ClusterInfo {
  constructor(
    readonly baseDir: string,
    readonly dataDir: string,
    readonly socketDir: string,
    readonly port: number,
    readonly pgBin: string,
    readonly user: string,
    private readonly settings: Record<string, string | number>,
  ) {}

  static fromInfo(info: ClusterInfo): Cluster {
    return new Cluster(info.baseDir, info.dataDir, info.socketDir, info.port, info.pgBin, info.user, {});
  }

  info(): ClusterInfo {
    const { baseDir, dataDir, socketDir, port, pgBin, user } = this;
    return { baseDir, dataDir, socketDir, port, pgBin, user };
  }

  /** libpq keyword/value connection string over the private socket. */
  conninfo(dbname = 'postgres'): string {
    return `host=${this.socketDir} port=${this.port} user=${this.user} dbname=${dbname}`;
  }

  /** node-postgres client config over the private socket. */
  clientConfig(database = 'postgres'): { host: string; port: number; user: string; database: string } {
    return { host: this.socketDir, port: this.port, user: this.user, database };
  }

  /** Runs psql as the server user; returns stdout. Throws with psql's stderr on failure. */
  psql(sql: string, dbname = 'postgres'): string {
    return runAsServerUser(path.join(this.pgBin, 'psql'), [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-At',
      '-h',
      this.socketDir,
      '-p',
      String(this.port),
      '-U',
      this.user,
      '-d',
      dbname,
      '-c',
      sql,
    ]);
  }

  start(): void {
    const opts = serverOptions(this.socketDir, this.port, this.settings);
    runAsServerUser(path.join(this.pgBin, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.baseDir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      opts,
      'start',
    ]);
  }

  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!fs.existsSync(path.join(this.dataDir, 'postmaster.pid'))) return;
    runAsServerUser(path.join(this.pgBin, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-m',
      mode,
      '-w',
      '-t',
      '60',
      'stop',
    ]);
  }

  restart(): void {
    this.stop('fast');
    this.start();
  }

  /** Stops the server and removes everything the cluster wrote. */
  destroy(): void {
    try {
      this.stop('immediate');
    } finally {
      fs.rmSync(this.baseDir, { recursive: true, force: true });
    }
  }
}

function serverOptions(socketDir: string, port: number, settings: Record<string, string | number>): string {
  const all: Record<string, string | number> = {
    port,
    unix_socket_directories: socketDir,
    listen_addresses: '127.0.0.1',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...settings,
  };
  return Object.entries(all)
    .map(([k, v]) => `-c ${k}=${quoteOption(String(v))}`)
    .join(' ');
}

// pg_ctl passes -o through a shell-like split; single quotes keep paths with spaces whole.
function quoteOption(v: string): string {
  return /^[A-Za-z0-9_./:-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a PostgreSQL server binary as the postgres OS user when we are root. */
export function runAsServerUser(cmd: string, args: string[]): string {
  const [file, argv] = isRoot() ? ['runuser', ['-u', SERVER_USER, '--', cmd, ...args]] : [cmd, args];
  const r = spawnSync(file, argv, { encoding: 'utf8', cwd: '/' });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(
      `${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr || r.stdout}`,
    );
  }
  return r.stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The server user's uid and gid when we are root (files it must own), else null. */
export function serverUserIds(): { uid: number; gid: number } | null {
  if (!isRoot()) return null;
  const uid = Number(execFileSync('id', ['-u', SERVER_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', SERVER_USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops and removes clusters left behind by runs that died (their owner pid is gone),
 * so a crashed test run never leaves servers or disk behind for the next one.
 */
export function sweepStaleClusters(prefix: string, pgBin = defaultPgBin()): string[] {
  const tmp = os.tmpdir();
  const swept: string[] = [];
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(prefix)) continue;
    const base = path.join(tmp, name);
    const ownerFile = path.join(base, OWNER_FILE);
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(ownerFile, 'utf8'));
    } catch {
      // No owner file: a half-created cluster; treat as stale.
    }
    if (Number.isFinite(owner) && processAlive(owner)) continue;
    const dataDir = path.join(base, 'data');
    try {
      if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
        runAsServerUser(path.join(pgBin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      }
    } catch {
      // The server may already be gone; removing the directory is what matters.
    }
    fs.rmSync(base, { recursive: true, force: true });
    swept.push(base);
  }
  return swept;
}

/** Creates (initdb) and starts a cluster. With baseDir, an existing cluster there is reused. */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const pgBin = opts.pgBin ?? defaultPgBin();
  const baseDir = opts.baseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix ?? 'pgagent-cluster-'));
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'sock');
  fs.mkdirSync(socketDir, { recursive: true });
  fs.writeFileSync(path.join(baseDir, OWNER_FILE), String(process.pid));
  const ids = serverUserIds();
  if (ids) {
    fs.chownSync(baseDir, ids.uid, ids.gid);
    fs.chownSync(socketDir, ids.uid, ids.gid);
  }
  fs.chmodSync(socketDir, 0o700);
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    runAsServerUser(path.join(pgBin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      SERVER_USER,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
  }
  const port = opts.port ?? (await freePort());
  const cluster = new Cluster(baseDir, dataDir, socketDir, port, pgBin, SERVER_USER, opts.settings ?? {});
  cluster.stop('immediate');
  cluster.start();
  return cluster;
}

/** Runs fn against a new scratch cluster and removes the cluster afterwards, also on failure. */
export async function withScratchCluster<T>(
  opts: ClusterOptions,
  fn: (cluster: Cluster) => Promise<T>,
): Promise<T> {
  const cluster = await startCluster(opts);
  try {
    return await fn(cluster);
  } finally {
    cluster.destroy();
  }
}
