// What the job control tests share: settings through pgagent.alter_job, a schedule that fires
// once an hour far from now (so retries and time limits are never overtaken by it), the
// schedule's own next slot, and whether a process group or a step's backend is still there.
import { JobDb } from '../helpers/jobs';

/** pgagent.alter_job with named settings, e.g. { step_timeout: '2 s', max_retries: 2 }. */
export async function alterJob(
  db: JobDb,
  jobid: number,
  settings: Record<string, string | number>,
): Promise<void> {
  const names = Object.keys(settings);
  const args = names.map((n, i) => `${n} => $${i + 2}`).join(', ');
  await db.query(`SELECT pgagent.alter_job($1, ${args})`, [jobid, ...names.map((n) => settings[n])]);
}

/** Adds a schedule firing at one minute of every hour, 30 minutes from now. */
export async function hourlyFarFromNow(db: JobDb, jobid: number): Promise<void> {
  await db.query(
    `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscminutes)
     SELECT $1, 'hourly', array_agg(m = (extract(minute FROM now())::int + 30) % 60 ORDER BY m) FROM generate_series(0, 59) m`,
    [jobid],
  );
}

/** The next slot of the job's schedules, as the extension computes it now. */
export async function scheduledSlot(db: JobDb, jobid: number): Promise<Date> {
  const [row] = await db.query<{ slot: Date }>(
    `SELECT min(pgagent.pga_next_schedule(jscid, jscstart, jscend, jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths)) AS slot
       FROM pgagent.pga_schedule WHERE jscjobid = $1 AND jscenabled`,
    [jobid],
  );
  return row.slot;
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Backends (other than the asking one) whose query text contains marker. */
export async function backendsRunning(db: JobDb, marker: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%' || $1 || '%'",
    [marker],
  );
  return row.n;
}
