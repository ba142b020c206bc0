// What a sweep of dead agents (the poll's or the registration's) reports.
import { Logger } from './logger';
import { SweptAgent } from './sql/agents';

export function reportSwept(logger: Logger, swept: SweptAgent[]): void {
  for (const r of swept) {
    const ended = r.backends ? `, ${r.backends} backend(s) ended` : '';
    logger.warn(
      `cleared dead agent pid ${r.pid} on station "${r.station}": ${r.runs} running job(s) recorded aborted, ${r.jobs} job(s) released${ended}`,
    );
  }
}
