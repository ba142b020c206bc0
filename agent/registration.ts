// Registering a new service connection's backend pid in pga_jobagent, in one transaction. A
// row already holding that pid is a dead agent's (the server reused the pid) and is swept like
// any other. After a reconnect, our previous row is locked first, so no other agent's sweep
// can clear it meanwhile (the sweep skips locked rows; while our lease runs it does not take us
// for dead anyway); then the jobs we still run move to the new pid and the old row goes. If
// another agent swept it before we got here, those runs are already recorded aborted and their
// jobs released: they are lost to us, and their results must not be written.
import {
  backendPid,
  lockPreviousAgent,
  registerAgent,
  sweepDeadAgents,
  SweptAgent,
  takeOverJobs,
} from './sql/agents';
import { Db } from './sql/db';

export interface RegisterRequest {
  station: string;
  /** The lease to promise; null on a schema without leases. */
  leaseSeconds: number | null;
  /** Our pid before the reconnect; null at start. */
  previous: number | null;
  /** The jobs we are running (to keep across the reconnect). */
  running: number[];
}

export interface Registration {
  pid: number;
  /** Running jobs moved to the new pid. */
  kept: number[];
  /** Running jobs another agent's sweep took from us. */
  lost: number[];
  swept: SweptAgent[];
}

export async function register(db: Db, req: RegisterRequest): Promise<Registration> {
  const { previous, running } = req;
  const lease = req.leaseSeconds !== null;
  await db.query('BEGIN');
  try {
    const pid = await backendPid(db);
    const ours = previous !== null && (await lockPreviousAgent(db, previous));
    let swept: SweptAgent[] = [];
    if (pid !== previous || !ours) {
      swept = await sweepDeadAgents(db, lease, [pid], ours ? [previous] : []);
      await registerAgent(db, req.station, req.leaseSeconds);
    }
    const kept = ours ? await takeOverJobs(db, previous, running, pid !== previous) : [];
    await db.query('COMMIT');
    return { pid, kept, lost: running.filter((j) => !kept.includes(j)), swept };
  } catch (e) {
    await db.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
