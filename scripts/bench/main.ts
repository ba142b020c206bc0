// `npm run bench`: our agent against pgAgent 4.2's, same machine, same run, same schema (ours).
// Starts a scratch cluster, finds out which agents can run, runs the scenarios and writes a
// JSON summary. See scripts/bench.sh for what it installs first.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultPgBin, startCluster, sweepStaleClusters, Cluster } from '../cluster';
import { killLiveAgents } from './agents';
import { candidates, probeAgents } from './availability';
import { BenchContext, Scenario } from './context';
import { CRON_SETTINGS, CronBench, cronMissing } from './cron';
import { BenchCluster } from './db';
import { parseOptions } from './options';
import { Report } from './report';
import { sideBySide } from './side-by-side';
import { batch, burst } from './scenarios/burst';
import { crash } from './scenarios/crash';
import { cron } from './scenarios/cron';
import { idle } from './scenarios/idle';
import { limit } from './scenarios/limit';
import { multi } from './scenarios/multi';
import { nextrun } from './scenarios/nextrun';
import { pickup } from './scenarios/pickup';
import { purge } from './scenarios/purge';

const CLUSTER_PREFIX = 'pgagent-bench-';
const ALL: Scenario[] = [pickup, burst, limit, batch, idle, multi, crash, nextrun, purge, cron];

function machine(cluster: Cluster): Record<string, unknown> {
  const read = (f: string): string | undefined =>
    fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : undefined;
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: read('/etc/debian_version') ? `Debian ${read('/etc/debian_version')}` : os.release(),
    node: process.version,
    postgres: cluster.psql('SHOW server_version').trim(),
    maxConnections: Number(cluster.psql('SHOW max_connections').trim()),
    loadAvgAtStart: os.loadavg(),
  };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const logDir = path.join(opts.outDir, `bench-${startedAt.replace(/[:.]/g, '-')}-logs`);
  fs.mkdirSync(logDir, { recursive: true });
  sweepStaleClusters(CLUSTER_PREFIX);
  // pg_cron is preloaded only when it is measured: its launcher wakes the server every second.
  const cronWanted = opts.measured.has('pg_cron') && opts.only.has('pg_cron');
  const missingCron = cronWanted ? cronMissing(defaultPgBin()) : 'not asked for (--only, --agents)';
  const withCron = missingCron === undefined;
  const cluster = await startCluster({
    prefix: CLUSTER_PREFIX,
    settings: {
      shared_preload_libraries: withCron ? 'pg_stat_statements,pg_cron' : 'pg_stat_statements',
      max_connections: 100,
      ...(withCron ? CRON_SETTINGS : {}),
    },
  });
  const cleanup = (): void => {
    killLiveAgents();
    cluster.destroy();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    const bench = new BenchCluster(cluster);
    bench.prepare();
    const report = new Report();
    const ctx: BenchContext = {
      bench,
      agents: [],
      unavailable: [],
      cron: withCron ? new CronBench(bench) : undefined,
      cronMissing: missingCron,
      opts,
      logDir,
      report,
    };
    const found = candidates(opts.upstreamBin).filter((c) => opts.measured.has(c.name));
    await probeAgents(ctx, found);
    const meta = {
      startedAt,
      options: { ...opts, only: [...opts.only], measured: [...opts.measured] },
      machine: machine(cluster),
      agents: found.map((c) => ({
        name: c.name,
        version: c.version,
        available: ctx.agents.some((k) => k.name === c.name),
        reason: ctx.unavailable.find((u) => u.name === c.name)?.reason,
      })),
    };
    report.line(`pgagent bench ${startedAt}: ${JSON.stringify(meta.machine)}`);
    for (const a of meta.agents) {
      report.line(
        `  agent ${a.name}: ${a.available ? `available (${a.version ?? 'version unknown'})` : `unavailable: ${a.reason}`}`,
      );
    }
    report.line(`  pg_cron: ${withCron ? 'preloaded in the cluster' : `not measured: ${missingCron}`}`);
    report.line(
      `  figures are medians (min..max) over ${opts.reps} repetition(s) where repeated; the machine may be shared and noisy`,
    );
    for (const scenario of ALL.filter((s) => opts.only.has(s.name))) {
      const t0 = Date.now();
      try {
        report.record(scenario.name, await scenario.run(ctx));
      } catch (e) {
        const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
        report.line(`${scenario.name}: failed: ${msg}`);
        report.record(scenario.name, { error: msg });
      }
      report.line(`  (${scenario.name}: ${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    report.record('sideBySide', sideBySide(report));
    const file = report.write(opts.outDir, {
      ...meta,
      finishedAt: new Date().toISOString(),
      loadAvgAtEnd: os.loadavg(),
    });
    report.line(`summary: ${file}`);
    report.line(`agent logs: ${logDir}`);
  } finally {
    cleanup();
  }
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
