// The embedded default: a scratch cluster in .scratch/pg with a `pgagent_demo` database, the
// extension and a demo job that runs every minute (and right away). Prints the connection
// string for the agent on its last line. `--stop` stops the cluster again.
import * as fs from 'fs';
import * as path from 'path';
import { Cluster, ClusterInfo, startCluster } from './cluster';

const BASE = path.resolve(__dirname, '..', '..', '.scratch', 'pg');
const INFO_FILE = path.join(BASE, 'cluster.json');
const DB = 'pgagent_demo';

const DEMO_JOB_SQL = `
CREATE TABLE IF NOT EXISTS public.demo_heartbeat (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text);
DO $$
DECLARE job int4;
BEGIN
  IF EXISTS (SELECT 1 FROM pgagent.pga_job WHERE jobname = 'demo: heartbeat') THEN
    UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobname = 'demo: heartbeat';
    RETURN;
  END IF;
  INSERT INTO pgagent.pga_job (jobjclid, jobname, jobdesc)
    SELECT jclid, 'demo: heartbeat', 'Created by scripts/demo.sh' FROM pgagent.pga_jobclass WHERE jclname = 'Miscellaneous'
    RETURNING jobid INTO job;
  INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstdbname, jstcode) VALUES
    (job, '1 insert a heartbeat row', 's', '${DB}', 'INSERT INTO public.demo_heartbeat (note) VALUES (md5(random()::text))');
  INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode) VALUES
    (job, '2 say hello', 'b', E'#!/bin/sh\\necho "hello from $(hostname) at $(date)"\\n');
  -- Every minute (all-false arrays mean "any").
  INSERT INTO pgagent.pga_schedule (jscjobid, jscname) VALUES (job, 'every minute');
  UPDATE pgagent.pga_job SET jobnextrun = now() WHERE jobid = job;
END $$;`;

async function main(): Promise<void> {
  if (process.argv.includes('--stop')) {
    if (fs.existsSync(INFO_FILE))
      Cluster.fromInfo(JSON.parse(fs.readFileSync(INFO_FILE, 'utf8'))).stop('fast');
    return;
  }
  fs.mkdirSync(BASE, { recursive: true });
  const previous: ClusterInfo | undefined = fs.existsSync(INFO_FILE)
    ? JSON.parse(fs.readFileSync(INFO_FILE, 'utf8'))
    : undefined;
  const cluster = await startCluster({ baseDir: BASE, port: previous?.port });
  fs.writeFileSync(INFO_FILE, JSON.stringify(cluster.info()));
  if (cluster.psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`).trim() !== '1') {
    cluster.psql(`CREATE DATABASE ${DB}`);
  }
  cluster.psql('CREATE EXTENSION IF NOT EXISTS pgagent', DB);
  cluster.psql(DEMO_JOB_SQL, DB);
  console.error(`demo: cluster in ${BASE}, database ${DB}; watch runs with:`);
  console.error(
    `  psql "${cluster.conninfo(DB)}" -c 'SELECT * FROM pgagent.pga_joblog ORDER BY jlgid DESC LIMIT 5'`,
  );
  console.log(cluster.conninfo(DB));
}

main().catch((e) => {
  console.error(`demo: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
