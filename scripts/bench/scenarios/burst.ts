// 2. Burst: 100 and 1,000 one-step SQL jobs due at once, at max_connections = 100.
// 3. Batch burst: 100 jobs each running the shell step `echo hi`.
// Each agent runs alone on its own database, at its default poll.
import { BenchContext, Scenario } from '../context';
import { BurstConfig, BurstSpec, repeatBursts } from '../drain';
import { STEPS } from '../jobs';

function soloConfigs(ctx: BenchContext): BurstConfig[] {
  return ctx.agents.map((k) => ({ name: k.name, kinds: [k] }));
}

async function runSpecs(
  ctx: BenchContext,
  title: string,
  specs: BurstSpec[],
): Promise<Record<string, unknown>> {
  ctx.report.line(title);
  const out: Record<string, unknown> = {};
  for (const spec of specs)
    out[spec.label] = await repeatBursts(ctx, spec, soloConfigs(ctx), ['ours', 'upstream']);
  return out;
}

export const burst: Scenario = {
  name: 'burst',
  run: (ctx) =>
    runSpecs(
      ctx,
      `burst (jobs due at once, one SQL step each, max_connections 100; time from due to the end of the last run)`,
      [
        { label: '100 x SELECT 1', jobs: 100, step: STEPS.select },
        { label: '100 x INSERT', jobs: 100, step: STEPS.insert },
        ...(ctx.opts.quick
          ? []
          : [
              { label: '1000 x SELECT 1', jobs: 1000, step: STEPS.select },
              // About a minute per run for pgAgent: once, to keep the whole bench near 20 minutes.
              { label: '1000 x INSERT (1 rep)', jobs: 1000, step: STEPS.insert, maxReps: 1 },
            ]),
      ],
    ),
};

export const batch: Scenario = {
  name: 'batch',
  run: (ctx) =>
    runSpecs(ctx, `batch burst (jobs due at once, one shell step "echo hi" each)`, [
      { label: '100 x echo hi', jobs: 100, step: STEPS.echo },
    ]),
};
