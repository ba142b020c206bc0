// 5. Multi-agent: three agents on one database and a burst of due jobs with an INSERT step;
// every job must run exactly once (pga_joblog rows per job, and rows its step wrote).
import { AgentKind, AgentName } from '../agents';
import { BenchContext, Scenario } from '../context';
import { BurstConfig, repeatBursts } from '../drain';
import { STEPS } from '../jobs';

function configs(ctx: BenchContext): BurstConfig[] {
  const kind = (n: AgentName): AgentKind | undefined => ctx.agents.find((k) => k.name === n);
  const mixes: AgentName[][] = [
    ['ours', 'ours', 'ours'],
    ['ours', 'ours', 'upstream'],
    ['upstream', 'upstream', 'upstream'], // the reference: what pgAgent alone does
  ];
  return mixes
    .filter((mix) => mix.every((n) => kind(n)))
    .map((mix) => ({ name: mix.join('+'), kinds: mix.map((n) => kind(n) as AgentKind) }));
}

export const multi: Scenario = {
  name: 'multi',
  async run(ctx) {
    const jobs = ctx.opts.quick ? 200 : 500;
    ctx.report.line(
      `multi-agent (3 agents on one database, ${jobs} jobs due at once, INSERT step; every job must have exactly one log row)`,
    );
    return repeatBursts(ctx, { label: `${jobs} jobs`, jobs, step: STEPS.insert }, configs(ctx), [
      'ours+ours+ours',
      'upstream+upstream+upstream',
    ]);
  },
};
