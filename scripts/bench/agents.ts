// The two agents under test behind one interface: start one with pgAgent's flags, stop it
// (SIGTERM), or kill -9 it, and read its resource use from /proc.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { countChildren, ProcSnapshot, readProc } from './procstats';
import { AgentExit, AgentProcess } from '../../test/helpers/agent-process';

export type AgentName = 'ours' | 'upstream';

/** pgAgent's command-line flags the scenarios vary; unset means the agent's own default. */
export interface AgentFlags {
  poll?: number; // -t
  retry?: number; // -r
}

export interface AgentKind {
  name: AgentName;
  start(conninfo: string, flags: AgentFlags, logPath: string): BenchAgent;
}

/** Agents still running, so an interrupted bench can kill them all on its way out. */
const live = new Set<BenchAgent>();

export function killLiveAgents(): void {
  for (const a of live) a.signal('SIGKILL');
}

/** A bench agent: which one it is, its resource use, and a stop that never hangs the bench. */
export class BenchAgent extends AgentProcess {
  constructor(
    readonly kind: AgentName,
    child: ChildProcess,
    logPath: string,
  ) {
    if (child.pid === undefined) throw new Error(`${kind}: the agent did not start`);
    super(child, logPath);
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  /** undefined while running; the exit code (-1 for a signal) once it has exited. */
  get exit(): number | null | undefined {
    const status = this.exitStatus;
    return status && (status.code ?? (status.signal ? -1 : null));
  }

  /** Date.now() when it exited. */
  get exitedAt(): number | undefined {
    return this.exitStatus?.at;
  }

  proc(): ProcSnapshot | undefined {
    return readProc(this.pid);
  }

  children(): number {
    return countChildren(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited after graceMs. */
  override stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<AgentExit> {
    return super.stop(signal, graceMs);
  }

  async kill9(): Promise<void> {
    await super.stop('SIGKILL');
  }
}

function launch(kind: AgentName, file: string, args: string[], logPath: string): BenchAgent {
  const fd = fs.openSync(logPath, 'a');
  try {
    const child = spawn(file, args, { stdio: ['ignore', fd, fd], cwd: '/' });
    child.on('error', () => undefined); // surfaces as an exit / failed registration
    return new BenchAgent(kind, child, logPath);
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

/** Our agent as built here, or another build (PGAGENT_BENCH_OURS, e.g. an older commit's, for before/after figures). */
export const OURS_CLI =
  process.env.PGAGENT_BENCH_OURS || path.resolve(__dirname, '..', '..', 'agent', 'cli.js');
