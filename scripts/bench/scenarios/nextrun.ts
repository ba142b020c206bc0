// 7. Next-run function: the benchmark of pgagent.pga_next_schedule lives with the next-run work
// (scripts/bench-nextrun.ts); its summary is included here.
import { benchNextRun } from '../../bench-nextrun';
import { Scenario } from '../context';

export const nextrun: Scenario = {
  name: 'nextrun',
  async run(ctx) {
    const summary = await benchNextRun(ctx.bench.cluster);
    ctx.report.line(
      `next-run function (pga_next_schedule, ours vs pgAgent 4.2.2's, from scripts/bench-nextrun.ts):`,
    );
    ctx.report.line(`  ${JSON.stringify(summary)}`);
    return summary;
  },
};
