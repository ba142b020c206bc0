// Setting up a new service connection before anyone uses it: the schema check, LISTEN (before
// the loop's first probe on it, so no later change goes unheard), and the registration in
// pga_jobagent with its report (the take-over of our running jobs after a reconnect).
import type { Client } from 'pg';
import { Logger } from './logger';
import { register } from './registration';
import { DatabaseProblem } from './service-problems';
import type { ServiceHooks, ServiceOptions } from './service-hooks';
import { SweptAgent } from './sql/agents';
import { clientDb } from './sql/db';
import { listenForJobChanges } from './sql/listen';
import { checkSchema, Schema } from './sql/schema';

export interface SessionContext {
  options: ServiceOptions;
  hooks: ServiceHooks;
  logger: Logger;
  /** The pid the agent was registered with before this connection (null at start). */
  previousPid: number | null;
  /** The schema checked, before the registration (its lease depends on it). */
  schemaFound(schema: Schema): void;
  /** The lease the agent promises (on the schema found). */
  leaseSeconds(): number | null;
  /** Registered with this pid, before the registration's reports. */
  registeredAs(pid: number): void;
  /** Dead agents the registration cleared. */
  swept(agents: SweptAgent[]): void;
}

/** Readies the connection; throws DatabaseProblem (or what the server throws) if it cannot serve. */
export async function setUpSession(client: Client, ctx: SessionContext): Promise<void> {
  const { options, hooks, logger, previousPid } = ctx;
  const dbLabel = options.params.dbname ? `database "${options.params.dbname}"` : 'the database';
  const schema = await checkSchema(clientDb(client), dbLabel);
  if ('problem' in schema) throw new DatabaseProblem(schema.problem);
  ctx.schemaFound(schema);
  await listenForJobChanges(
    client,
    () => hooks.jobsChanged(),
    () => hooks.stopRequested?.(),
  );
  const reg = await register(clientDb(client), {
    station: options.station,
    leaseSeconds: ctx.leaseSeconds(),
    previous: previousPid,
    running: previousPid === null ? [] : hooks.runningJobs(),
  });
  ctx.registeredAs(reg.pid);
  ctx.swept(reg.swept);
  if (previousPid === null)
    logger.debug(`registered as agent pid ${reg.pid} on station "${options.station}"`);
  else
    logger.warn(
      `registered again as agent pid ${reg.pid} (was ${previousPid}); kept ${reg.kept.length} running job(s)`,
    );
  if (reg.lost.length) {
    logger.error(
      `job(s) ${reg.lost.join(', ')} were recorded aborted by another agent while this agent was away; stopping them`,
    );
    hooks.jobsLost(reg.lost);
  }
  hooks.registered?.(reg.pid);
}
