// The built agent (dist/agent/cli.js) as a real process: started in the foreground with a short
// poll, its output captured, stopped with real signals. The bench's agents are AgentProcesses too. Every agent a test file starts is
// killed by stopAllAgents() (call it in afterAll) if the test did not stop it.
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { sleep, waitFor } from './wait';

// PGAGENT_TEST_CLI runs the agent tests against another build (e.g. an older commit's, to see a
// new test fail there).
export const CLI =
  process.env.PGAGENT_TEST_CLI ?? path.resolve(__dirname, '..', '..', 'dist', 'agent', 'cli.js');

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A running agent (ours or pgAgent 4.2's): its output captured from its pipes, or read from the
 * file it logs to (the bench's agents); its exit; stopped with real signals.
 */
export class AgentProcess {
  private output = '';
  readonly exited: Promise<AgentExit>;
  /** How and when (Date.now()) it exited; undefined while it runs. */
  exitStatus: (AgentExit & { at: number }) | undefined;

  constructor(
    private readonly child: ChildProcess,
    readonly logPath?: string,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal, at: Date.now() };
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Everything the agent has printed so far (its log goes to stdout, or to logPath). */
  get log(): string {
    if (this.logPath === undefined) return this.output;
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  /** Waits until the log matches re; fails with the log so far after timeoutMs. */
  async waitForLog(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    let match: RegExpMatchArray | null = null;
    await waitFor(async () => (match = this.log.match(re)) !== null, {
      timeoutMs,
      what: `agent log to match ${re}`,
      context: () => this.log,
    });
    return match!;
  }

  /** Sends a signal and waits for the exit; SIGKILL if it has not exited after graceMs (if given). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs?: number): Promise<AgentExit> {
    this.signal(signal);
    if (graceMs !== undefined && !(await this.waitExit(graceMs))) this.signal('SIGKILL');
    return this.exited;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exitStatus === undefined && this.child.exitCode === null && this.child.signalCode === null)
      this.child.kill(signal);
  }

  /** True if the process has exited within ms. */
  async waitExit(ms: number): Promise<boolean> {
    await Promise.race([this.exited, sleep(ms)]);
    return this.exitStatus !== undefined;
  }
}

const started: AgentProcess[] = [];

/** Starts `node dist/agent/cli.js -f -t 1 -l 2 [args] <conninfo>`; as another OS user with as.uid/gid. */
export function startAgent(
  conninfo: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  as: Pick<SpawnOptions, 'uid' | 'gid'> = {},
): AgentProcess {
  const child = spawn(process.execPath, [CLI, '-f', '-t', '1', '-l', '2', ...args, conninfo], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
  const agent = new AgentProcess(child);
  started.push(agent);
  return agent;
}

/** Kills every agent still running (SIGKILL): for afterAll. */
export async function stopAllAgents(): Promise<void> {
  await Promise.all(started.splice(0).map((a) => a.stop('SIGKILL')));
}
