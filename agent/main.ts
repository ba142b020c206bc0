// The agent: wires the service connection, the poll loop, the runs and the step runners
// together, and shuts down gracefully on SIGTERM/SIGINT: stop claiming, give running jobs the
// grace period, cancel what is left (recorded aborted, 'd'), deregister, exit 0. A second
// signal cancels the running jobs at once.
import { EXIT_FATAL, EXIT_OK } from './args';
import { OnStartup } from './daemon';
import { AgentEvents } from './events';
import { runJob } from './job-runner';
import { Logger } from './logger';
import { ConnectionFailure, ConnParams } from './libpq';
import { pollDb, PollLoop } from './loop';
import { Operations, startOperations } from './operations';
import { AgentOptions } from './options';
import { describeError } from './pg-errors';
import { TargetPools } from './pools';
import { Runs } from './runs';
import { ServiceConnection, ServiceDown } from './service';
import { ShutdownSignals } from './shutdown-signals';
import { ConfigError } from './service-problems';
import { NO_LIMITS, stopRequests } from './sql/job-control';
import { ClaimedRuns } from './sql/claimed-runs';
import { runStore, Submit } from './sql/runs';
import { LOST, SHUTDOWN } from './status';
import { batchStepRunner, refusedBatchStep } from './steps/batch-step';
import { removeStaleStepDirs } from './steps/step-dirs';
import { sqlStepRunner } from './steps/sql-step';

/**
 * params: options.conninfo as parsed (cli.ts checked it). onStartup hears once how the start
 * went: registered, retrying after a database problem, or failed (see daemon.ts).
 */
export async function runAgent(
  options: AgentOptions,
  params: ConnParams,
  logger: Logger,
  onStartup: OnStartup = () => {},
  shutdown: ShutdownSignals = new ShutdownSignals(),
): Promise<number> {
  const runs = new Runs();
  const events = new AgentEvents();
  let previousPid: number | null = null;
  const service = new ServiceConnection(
    {
      params,
      station: options.hostname,
      pollSeconds: options.pollSeconds,
      retrySeconds: options.retrySeconds,
    },
    {
      runningJobs: () => runs.jobIds(),
      jobsLost: (ids) => runs.abort(LOST, ids),
      jobsChanged: () => loop.wake(),
      stopRequested: () => void stopRequestedRuns(),
      // The terminal gets libpq's text as psql prints it, hints on lines of their own.
      problem: (message, cause) =>
        onStartup({
          state: 'retrying',
          reason: cause instanceof ConnectionFailure ? cause.message : message,
        }),
      registered: (pid) => {
        events.emit('connectionRegained', { agentPid: pid, previousPid });
        previousPid = pid;
        // A stop asked for while the connection was down was not heard: it is in pga_jobstop.
        if (runs.size) void stopRequestedRuns();
      },
      connectionLost: (error) => events.emit('connectionLost', { error }),
      swept: (agents) => events.emit('swept', { agents }),
    },
    logger,
  );
  const pools = new TargetPools(params, () => service.server, options.maxJobs, logger);
  const steps = {
    s: sqlStepRunner(pools, () => service.databaseOid),
    b: options.noBatch ? refusedBatchStep : batchStepRunner(logger),
  };
  const submit: Submit = (sql, p) => service.submit(sql, p);
  const claimed = new ClaimedRuns();
  const runner = {
    store: runStore(submit, claimed),
    steps,
    logger,
    events,
    agentPid: () => service.agentPid,
    // Read by the claim on 4.4 schemas; none before (pgAgent's behaviour).
    limits: async (jobId: number) => claimed.limits(jobId) ?? NO_LIMITS,
  };
  /** Aborts the runs someone asked to stop (pgagent.stop); a failed look is logged, the next notice looks again. */
  const stopRequestedRuns = async (): Promise<void> => {
    if (!service.jobControl) return;
    try {
      for (const { jobid, by } of await stopRequests(submit, runs.jobIds())) {
        logger.warn(`job ${jobid}: stopping its run: stop requested by ${by}`, { job: jobid });
        runs.abort({ kind: 'stop', by }, [jobid]);
      }
    } catch (e) {
      if (!(e instanceof ServiceDown)) logger.error(`could not read the stop requests: ${describeError(e)}`);
    }
  };
  for (const dir of await removeStaleStepDirs())
    logger.warn(`removed the step directory ${dir} of an agent that is no longer running`);
  const loop = new PollLoop(
    { station: options.hostname, pollSeconds: options.pollSeconds, maxJobs: options.maxJobs },
    {
      db: pollDb(service, claimed),
      logger,
      running: () => runs.size,
      startRun: (job) => {
        events.emit('claimed', { jobs: [{ jobId: job.jobid, jobName: job.jobname, lateSeconds: job.late }] });
        runs.start(
          job.jobid,
          (signal) => runJob(job, runner, signal),
          () => loop.wake(),
        );
      },
      polled: () => ops.polled(),
    },
  );
  let looping = true;
  let ops: Operations;
  try {
    ops = await startOperations(options, {
      events,
      logger,
      submit: (sql, p) => service.submit(sql, p),
      running: () => runs.size,
      live: () => looping,
      notReadyReason: () => service.notReadyReason(),
    });
  } catch (e) {
    logger.error(`cannot serve --http ${options.http?.host}:${options.http?.port}: ${describeError(e)}`);
    onStartup({ state: 'failed', reason: `cannot serve --http: ${describeError(e)}` });
    return EXIT_FATAL;
  }

  shutdown.handle(
    (sig) => {
      logger.warn(`received ${sig}: stopping; running jobs get ${options.shutdownGraceSeconds} s to finish`);
      loop.stop();
    },
    (sig) => {
      logger.warn(`received ${sig} again: cancelling running jobs now`);
      runs.abort(SHUTDOWN);
    },
  );

  try {
    if (!(await service.start(shutdown.signal))) return EXIT_OK;
    onStartup({ state: 'registered', agentPid: service.agentPid as number });
    logger.warn(
      `pgagent started: agent pid ${service.agentPid}, station "${options.hostname}", polling every ${options.pollSeconds} s, up to ${options.maxJobs} jobs at once`,
    );
    await loop.run();
    looping = false;
    await finishRuns(runs, options, logger);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    logger.error(e.message);
    onStartup({ state: 'failed', reason: e.message });
    return EXIT_FATAL;
  } finally {
    await service.close();
    await ops.close();
    await pools.close();
    shutdown.close();
    logger.debug('pgagent stopped');
  }
}

/** Waits the grace period for running jobs, then cancels them and waits for their results to be written. */
async function finishRuns(runs: Runs, options: AgentOptions, logger: Logger): Promise<void> {
  if (!runs.size) return;
  logger.warn(`waiting up to ${options.shutdownGraceSeconds} s for ${runs.size} running job(s)`);
  if (await runs.settled(options.shutdownGraceSeconds * 1000)) return;
  logger.warn(`cancelling ${runs.size} running job(s): ${runs.jobIds().join(', ')}`);
  runs.abort(SHUTDOWN);
  // Cancelled steps stop within seconds; their results may wait for one reconnect.
  if (!(await runs.settled((options.retrySeconds + 15) * 1000))) {
    logger.error(
      `job(s) ${runs.jobIds().join(', ')} did not end within ${options.retrySeconds + 15} s of being cancelled: leaving them unrecorded`,
    );
  }
}
