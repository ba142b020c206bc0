// pg_cron as the bench measures it: Debian's postgresql-15-cron, preloaded in the bench's
// cluster (its metadata in the postgres database), jobs scheduled with cron.schedule and their
// runs read from cron.job_run_details. pg_cron runs inside the server, so there is no agent
// process: its costs are its launcher's (a background worker) and the backends it opens per run.
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { BenchCluster } from './db';
import { readProc } from './procstats';
import { msToNextMinute, poll, sleep } from '../../test/helpers/wait';

/** Where pg_cron keeps its tables; cron.database_name's default. */
export const CRON_DB = 'postgres';

/** The settings that load pg_cron; its runs connect over TCP to the bench's own server. */
export const CRON_SETTINGS = { 'cron.database_name': CRON_DB, 'cron.host': '127.0.0.1' };

/** Why pg_cron cannot be measured with this server tree, or undefined if it can. */
export function cronMissing(pgBin: string): string | undefined {
  const lib = path.join(pgBin, '..', 'lib', 'pg_cron.so');
  return fs.existsSync(lib) ? undefined : `${lib} not found (scripts/setup.sh installs postgresql-15-cron)`;
}

export interface CronRun {
  jobid: number;
  status: string;
  message: string | null;
  /** Seconds from the minute the job was due at to the run's start, and to its end. */
  startSeconds: number;
  endSeconds: number | null;
}

export class CronBench {
  constructor(private readonly bench: BenchCluster) {}

  /** Creates the extension (once) and removes every job and run left by an earlier part. */
  async reset(): Promise<void> {
    await this.bench.admin('CREATE EXTENSION IF NOT EXISTS pg_cron');
    await this.bench.admin('SELECT cron.unschedule(jobid) FROM cron.job');
    await this.bench.admin('DELETE FROM cron.job_run_details');
  }

  /** Version of the loaded extension and the max_running_jobs in force. */
  async describe(): Promise<{ version: string; maxRunningJobs: number }> {
    const [r] = await this.bench.admin<{ version: string; max: string }>(
      `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'pg_cron') AS version, current_setting('cron.max_running_jobs') AS max`,
    );
    return { version: r.version, maxRunningJobs: Number(r.max) };
  }

  /**
   * Schedules n jobs running `command` every minute, early enough in a minute that pg_cron has
   * read them before the next one starts; returns that minute (their due time).
   */
  async scheduleEveryMinute(n: number, command: string): Promise<Date> {
    if (msToNextMinute() < 10_000) await sleep(msToNextMinute(500));
    const [r] = await this.bench.admin<{ due: Date }>(
      `SELECT date_trunc('minute', now()) + interval '1 minute' AS due,
              count(cron.schedule('bench ' || g, '* * * * *', $2)) AS n
         FROM generate_series(1, $1) g`,
      [n, command],
    );
    return r.due;
  }

  async unscheduleAll(): Promise<void> {
    await this.bench.admin('SELECT cron.unschedule(jobid) FROM cron.job');
  }

  /** The runs that started at or after `due`, measured from it. */
  async runs(due: Date): Promise<CronRun[]> {
    return this.bench.admin<CronRun>(
      `SELECT jobid::int4 AS jobid, status, return_message AS message,
              extract(epoch FROM start_time - $1)::float8 AS "startSeconds",
              extract(epoch FROM end_time - $1)::float8 AS "endSeconds"
         FROM cron.job_run_details WHERE start_time >= $1 ORDER BY start_time`,
      [due],
    );
  }

  /** Waits until n runs since `due` have started (ended too, with `ended`); returns them. */
  async waitRuns(due: Date, n: number, ended: boolean, timeoutMs: number): Promise<CronRun[]> {
    const enough = (rs: CronRun[]): boolean =>
      rs.filter((r) => !ended || (r.status !== 'running' && r.status !== 'starting')).length >= n;
    return (
      (await poll(
        async () => {
          const rs = await this.runs(due).catch(() => undefined); // undefined while the server restarts
          return rs && enough(rs) ? rs : undefined;
        },
        timeoutMs,
        200,
      )) ?? (await this.runs(due))
    );
  }

  /** The backend pid of pg_cron's launcher (a background worker), once it runs. */
  async launcherPid(timeoutMs = 30_000): Promise<number | undefined> {
    return poll(
      async () => {
        const rows = await this.bench
          .admin<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE backend_type = 'pg_cron launcher'`)
          .catch(() => []);
        return rows[0]?.pid;
      },
      timeoutMs,
      200,
    );
  }

  /** Samples the server's backends running pg_cron jobs until stop() is called; stop() returns the peak. */
  async sampleBackends(): Promise<{ stop(): Promise<number> }> {
    const c = new Client(this.bench.cluster.clientConfig(CRON_DB));
    await c.connect();
    let peak = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        const { rows } = await c.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name = 'pg_cron'`,
        );
        peak = Math.max(peak, rows[0].n);
        await sleep(100);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop.catch(() => undefined);
        await c.end().catch(() => undefined);
        return peak;
      },
    };
  }
}

/** CPU seconds of a server process so far (pg_cron's launcher). */
export function cpuSeconds(pid: number): number {
  return readProc(pid)?.cpuSelf ?? NaN;
}
