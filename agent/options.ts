// The agent's settings, as parsed from the command line (cli.ts) and used by main.ts.
export type LogLevel = 0 | 1 | 2; // pgAgent's: 0 error, 1 warning, 2 debug
export type LogFormat = 'text' | 'json';

export interface AgentOptions {
  /** The service connection string: libpq keyword=value or a postgres:// URI. */
  conninfo: string;
  foreground: boolean;
  /** -t: seconds between polls when nothing is due sooner. */
  pollSeconds: number;
  /** -r: seconds between reconnect attempts after the service connection is lost (>= 10). */
  retrySeconds: number;
  /** -s: log file; undefined = stdout. */
  logFile?: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Jobs run at once; due jobs beyond this stay unclaimed for other agents. */
  maxJobs: number;
  /** Station name for jobhostagent routing and pga_jobagent.jagstation. */
  hostname: string;
  /** Seconds running jobs get to finish after SIGTERM/SIGINT before they are cancelled. */
  shutdownGraceSeconds: number;
  /** --no-batch: batch steps are not run, each recorded failed with the reason. */
  noBatch: boolean;
  /** --pidfile: the running agent's pid goes there (absolute path). */
  pidFile?: string;
  /** --http [ADDR:]PORT: health and metrics endpoint; off when undefined. */
  http?: { host: string; port: number };
  /** --notify-webhook: POST ended runs' JSON here. */
  notifyWebhook?: URL;
  /** --notify-command: pipe ended runs' JSON into this shell command. */
  notifyCommand?: string;
  /** --notify-on: which ended runs to notify of. */
  notifyOn: 'failures' | 'all';
  /** --history-interval: seconds between applications of pgagent.history_retention. */
  historyIntervalSeconds: number;
}
