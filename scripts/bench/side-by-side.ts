// The closing table: ours, pgAgent 4.2 and pg_cron on the workloads all three ran, taken from
// what the scenarios recorded in this bench (a scenario that did not run leaves its rows out).
import { Measured, MEASURED } from './context';
import { num, Report } from './report';

type Cell = string | undefined;

/** The value at a path of keys in a scenario's results, or undefined. */
function at(value: unknown, ...keys: string[]): unknown {
  let v = value;
  for (const k of keys)
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

const n = (v: unknown, digits = 2, unit = ''): Cell =>
  typeof v === 'number' && Number.isFinite(v) ? `${num(v, digits)}${unit}` : undefined;

function burstRow(report: Report, jobs: number): [string, Record<Measured, Cell>] {
  const agent = (name: string): Cell => {
    const s = at(report.result('burst'), `${jobs} x SELECT 1`, name, 'summary');
    const drain = n(at(s, 'drainSeconds', 'median'), 2, ' s');
    return (
      drain &&
      `${drain}, ok ${at(s, 'succeeded', 'median')}/${jobs}, peak backends ${at(s, 'peakBackends', 'median')}`
    );
  };
  const c = at(report.result('pg_cron'), 'burst', `${jobs} x SELECT 1`);
  const cron = n(at(c, 'drainSeconds'), 2, ' s');
  return [
    `burst ${jobs} x SELECT 1: due -> end, ok, peak backends`,
    {
      ours: agent('ours'),
      upstream: agent('upstream'),
      pg_cron: cron && `${cron}, ok ${at(c, 'succeeded')}/${jobs}, peak backends ${at(c, 'peakBackends')}`,
    },
  ];
}

function idleRow(report: Report): [string, Record<Measured, Cell>] {
  const agent = (name: string): Cell => {
    const r = at(report.result('idle'), `${name}, -t 10`);
    const perMin = (at(r, 'serverMs') as number) * (60 / (at(r, 'seconds') as number));
    return (
      n(at(r, 'statementsPerMinute'), 0) &&
      `${n(at(r, 'statementsPerMinute'), 0)} / ${n(perMin, 2, ' ms')} / ${n(at(r, 'cpuPerMinute'), 3, ' s')}`
    );
  };
  const c = at(report.result('pg_cron'), 'idle');
  return [
    'idle (-t 10; pg_cron: its launcher): statements / server time / CPU per minute',
    {
      ours: agent('ours'),
      upstream: agent('upstream'),
      pg_cron:
        n(at(c, 'statementsPerMinute'), 0) &&
        `${n(at(c, 'statementsPerMinute'), 0)} / ${n(at(c, 'serverMsPerMinute'), 2, ' ms')} / ${n(at(c, 'cpuPerMinute'), 3, ' s')}`,
    },
  ];
}

function restartRow(report: Report): [string, Record<Measured, Cell>] {
  const agent = (name: string): Cell => {
    const r = at(report.result('crash'), 'restartMidJob', name);
    if (!r || at(r, 'error')) return undefined;
    const alive =
      at(r, 'agentExit') === 'running'
        ? `back after ${n(at(r, 'reregisteredSeconds'), 1, ' s')}`
        : `exits (${at(r, 'agentExit')})`;
    return `${alive}; interrupted run '${at(r, 'interrupted', 'status')}'`;
  };
  const c = at(report.result('pg_cron'), 'restart');
  return [
    'PostgreSQL restart mid-job',
    {
      ours: agent('ours'),
      upstream: agent('upstream'),
      pg_cron:
        c === undefined
          ? undefined
          : `launcher back after ${n(at(c, 'launcherBackSeconds'), 1, ' s')}; interrupted run '${at(c, 'interrupted', 'status')}'`,
    },
  ];
}

/** Prints the table and returns its rows (for the JSON summary). */
export function sideBySide(report: Report): Array<{ row: string } & Partial<Record<Measured, string>>> {
  const pickup = (name: string): Cell =>
    n(at(report.result('pickup'), 'default poll', name, 'scheduled', 'median'), 3, ' s');
  const rows: Array<[string, Record<Measured, Cell>]> = [
    [
      'scheduled pickup (start - due minute), default poll: median',
      {
        ours: pickup('ours'),
        upstream: pickup('upstream'),
        pg_cron: n(at(report.result('pg_cron'), 'scheduledPickup', 'median'), 3, ' s'),
      },
    ],
    burstRow(report, 100),
    burstRow(report, 1000),
    idleRow(report),
    restartRow(report),
  ];
  const kept = rows.filter(([, cells]) => MEASURED.some((m) => cells[m] !== undefined));
  if (!kept.length) return [];
  report.line(`side by side (${MEASURED.join(' | ')}):`);
  for (const [row, cells] of kept)
    report.line(`  ${row}: ${MEASURED.map((m) => cells[m] ?? '-').join(' | ')}`);
  const l = report.result('limit');
  const best = n(at(l, 'best'), 0);
  const fraction = n((at(l, 'fraction') as number) * 100, 0, '%');
  if (best)
    report.line(
      `  the limit (pgbench, one run's bookkeeping): ${best} runs/s; ours, 1,000 x SELECT 1: ${n(at(l, 'oursRunsPerSecond'), 0)} runs/s = ${fraction ?? '-'} of it`,
    );
  return kept.map(([row, cells]) => ({
    row,
    ...Object.fromEntries(MEASURED.filter((m) => cells[m]).map((m) => [m, cells[m]])),
  }));
}
