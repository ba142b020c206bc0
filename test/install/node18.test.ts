// The built agent on Node 18: on 18.20.4 (Debian 12's own nodejs) and on 18.0.0 (the oldest
// release package.json's engines admit), each a binary from the npm registry (scripts/node18.sh),
// it runs an SQL and a batch step on the scratch cluster, picks up "Run now" and shuts down
// cleanly.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AgentProcess } from '../helpers/agent-process';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { createJob, runNow } from '../helpers/jobs';
import { waitForRuns } from '../helpers/runs';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'agent', 'cli.js');

describe.each(['18.20.4', '18.0.0'])('Node %s', (version) => {
  let node: string;
  let db: TestDatabase;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    node = execFileSync('bash', ['scripts/node18.sh', version], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    db = await createTestDatabase();
  }, 300_000);

  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await db?.drop();
  });

  test('the binary is that release', () => {
    expect(execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${version}`);
  });

  test('the agent prints its version', () => {
    expect(execFileSync(node, [CLI, '--version'], { encoding: 'utf8' })).toMatch(/^pgagent \d+\.\d+\.\d+ /);
  });

  test('the agent runs a job with an SQL and a batch step, then stops on SIGTERM', async () => {
    await db.query('CREATE TABLE public.ran (at timestamptz)');
    agent = new AgentProcess(
      spawn(node, [CLI, '-f', '-t', '1', '-l', '2', db.conninfo], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    await agent.waitForLog(/pgagent started/);
    const jobid = await createJob(db, {
      steps: [
        { code: 'INSERT INTO public.ran VALUES (now())' },
        { kind: 'b', code: '#!/bin/sh\necho "batch ok"\n' },
      ],
    });
    await runNow(db, jobid);
    const [run] = await waitForRuns(db, jobid);
    expect(run.jlgstatus).toBe('s');
    expect(run.steps).toMatchObject([
      { jslstatus: 's', jslresult: 1 },
      { jslstatus: 's', jslresult: 0, jsloutput: expect.stringContaining('batch ok') },
    ]);
    expect(await db.query('SELECT * FROM public.ran')).toHaveLength(1);
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(agent.log).not.toMatch(/TypeError|is not a function/);
  });
});

// The runs above reach only some code paths; these APIs, newer than Node 18.0, must not appear
// anywhere in the agent.
const NEWER_THAN_NODE_18: [string, RegExp][] = [
  ['AbortSignal.any (18.17, 20.3)', /\bAbortSignal\.any\b/],
  ['change-by-copy array methods (20)', /\.(toSorted|toReversed|toSpliced)\(/],
  ['Object.groupBy / Map.groupBy (21)', /\b(Object|Map)\.groupBy\b/],
  ['Promise.withResolvers (22)', /\bPromise\.withResolvers\b/],
  ['String well-formedness (20)', /\.(isWellFormed|toWellFormed)\(/],
  ['Array.fromAsync (22)', /\bArray\.fromAsync\b/],
  ['import.meta.dirname (20.11)', /import\.meta\.(dirname|filename)/],
  ['recursive readdir (20.1)', /readdir(Sync)?\([^)]*recursive/],
  ['events.addAbortListener (20.5)', /\baddAbortListener\b/],
  ['util.styleText (20.12)', /\bstyleText\b/],
  ['process.loadEnvFile (20.12)', /\bloadEnvFile\b/],
];

test('the agent uses no API newer than Node 18.0', () => {
  const agentDir = path.join(ROOT, 'agent');
  const sources = (fs.readdirSync(agentDir, { recursive: true }) as string[]).filter((f) =>
    f.endsWith('.ts'),
  );
  expect(sources.length).toBeGreaterThan(10);
  const found = sources.flatMap((f) => {
    const code = fs.readFileSync(path.join(agentDir, f), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
    return NEWER_THAN_NODE_18.filter(([, re]) => re.test(code)).map(([what]) => `${f}: ${what}`);
  });
  expect(found).toEqual([]);
});
