// The agent: wires the service connection, the poll loop, the runs and the step runners
// together, and shuts down gracefully on SIGTERM/SIGINT: stop claiming, give running jobs the
// grace period, cancel what is left (recorded aborted, 'd'), deregister, exit 0. A second
// signal cancels the running jobs at once.
import { EXIT_FATAL, EXIT_OK } from './args';
import { ConnParams, parseConninfo } from './connection';
import { runJob, TAKEN_OVER } from './job-runner';
import { Logger } from './logger';
import { pollDb, PollLoop } from './loop';
import { AgentOptions } from './options';
import { describeError } from './pg-errors';
import { TargetPools } from './pools';
import { Runs } from './runs';
import { ServiceConnection } from './service';
import { ConfigError } from './service-problems';
import { batchStepRunner } from './steps/batch-step';
import { sqlStepRunner } from './steps/sql-step';

const SHUTDOWN_REASON = 'the agent is shutting down';

export async function runAgent(options: AgentOptions, logger: Logger): Promise<number> {
  let params: ConnParams;
  try {
    params = parseConninfo(options.conninfo);
  } catch (e) {
    logger.error(`invalid connection string: ${describeError(e)}`);
    return EXIT_FATAL;
  }

  const runs = new Runs();
  const service = new ServiceConnection(
    { params, station: options.hostname, pollSeconds: options.pollSeconds, retrySeconds: options.retrySeconds },
    { runningJobs: () => runs.jobIds(), jobsLost: (ids) => runs.abort(TAKEN_OVER, ids), jobsChanged: () => loop.wake() },
    logger,
  );
  const pools = new TargetPools(params, () => service.server, options.maxJobs, logger);
  const steps = { s: sqlStepRunner(pools), b: batchStepRunner };
  const loop = new PollLoop(
    { station: options.hostname, pollSeconds: options.pollSeconds, maxJobs: options.maxJobs },
    {
      db: pollDb(service),
      logger,
      running: () => runs.size,
      startRun: (job) => runs.start(job.jobid, (signal) => runJob(job, { service, steps, logger }, signal), () => loop.wake()),
    },
  );

  const stop = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    if (!stop.signal.aborted) {
      logger.warn(`received ${sig}: stopping; running jobs get ${options.shutdownGraceSeconds} s to finish`);
      stop.abort();
      loop.stop();
    } else {
      logger.warn(`received ${sig} again: cancelling running jobs now`);
      runs.abort(SHUTDOWN_REASON);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    if (!(await service.start(stop.signal))) return EXIT_OK;
    logger.warn(`pgagent started: agent pid ${service.agentPid}, station "${options.hostname}", polling every ${options.pollSeconds} s, up to ${options.maxJobs} jobs at once`);
    await loop.run();
    await finishRuns(runs, options, logger);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    logger.error(e.message);
    return EXIT_FATAL;
  } finally {
    await service.close();
    await pools.close();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    logger.debug('pgagent stopped');
  }
}

/** Waits the grace period for running jobs, then cancels them and waits for their results to be written. */
async function finishRuns(runs: Runs, options: AgentOptions, logger: Logger): Promise<void> {
  if (!runs.size) return;
  logger.warn(`waiting up to ${options.shutdownGraceSeconds} s for ${runs.size} running job(s)`);
  if (await runs.settled(options.shutdownGraceSeconds * 1000)) return;
  logger.warn(`cancelling ${runs.size} running job(s): ${runs.jobIds().join(', ')}`);
  runs.abort(SHUTDOWN_REASON);
  // Cancelled steps stop within seconds; their results may wait for one reconnect.
  if (!(await runs.settled((options.retrySeconds + 15) * 1000))) {
    logger.error(`job(s) ${runs.jobIds().join(', ')} could not be recorded aborted: the database is not reachable`);
  }
}
