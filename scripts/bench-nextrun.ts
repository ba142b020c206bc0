// Benchmark of the next-run function (prints figures; not a test): our
// pgagent.pga_next_schedule_after against pgAgent 4.2's pga_next_schedule on the same generated
// corpus, one server, one run. pgAgent's function is taken at run time from Debian's pgagent
// package (scripts/upstream-pgagent.sh: apt-get download, dpkg-deb -x) and loaded into a scratch schema with its now()
// redirected to an injectable clock; none of its code is kept.
//
// What is timed (METHOD below, also printed): inside the server, clock_timestamp() right before
// and right after the call in a PL/pgSQL wrapper, so no client round trip and no parsing or
// planning of the client's statement is counted, for either function. "Cold" makes each call
// its own statement and transaction, as the job trigger does: PL/pgSQL sets up each expression
// it evaluates once per transaction, so a cold call pays that setup and a warm one (the second
// pass over a batch in one statement) does not. The floor is the same cold measurement of a
// PL/pgSQL function with the same arguments that returns NULL at once: the part of every
// figure that is the wrapper's and the call's, not the function's work.
//
//   node dist/scripts/bench-nextrun.js [cases] [seed]     (after `npm run build` and `make install`)
//
// `npm run bench` calls benchNextRun() on its own cluster.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { Cluster, withScratchCluster } from './cluster';
import {
  CASE_COLUMNS,
  caseRecords,
  corpusSeed,
  generateCorpus,
  ScheduleCase,
  storeExceptions,
} from './schedule-corpus';

const DATABASE = 'bench_nextrun';
const UPSTREAM = 'nextrun_upstream';
/** pgAgent's function loops until stopped on schedules that can never run again. */
const UPSTREAM_TIMEOUT_MS = 200;
const REPEATS = 3;
const METHOD =
  'server-side: clock_timestamp() before and after the call inside a PL/pgSQL wrapper (no client round trip); ' +
  'cold = one call per transaction, warm = second pass over the batch in one statement; per case the fastest of ' +
  `${REPEATS} runs; floor = a PL/pgSQL function with the same arguments returning NULL, timed the same way (cold)`;

type Which = 'ours' | 'upstream' | 'floor';

/** pgAgent 4.2's CREATE FUNCTION for pga_next_schedule, from Debian's package (fetched by scripts/upstream-pgagent.sh). */
function upstreamFunction(): { sql: string; version: string } {
  const fetcher = path.resolve(__dirname, '..', '..', 'scripts', 'upstream-pgagent.sh');
  const binary = execFileSync('bash', [fetcher], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const root = path.resolve(path.dirname(binary), '..', '..');
  const script = execFileSync('find', [root, '-name', 'pgagent--4.2.sql'], { encoding: 'utf8' }).split(
    '\n',
  )[0];
  const text = fs.readFileSync(script, 'utf8');
  const start = text.indexOf('CREATE OR REPLACE FUNCTION pgagent.pga_next_schedule(');
  const end = text.indexOf("' LANGUAGE 'plpgsql'", start);
  if (start < 0 || end < 0) throw new Error(`no pga_next_schedule in ${script}`);
  const sql = text
    .slice(start, text.indexOf(';', end) + 1)
    .replace('pgagent.pga_next_schedule(', `${UPSTREAM}.pga_next_schedule(`)
    .replace(/\bnow\(\)/g, `${UPSTREAM}.now()`);
  const deb = fs.readdirSync(path.dirname(root)).find((f) => f.endsWith('.deb')) ?? 'pgagent';
  return { sql, version: deb.replace(/\.deb$/, '') };
}

async function prepare(client: Client, upstreamSql: string): Promise<void> {
  await client.query('CREATE EXTENSION IF NOT EXISTS pgagent');
  // Both read schedules in UTC: ours by the database setting, pgAgent's by the session.
  await client.query(`ALTER DATABASE ${DATABASE} SET pgagent.timezone = 'UTC'`);
  await client.query("SET TimeZone = 'UTC'");
  await client.query(`CREATE SCHEMA ${UPSTREAM}`);
  await client.query(`CREATE FUNCTION ${UPSTREAM}.now() RETURNS timestamptz LANGUAGE sql STABLE
                      AS $$ SELECT current_setting('nextrun_bench.now')::timestamptz $$`);
  await client.query(upstreamSql);
  await client.query(`CREATE FUNCTION ${UPSTREAM}.floor(after timestamptz, jscid int4, jscstart timestamptz,
        jscend timestamptz, m bool[], h bool[], w bool[], d bool[], mo bool[]) RETURNS timestamptz
    LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN NULL; END $$`);
  // Times one call inside the server; errors are reported, not raised (the block's
  // subtransaction starts before the clock does).
  await client.query(`
    CREATE FUNCTION ${UPSTREAM}.timed(which text, after timestamptz, jscid int4, jscstart timestamptz,
        jscend timestamptz, m bool[], h bool[], w bool[], d bool[], mo bool[],
        OUT micros float8, OUT run timestamptz, OUT failure text)
    LANGUAGE plpgsql AS $$
    DECLARE
        t0 timestamptz;
    BEGIN
        PERFORM set_config('nextrun_bench.now', after::text, true);
        BEGIN
            IF which = 'upstream' THEN
                t0 := clock_timestamp();
                run := ${UPSTREAM}.pga_next_schedule(jscid, jscstart, jscend, m, h, w, d, mo);
            ELSIF which = 'ours' THEN
                t0 := clock_timestamp();
                run := pgagent.pga_next_schedule_after(after, jscid, jscstart, jscend, m, h, w, d, mo);
            ELSE
                t0 := clock_timestamp();
                run := ${UPSTREAM}.floor(after, jscid, jscstart, jscend, m, h, w, d, mo);
            END IF;
            micros := extract(epoch FROM clock_timestamp() - t0) * 1e6;
        EXCEPTION WHEN OTHERS THEN
            micros := extract(epoch FROM clock_timestamp() - t0) * 1e6;
            failure := SQLSTATE;
        END;
    END
    $$`);
  // Times each call of a batch inside one statement, on a second pass over it (warm: plans
  // and expressions already set up, as for the second and later schedules of one job).
  await client.query(`
    CREATE FUNCTION ${UPSTREAM}.timed_all(upstream bool, cases jsonb) RETURNS float8[]
    LANGUAGE plpgsql AS $$
    DECLARE
        c record;
        t0 timestamptz;
        run timestamptz;
        micros float8[];
    BEGIN
        FOR c IN SELECT * FROM jsonb_to_recordset(cases || cases) AS x(${CASE_COLUMNS}) LOOP
            PERFORM set_config('nextrun_bench.now', c.after::text, true);
            t0 := clock_timestamp();
            IF upstream THEN
                run := ${UPSTREAM}.pga_next_schedule(c.jscid, c.jscstart, c.jscend, c.minutes, c.hours, c.weekdays, c.monthdays, c.months);
            ELSE
                run := pgagent.pga_next_schedule_after(c.after, c.jscid, c.jscstart, c.jscend, c.minutes, c.hours, c.weekdays, c.monthdays, c.months);
            END IF;
            micros := micros || extract(epoch FROM clock_timestamp() - t0) * 1e6;
        END LOOP;
        RETURN micros[jsonb_array_length(cases) + 1:];
    END
    $$`);
}

interface Outcome {
  micros: number;
  run: number | null;
  failure?: string;
}

async function timeCase(client: Client, which: Which, c: ScheduleCase, jscid: number): Promise<Outcome> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  try {
    const r = await client.query<{ micros: number; run: Date | null; failure: string | null }>(
      `SELECT * FROM ${UPSTREAM}.timed($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        which,
        iso(c.after),
        jscid,
        iso(c.start),
        iso(c.end),
        c.minutes,
        c.hours,
        c.weekdays,
        c.monthdays,
        c.months,
      ],
    );
    const { micros, run, failure } = r.rows[0];
    return { micros: Number(micros), run: run ? run.getTime() : null, ...(failure ? { failure } : {}) };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== '57014') throw e;
    return { micros: UPSTREAM_TIMEOUT_MS * 1000, run: null, failure: 'timeout' };
  }
}

function stats(micros: number[]): Record<string, number> {
  const sorted = [...micros].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(sorted.length, 1);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    calls: sorted.length,
    callsPerSecond: Math.round(1e6 / mean),
    meanMicros: round(mean),
    p50Micros: round(at(0.5)),
    p99Micros: round(at(0.99)),
    maxMicros: round(at(1)),
  };
}

function count(items: string[]): Record<string, number> {
  return items.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
}

/** Runs the benchmark on a cluster that has our extension installed; returns a JSON-able summary. */
export async function benchNextRun(
  cluster: Cluster,
  opts: { cases?: number; seed?: number } = {},
): Promise<object> {
  const cases = opts.cases ?? 2000;
  const seed = opts.seed ?? corpusSeed();
  const upstream = upstreamFunction();
  cluster.psql(`DROP DATABASE IF EXISTS ${DATABASE}`);
  cluster.psql(`CREATE DATABASE ${DATABASE}`);
  const client = new Client(cluster.clientConfig(DATABASE));
  await client.connect();
  try {
    await prepare(client, upstream.sql);
    const corpus = generateCorpus(seed, cases, ['UTC'], true);
    const ids = await storeExceptions(client, corpus);
    // As autovacuum would: without statistics the cached plans of both functions may scan every
    // stored exception on each call, which measures the corpus's size, not the functions.
    await client.query('ANALYZE pgagent.pga_exception');
    // Each figure is per case the fastest of REPEATS runs: the machine may be shared, and a
    // preempted call says nothing about the function.
    const fastest = (runs: Outcome[][]) =>
      runs[0].map((o, i) => ({ ...o, micros: Math.min(...runs.map((r) => r[i].micros)) }));
    // Cold: each call in its own statement and transaction, as the job trigger makes it.
    const cold = async (which: Which, cases: ScheduleCase[]) => {
      const out: Outcome[] = [];
      for (const c of cases) out.push(await timeCase(client, which, c, ids.get(c.id) ?? 0));
      return out;
    };
    await cold('ours', corpus); // warm-up: compiled functions, caches, the zone check
    await cold('floor', corpus);
    const runsOurs = [];
    const runsFloor = [];
    for (let r = 0; r < REPEATS; r++) {
      runsOurs.push(await cold('ours', corpus));
      runsFloor.push(await cold('floor', corpus));
    }
    const ours = fastest(runsOurs);
    const floor = fastest(runsFloor);
    await client.query(`SET statement_timeout = ${UPSTREAM_TIMEOUT_MS}`);
    const firstTheirs = await cold('upstream', corpus);
    const doneIndexes = corpus.flatMap((_, i) => (firstTheirs[i].failure ? [] : [i]));
    const done = doneIndexes.map((i) => corpus[i]);
    const runsTheirs = [doneIndexes.map((i) => firstTheirs[i])];
    for (let r = 1; r < REPEATS; r++) runsTheirs.push(await cold('upstream', done));
    await client.query('RESET statement_timeout');
    const theirsDone = fastest(runsTheirs);
    // Warm: all calls in one statement, on the cases pgAgent's function completes.
    const warm = async (isUpstream: boolean) => {
      const runs = [];
      for (let r = 0; r < REPEATS; r++) {
        const micros = (
          await client.query<{ micros: number[] }>(`SELECT ${UPSTREAM}.timed_all($1, $2) AS micros`, [
            isUpstream,
            caseRecords(done, ids),
          ])
        ).rows[0].micros;
        runs.push(micros.map((m) => ({ micros: m, run: null })));
      }
      return stats(fastest(runs).map((o) => o.micros));
    };
    const warmOurs = await warm(false);
    const warmTheirs = await warm(true);
    const coldOursSame = stats(doneIndexes.map((i) => ours[i].micros));
    const coldTheirs = stats(theirsDone.map((o) => o.micros));
    const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
    const floorStats = stats(floor.map((o) => o.micros));
    return {
      seed,
      cases,
      upstream: upstream.version,
      method: METHOD,
      cold: {
        floor: floorStats,
        ours: {
          ...stats(ours.map((o) => o.micros)),
          failures: count(ours.flatMap((o) => (o.failure ? [o.failure] : []))),
        },
        upstreamCompleted: coldTheirs,
        oursOnTheSameCases: coldOursSame,
        speedupOfMean: ratio(coldTheirs.meanMicros, coldOursSame.meanMicros),
        // the same with the floor's mean taken off both means
        speedupOfMeanAboveFloor: ratio(
          coldTheirs.meanMicros - floorStats.meanMicros,
          coldOursSame.meanMicros - floorStats.meanMicros,
        ),
      },
      warm: {
        ours: warmOurs,
        upstream: warmTheirs,
        speedupOfMean: ratio(warmTheirs.meanMicros, warmOurs.meanMicros),
      },
      fastestOf: REPEATS,
      upstreamFailures: count(firstTheirs.flatMap((o) => (o.failure ? [o.failure] : []))),
      upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
      upstreamDisagrees: doneIndexes.filter((i) => firstTheirs[i].run !== ours[i].run).length,
    };
  } finally {
    await client.end();
    cluster.psql(`DROP DATABASE IF EXISTS ${DATABASE}`);
  }
}

async function main(): Promise<void> {
  const [cases, seed] = process.argv.slice(2).map(Number);
  const figures = await withScratchCluster({ prefix: 'pgagent-bench-nextrun-' }, (cluster) =>
    benchNextRun(cluster, { cases: cases || undefined, seed: seed || undefined }),
  );
  console.log(JSON.stringify(figures, null, 2));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
