// The sweep of dead agents, as the poll and the registration run it, and what it reports.
import { Logger } from './logger';
import { Db } from './sql/db';
import { sweepDeadAgents, SweptAgent } from './sql/agents';

export function reportSwept(logger: Logger, swept: SweptAgent[]): void {
  for (const r of swept) {
    const ended = r.backends ? `, ${r.backends} backend(s) ended` : '';
    logger.warn(`cleared dead agent pid ${r.pid} on station "${r.station}": ${r.runs} running job(s) recorded aborted, ${r.jobs} job(s) released${ended}`);
  }
}

/** Clears dead agents and logs each; returns how many. */
export async function sweepAndReport(db: Db, lease: boolean, logger: Logger): Promise<number> {
  const swept = await sweepDeadAgents(db, lease);
  reportSwept(logger, swept);
  return swept.length;
}
