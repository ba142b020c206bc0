// The two agents under test behind one interface: start one with pgAgent's flags, stop it
// (SIGTERM), or kill -9 it, and read its resource use from /proc.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { countChildren, ProcSnapshot, readProc } from './procstats';
import { sleep } from '../../test/helpers/wait';

export type AgentName = 'ours' | 'upstream';

/** pgAgent's command-line flags the scenarios vary; unset means the agent's own default. */
export interface AgentFlags {
  poll?: number; // -t
  retry?: number; // -r
}

export interface AgentKind {
  name: AgentName;
  start(conninfo: string, flags: AgentFlags, logPath: string): AgentProcess;
}

/** Agents still running, so an interrupted bench can kill them all on its way out. */
const live = new Set<AgentProcess>();

export function killLiveAgents(): void {
  for (const a of live) a.signal('SIGKILL');
}

export class AgentProcess {
  readonly pid: number;
  private exitCode: number | null | undefined; // undefined while running
  /** Date.now() when it exited. */
  exitedAt: number | undefined;
  private readonly exited: Promise<void>;

  constructor(readonly kind: AgentName, private readonly child: ChildProcess, readonly logPath: string) {
    if (child.pid === undefined) throw new Error(`${kind}: the agent did not start`);
    this.pid = child.pid;
    live.add(this);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        this.exitedAt = Date.now();
        live.delete(this);
        resolve();
      }),
    );
  }

  signal(sig: NodeJS.Signals): void {
    if (this.exitCode === undefined) this.child.kill(sig);
  }

  /** undefined while running; the exit code (-1 for a signal) once it has exited. */
  get exit(): number | null | undefined {
    return this.exitCode;
  }

  proc(): ProcSnapshot | undefined {
    return readProc(this.pid);
  }

  children(): number {
    return countChildren(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.signal('SIGTERM');
    if (await this.waitExit(graceMs)) return;
    await this.kill9();
  }

  async kill9(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** True if the process exited within ms. */
  async waitExit(ms: number): Promise<boolean> {
    await Promise.race([this.exited, sleep(ms)]);
    return this.exitCode !== undefined;
  }

  log(): string {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }
}

function launch(kind: AgentName, file: string, args: string[], logPath: string): AgentProcess {
  const fd = fs.openSync(logPath, 'a');
  try {
    const child = spawn(file, args, { stdio: ['ignore', fd, fd], cwd: '/' });
    child.on('error', () => undefined); // surfaces as an exit / failed registration
    return new AgentProcess(kind, child, logPath);
  } finally {
    fs.closeSync(fd);
  }
}

function pgagentArgs(conninfo: string, flags: AgentFlags): string[] {
  // -l 1: warnings and errors, what the crash drills quote; debug output would cost CPU.
  const args = ['-f', '-l', '1'];
  if (flags.poll !== undefined) args.push('-t', String(flags.poll));
  if (flags.retry !== undefined) args.push('-r', String(flags.retry));
  return [...args, conninfo];
}

export function oursAgent(cliPath: string): AgentKind {
  return {
    name: 'ours',
    start: (conninfo, flags, logPath) =>
      launch('ours', process.execPath, [cliPath, ...pgagentArgs(conninfo, flags)], logPath),
  };
}

export function upstreamAgent(binPath: string): AgentKind {
  return {
    name: 'upstream',
    start: (conninfo, flags, logPath) => launch('upstream', binPath, pgagentArgs(conninfo, flags), logPath),
  };
}

export const OURS_CLI = path.resolve(__dirname, '..', '..', 'agent', 'cli.js');
