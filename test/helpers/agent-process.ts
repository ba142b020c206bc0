// The built agent (dist/agent/cli.js) as a real process: started in the foreground with a short
// poll, its output captured, stopped with real signals. Every agent a test file starts is
// killed by stopAllAgents() (call it in afterAll) if the test did not stop it.
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as path from 'path';
import { waitFor } from './wait';

// PGAGENT_TEST_CLI runs the agent tests against another build (e.g. an older commit's, to see a
// new test fail there).
export const CLI = process.env.PGAGENT_TEST_CLI ?? path.resolve(__dirname, '..', '..', 'dist', 'agent', 'cli.js');

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class AgentProcess {
  private output = '';
  readonly exited: Promise<AgentExit>;

  constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Everything the agent has printed so far (its log goes to stdout). */
  get log(): string {
    return this.output;
  }

  /** Waits until the log matches re; fails with the log so far after timeoutMs. */
  async waitForLog(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    let match: RegExpMatchArray | null = null;
    await waitFor(async () => (match = this.output.match(re)) !== null, { timeoutMs, what: `agent log to match ${re}`, context: () => this.output });
    return match!;
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<AgentExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
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
