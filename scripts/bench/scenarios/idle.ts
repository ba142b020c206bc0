// 4. Idle: nothing due for a minute. Agent CPU, memory, and the statements it sends and the
// server time they cost (pg_stat_statements' execution and planning time, per agent by its
// login role; per poll: over the polls -t allows in the window). All agents idle side by side,
// each on its own database, at its default poll, at -t 10 (pgAgent's documented default) and at -t 1;
// and at -t 10 beside a second agent of its kind on the same database (figures of the first), as
// ours alone polls seldom and renews no lease (docs/reliability.md).
import { AgentFlags, AgentKind } from '../agents';
import { Scenario } from '../context';
import { Usage } from '../meter';
import { label, num, ratioLine } from '../report';
import { RunningAgent, withSessions } from '../session';
import { sleep } from '../../../test/helpers/wait';

interface Config {
  name: string;
  kind: AgentKind;
  flags: AgentFlags;
  /** A second agent of the same kind and flags runs on the same database. */
  peer?: boolean;
}

/** The agents' -t defaults: ours 10 s, pgAgent 4.2's 5 s (its source; its help says 10). */
const DEFAULT_POLL: Record<AgentKind['name'], number> = { ours: 10, upstream: 5 };

interface IdleResult extends Usage {
  seconds: number;
  statements: number;
  statementsPerMinute: number;
  /** Server time (execution and planning) of its statements, in the window and per poll. */
  serverMs: number;
  serverMsPerPoll: number;
  cpuPerMinute: number;
  rssMB: number;
  /** What it sent, most frequent first (JSON summary only). */
  topStatements: Array<{ query: string; calls: number }>;
}

export const idle: Scenario = {
  name: 'idle',
  async run(ctx) {
    const seconds = ctx.opts.quick ? 20 : 60;
    const configs: Config[] = ctx.agents.flatMap((kind) => [
      { name: `${kind.name}, default poll`, kind, flags: {} },
      { name: `${kind.name}, -t 10`, kind, flags: { poll: 10 } },
      { name: `${kind.name}, -t 1`, kind, flags: { poll: 1 } },
      { name: `${kind.name}, -t 10, 2 agents`, kind, flags: { poll: 10 }, peer: true },
    ]);
    ctx.report.line(
      `idle (one run of ${seconds} s, nothing due, agents side by side${ctx.opts.quick ? '' : ', from 65 s after start'}; statements from pg_stat_statements)`,
    );
    const results = await withSessions(
      ctx,
      configs.map((c) => `idle_${c.kind.name}_${c.flags.poll ?? 'default'}${c.peer ? '_pair' : ''}`),
      async (sessions) => {
        const agents: RunningAgent[] = [];
        for (const [i, c] of configs.entries()) {
          agents.push(await sessions[i].start(c.kind, c.flags));
          if (c.peer) await sessions[i].start(c.kind, c.flags);
        }
        // Past the agents' first minute: our agent's start-up (compiling, the collections that
        // follow it, retention's first pass at 60 s) costs it ~0.1 s CPU once, not per minute.
        await sleep(ctx.opts.quick ? 2_000 : 65_000);
        await ctx.bench.admin('SELECT pg_stat_statements_reset()');
        const meters = await Promise.all(sessions.map((s, i) => s.meter([agents[i]])));
        await sleep(seconds * 1000);
        const usage = await Promise.all(meters.map((m) => m.stop()));
        const calls = await ctx.bench.admin<{ role: string; query: string; calls: number; ms: number }>(
          `SELECT r.rolname AS role, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 200) AS query, s.calls::int AS calls,
                  (s.total_exec_time + s.total_plan_time)::float8 AS ms
             FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
            WHERE r.rolname = ANY($1) ORDER BY s.calls DESC`,
          [agents.map((a) => a.role)],
        );
        const out: Record<string, IdleResult> = {};
        for (const [i, c] of configs.entries()) {
          const mine = calls.filter((x) => x.role === agents[i].role);
          const statements = mine.reduce((sum, x) => sum + x.calls, 0);
          const serverMs = mine.reduce((sum, x) => sum + x.ms, 0);
          out[c.name] = {
            topStatements: mine.slice(0, 8).map(({ query, calls: n, ms }) => ({ query, calls: n, ms })),
            ...usage[i],
            seconds,
            statements,
            statementsPerMinute: (statements * 60) / seconds,
            serverMs,
            serverMsPerPoll: serverMs / (seconds / (c.flags.poll ?? DEFAULT_POLL[c.kind.name])),
            cpuPerMinute: (usage[i].cpuSelf * 60) / seconds,
            rssMB: agents[i].proc.proc()?.rssMB ?? NaN,
          };
        }
        return out;
      },
    );
    for (const [name, r] of Object.entries(results)) {
      ctx.report.line(
        `  ${label(name)} cpu ${num(r.cpuSelf)} s (${num(r.cpuPerMinute, 3)} s/min), rss ${num(r.rssMB, 1)} MB (peak ${num(r.peakRssMB, 1)}), ` +
          `${r.statements} statements (${num(r.statementsPerMinute, 1)}/min), server time ${num(r.serverMs, 2)} ms (${num(r.serverMsPerPoll, 3)} ms/poll), ` +
          `backends ${r.peakBackends}, threads ${r.peakThreads}`,
      );
    }
    for (const poll of ['default poll', '-t 10', '-t 1', '-t 10, 2 agents']) {
      const o = results[`ours, ${poll}`];
      const u = results[`upstream, ${poll}`];
      const line =
        o &&
        u &&
        ratioLine([
          [`${poll}: statements`, o.statements, u.statements],
          ['server ms/poll', o.serverMsPerPoll, u.serverMsPerPoll],
          ['cpu', o.cpuSelf, u.cpuSelf],
          ['rss', o.rssMB, u.rssMB],
        ]);
      if (line) ctx.report.line(line);
    }
    return results;
  },
};
