// Which agents can be benchmarked: each is started once on a probe database and must register.
// An agent that cannot (not built yet, missing libraries, failing at start-up) is reported as
// unavailable and left out of every scenario, instead of failing the whole bench.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { AgentKind, AgentName, OURS_CLI, oursAgent, upstreamAgent } from './agents';
import { BenchContext } from './context';
import { withSession } from './session';

export interface Candidate {
  kind: AgentKind | undefined;
  name: AgentName;
  /** Why it cannot run, known before probing. */
  missing?: string;
  version?: string;
}

function version(file: string, args: string[]): string | undefined {
  try {
    const out = execFileSync(file, args, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out
      .split('\n')
      .find((l) => /\d+\.\d+/.test(l))
      ?.trim();
  } catch {
    return undefined;
  }
}

export function candidates(upstreamBin: string | undefined): Candidate[] {
  const ours: Candidate = fs.existsSync(OURS_CLI)
    ? { name: 'ours', kind: oursAgent(OURS_CLI), version: version(process.execPath, [OURS_CLI, '--version']) }
    : { name: 'ours', kind: undefined, missing: `${OURS_CLI} is not built` };
  const upstream: Candidate =
    upstreamBin && fs.existsSync(upstreamBin)
      ? { name: 'upstream', kind: upstreamAgent(upstreamBin), version: version(upstreamBin, ['-v']) }
      : {
          name: 'upstream',
          kind: undefined,
          missing: `no upstream binary (${upstreamBin ?? 'set --upstream or PGAGENT_UPSTREAM_BIN'})`,
        };
  return [ours, upstream];
}

/** Fills ctx.agents and ctx.unavailable. */
export async function probeAgents(ctx: BenchContext, list: Candidate[]): Promise<void> {
  for (const c of list) {
    if (!c.kind) {
      ctx.unavailable.push({ name: c.name, reason: c.missing ?? 'unknown' });
      continue;
    }
    const kind = c.kind;
    try {
      await withSession(ctx, `probe_${c.name}`, (s) => s.start(kind));
      ctx.agents.push(kind);
    } catch (e) {
      ctx.unavailable.push({ name: c.name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
}
