// The installed catalog against the compatibility contract: 4.2 must be pgAgent 4.2's objects
// (the facts of upstream's pgagent--4.2.sql, written below as PostgreSQL 15 reports them),
// 4.3 the same with its documented changes.
import { Client } from 'pg';
import { catalogLines, CatalogSection } from '../helpers/catalog';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { boolArray, insertJob, insertRun, insertStep, TABLES } from '../helpers/catalog-rows';
import { outcome } from '../helpers/outcome';
import { serverMajor } from '../helpers/versions';

const falses = (n: number): string => `'${boolArray(n)}'::boolean[]`;
const NOW = 'DEFAULT CURRENT_TIMESTAMP';
const BUILTIN_CLASSES = ['Routine Maintenance', 'Data Import', 'Data Export', 'Data Summarisation', 'Miscellaneous'];
const SEQUENCES = [
  'pga_exception_jexid_seq', 'pga_job_jobid_seq', 'pga_jobclass_jclid_seq', 'pga_joblog_jlgid_seq',
  'pga_jobstep_jstid_seq', 'pga_jobsteplog_jslid_seq', 'pga_schedule_jscid_seq',
];
const TRIGGER_COMMENT = {
  job: "Update the job's next run time.",
  schedule: "Update the job's next run time whenever a schedule changes",
  exception: "Update the job's next run time whenever an exception changes",
};
const NEXT_SCHEDULE =
  'pgagent.pga_next_schedule(integer,timestamp with time zone,timestamp with time zone,boolean[],boolean[],boolean[],boolean[],boolean[])';

const sorted = (lines: string[]): string[] => [...lines].sort();

type Expected = Partial<Record<CatalogSection, string[]>>;

const FUNCTIONS = [
  'pgagent.pga_exception_trigger() returns trigger',
  'pgagent.pga_is_leap_year(smallint) returns boolean',
  'pgagent.pga_job_trigger() returns trigger',
  `${NEXT_SCHEDULE} returns timestamp with time zone`,
  'pgagent.pga_schedule_trigger() returns trigger',
  'pgagent.pgagent_schema_version() returns smallint',
];

const V42: Expected = {
  extension: ['pgagent 4.2 schema=pgagent relocatable=false'],
  columns: [
    "pga_exception.jexid integer NOT NULL DEFAULT nextval('pgagent.pga_exception_jexid_seq'::regclass)",
    'pga_exception.jexscid integer NOT NULL',
    'pga_exception.jexdate date',
    'pga_exception.jextime time without time zone',
    "pga_job.jobid integer NOT NULL DEFAULT nextval('pgagent.pga_job_jobid_seq'::regclass)",
    'pga_job.jobjclid integer NOT NULL',
    'pga_job.jobname text NOT NULL',
    "pga_job.jobdesc text NOT NULL DEFAULT ''::text",
    "pga_job.jobhostagent text NOT NULL DEFAULT ''::text",
    'pga_job.jobenabled boolean NOT NULL DEFAULT true',
    `pga_job.jobcreated timestamp with time zone NOT NULL ${NOW}`,
    `pga_job.jobchanged timestamp with time zone NOT NULL ${NOW}`,
    'pga_job.jobagentid integer',
    'pga_job.jobnextrun timestamp with time zone',
    'pga_job.joblastrun timestamp with time zone',
    'pga_jobagent.jagpid integer NOT NULL',
    `pga_jobagent.jaglogintime timestamp with time zone NOT NULL ${NOW}`,
    'pga_jobagent.jagstation text NOT NULL',
    "pga_jobclass.jclid integer NOT NULL DEFAULT nextval('pgagent.pga_jobclass_jclid_seq'::regclass)",
    'pga_jobclass.jclname text NOT NULL',
    "pga_joblog.jlgid integer NOT NULL DEFAULT nextval('pgagent.pga_joblog_jlgid_seq'::regclass)",
    'pga_joblog.jlgjobid integer NOT NULL',
    "pga_joblog.jlgstatus character(1) NOT NULL DEFAULT 'r'::bpchar",
    `pga_joblog.jlgstart timestamp with time zone NOT NULL ${NOW}`,
    'pga_joblog.jlgduration interval',
    "pga_jobstep.jstid integer NOT NULL DEFAULT nextval('pgagent.pga_jobstep_jstid_seq'::regclass)",
    'pga_jobstep.jstjobid integer NOT NULL',
    'pga_jobstep.jstname text NOT NULL',
    "pga_jobstep.jstdesc text NOT NULL DEFAULT ''::text",
    'pga_jobstep.jstenabled boolean NOT NULL DEFAULT true',
    'pga_jobstep.jstkind character(1) NOT NULL',
    'pga_jobstep.jstcode text NOT NULL',
    "pga_jobstep.jstconnstr text NOT NULL DEFAULT ''::text",
    "pga_jobstep.jstdbname name NOT NULL DEFAULT ''::name",
    "pga_jobstep.jstonerror character(1) NOT NULL DEFAULT 'f'::bpchar",
    'pga_jobstep.jscnextrun timestamp with time zone',
    "pga_jobsteplog.jslid integer NOT NULL DEFAULT nextval('pgagent.pga_jobsteplog_jslid_seq'::regclass)",
    'pga_jobsteplog.jsljlgid integer NOT NULL',
    'pga_jobsteplog.jsljstid integer NOT NULL',
    "pga_jobsteplog.jslstatus character(1) NOT NULL DEFAULT 'r'::bpchar",
    'pga_jobsteplog.jslresult integer',
    `pga_jobsteplog.jslstart timestamp with time zone NOT NULL ${NOW}`,
    'pga_jobsteplog.jslduration interval',
    'pga_jobsteplog.jsloutput text',
    "pga_schedule.jscid integer NOT NULL DEFAULT nextval('pgagent.pga_schedule_jscid_seq'::regclass)",
    'pga_schedule.jscjobid integer NOT NULL',
    'pga_schedule.jscname text NOT NULL',
    "pga_schedule.jscdesc text NOT NULL DEFAULT ''::text",
    'pga_schedule.jscenabled boolean NOT NULL DEFAULT true',
    `pga_schedule.jscstart timestamp with time zone NOT NULL ${NOW}`,
    'pga_schedule.jscend timestamp with time zone',
    `pga_schedule.jscminutes boolean[] NOT NULL DEFAULT ${falses(60)}`,
    `pga_schedule.jschours boolean[] NOT NULL DEFAULT ${falses(24)}`,
    `pga_schedule.jscweekdays boolean[] NOT NULL DEFAULT ${falses(7)}`,
    `pga_schedule.jscmonthdays boolean[] NOT NULL DEFAULT ${falses(32)}`,
    `pga_schedule.jscmonths boolean[] NOT NULL DEFAULT ${falses(12)}`,
  ],
  constraints: [
    'pgagent.pga_exception pga_exception_jexscid_fkey FOREIGN KEY (jexscid) REFERENCES pgagent.pga_schedule(jscid) ON UPDATE RESTRICT ON DELETE CASCADE',
    'pgagent.pga_exception pga_exception_pkey PRIMARY KEY (jexid)',
    'pgagent.pga_job pga_job_jobagentid_fkey FOREIGN KEY (jobagentid) REFERENCES pgagent.pga_jobagent(jagpid) ON UPDATE RESTRICT ON DELETE SET NULL',
    'pgagent.pga_job pga_job_jobjclid_fkey FOREIGN KEY (jobjclid) REFERENCES pgagent.pga_jobclass(jclid) ON UPDATE RESTRICT ON DELETE RESTRICT',
    'pgagent.pga_job pga_job_pkey PRIMARY KEY (jobid)',
    'pgagent.pga_jobagent pga_jobagent_pkey PRIMARY KEY (jagpid)',
    'pgagent.pga_jobclass pga_jobclass_pkey PRIMARY KEY (jclid)',
    'pgagent.pga_joblog pga_joblog_jlgjobid_fkey FOREIGN KEY (jlgjobid) REFERENCES pgagent.pga_job(jobid) ON UPDATE RESTRICT ON DELETE CASCADE',
    "pgagent.pga_joblog pga_joblog_jlgstatus_check CHECK ((jlgstatus = ANY (ARRAY['r'::bpchar, 's'::bpchar, 'f'::bpchar, 'i'::bpchar, 'd'::bpchar])))",
    'pgagent.pga_joblog pga_joblog_pkey PRIMARY KEY (jlgid)',
    "pgagent.pga_jobstep pga_jobstep_check CHECK ((((jstconnstr <> ''::text) AND (jstkind = 's'::bpchar)) OR ((jstconnstr = ''::text) AND ((jstkind = 'b'::bpchar) OR (jstdbname <> ''::name)))))",
    "pgagent.pga_jobstep pga_jobstep_check1 CHECK ((((jstdbname <> ''::name) AND (jstkind = 's'::bpchar)) OR ((jstdbname = ''::name) AND ((jstkind = 'b'::bpchar) OR (jstconnstr <> ''::text)))))",
    'pgagent.pga_jobstep pga_jobstep_jstjobid_fkey FOREIGN KEY (jstjobid) REFERENCES pgagent.pga_job(jobid) ON UPDATE RESTRICT ON DELETE CASCADE',
    "pgagent.pga_jobstep pga_jobstep_jstkind_check CHECK ((jstkind = ANY (ARRAY['b'::bpchar, 's'::bpchar])))",
    "pgagent.pga_jobstep pga_jobstep_jstonerror_check CHECK ((jstonerror = ANY (ARRAY['f'::bpchar, 's'::bpchar, 'i'::bpchar])))",
    'pgagent.pga_jobstep pga_jobstep_pkey PRIMARY KEY (jstid)',
    'pgagent.pga_jobsteplog pga_jobsteplog_jsljlgid_fkey FOREIGN KEY (jsljlgid) REFERENCES pgagent.pga_joblog(jlgid) ON UPDATE RESTRICT ON DELETE CASCADE',
    'pgagent.pga_jobsteplog pga_jobsteplog_jsljstid_fkey FOREIGN KEY (jsljstid) REFERENCES pgagent.pga_jobstep(jstid) ON UPDATE RESTRICT ON DELETE CASCADE',
    "pgagent.pga_jobsteplog pga_jobsteplog_jslstatus_check CHECK ((jslstatus = ANY (ARRAY['r'::bpchar, 's'::bpchar, 'i'::bpchar, 'f'::bpchar, 'd'::bpchar])))",
    'pgagent.pga_jobsteplog pga_jobsteplog_pkey PRIMARY KEY (jslid)',
    'pgagent.pga_schedule pga_schedule_jschours_size CHECK ((array_upper(jschours, 1) = 24))',
    'pgagent.pga_schedule pga_schedule_jscjobid_fkey FOREIGN KEY (jscjobid) REFERENCES pgagent.pga_job(jobid) ON UPDATE RESTRICT ON DELETE CASCADE',
    'pgagent.pga_schedule pga_schedule_jscminutes_size CHECK ((array_upper(jscminutes, 1) = 60))',
    'pgagent.pga_schedule pga_schedule_jscmonthdays_size CHECK ((array_upper(jscmonthdays, 1) = 32))',
    'pgagent.pga_schedule pga_schedule_jscmonths_size CHECK ((array_upper(jscmonths, 1) = 12))',
    'pgagent.pga_schedule pga_schedule_jscweekdays_size CHECK ((array_upper(jscweekdays, 1) = 7))',
    'pgagent.pga_schedule pga_schedule_pkey PRIMARY KEY (jscid)',
  ],
  indexes: sorted([
    'CREATE UNIQUE INDEX pga_exception_datetime ON pgagent.pga_exception USING btree (jexdate, jextime)',
    'CREATE INDEX pga_exception_jexscid ON pgagent.pga_exception USING btree (jexscid)',
    'CREATE UNIQUE INDEX pga_exception_pkey ON pgagent.pga_exception USING btree (jexid)',
    'CREATE UNIQUE INDEX pga_job_pkey ON pgagent.pga_job USING btree (jobid)',
    'CREATE UNIQUE INDEX pga_jobagent_pkey ON pgagent.pga_jobagent USING btree (jagpid)',
    'CREATE UNIQUE INDEX pga_jobclass_name ON pgagent.pga_jobclass USING btree (jclname)',
    'CREATE UNIQUE INDEX pga_jobclass_pkey ON pgagent.pga_jobclass USING btree (jclid)',
    'CREATE INDEX pga_joblog_jobid ON pgagent.pga_joblog USING btree (jlgjobid)',
    'CREATE UNIQUE INDEX pga_joblog_pkey ON pgagent.pga_joblog USING btree (jlgid)',
    'CREATE INDEX pga_jobschedule_jobid ON pgagent.pga_schedule USING btree (jscjobid)',
    'CREATE INDEX pga_jobstep_jobid ON pgagent.pga_jobstep USING btree (jstjobid)',
    'CREATE UNIQUE INDEX pga_jobstep_pkey ON pgagent.pga_jobstep USING btree (jstid)',
    'CREATE INDEX pga_jobsteplog_jslid ON pgagent.pga_jobsteplog USING btree (jsljlgid)',
    'CREATE UNIQUE INDEX pga_jobsteplog_pkey ON pgagent.pga_jobsteplog USING btree (jslid)',
    'CREATE UNIQUE INDEX pga_schedule_pkey ON pgagent.pga_schedule USING btree (jscid)',
  ]),
  sequences: SEQUENCES.map((s) => {
    const [, table, column] = /^(pga_[a-z]+)_([a-z]+)_seq$/.exec(s)!;
    return `pgagent.${s} integer start=1 increment=1 owned by pgagent.${table}.${column}`;
  }),
  functions: FUNCTIONS,
  members: sorted([
    ...FUNCTIONS.map((f) => `function ${f.replace(/ returns .*/, '')}`),
    ...SEQUENCES.map((s) => `sequence pgagent.${s}`),
    ...TABLES.map((t) => `table pgagent.${t}`),
  ]),
  triggers: [
    'CREATE TRIGGER pga_exception_trigger AFTER INSERT OR DELETE OR UPDATE ON pgagent.pga_exception FOR EACH ROW EXECUTE FUNCTION pgagent.pga_exception_trigger() enabled=O',
    'CREATE TRIGGER pga_job_trigger BEFORE UPDATE ON pgagent.pga_job FOR EACH ROW EXECUTE FUNCTION pgagent.pga_job_trigger() enabled=O',
    'CREATE TRIGGER pga_schedule_trigger AFTER INSERT OR DELETE OR UPDATE ON pgagent.pga_schedule FOR EACH ROW EXECUTE FUNCTION pgagent.pga_schedule_trigger() enabled=O',
  ],
  comments: [
    'column jlgstatus of table pgagent.pga_joblog: Status of job: r=running, s=successfully finished, f=failed, i=no steps to execute, d=aborted',
    'column jobagentid of table pgagent.pga_job: Agent that currently executes this job.',
    'column jslresult of table pgagent.pga_jobsteplog: Return code of job step',
    'column jslstatus of table pgagent.pga_jobsteplog: Status of job step: r=running, s=successfully finished,  f=failed stopping job, i=ignored failure, d=aborted',
    'column jstkind of table pgagent.pga_jobstep: Kind of jobstep: s=sql, b=batch',
    'column jstonerror of table pgagent.pga_jobstep: What to do if step returns an error: f=fail the job, s=mark step as succeeded and continue, i=mark as fail but ignore it and proceed',
    'extension pgagent: A PostgreSQL job scheduler',
    `function pgagent.pga_exception_trigger(): ${TRIGGER_COMMENT.exception}`,
    'function pgagent.pga_is_leap_year(smallint): Returns TRUE if $1 is a leap year',
    `function pgagent.pga_job_trigger(): ${TRIGGER_COMMENT.job}`,
    `function ${NEXT_SCHEDULE}: Calculates the next runtime for a given schedule`,
    `function pgagent.pga_schedule_trigger(): ${TRIGGER_COMMENT.schedule}`,
    'schema pgagent: pgAgent system tables',
    'table pgagent.pga_job: Job main entry',
    'table pgagent.pga_jobagent: Active job agents',
    'table pgagent.pga_jobclass: Job classification',
    'table pgagent.pga_joblog: Job run logs.',
    'table pgagent.pga_jobstep: Job step to be executed',
    'table pgagent.pga_jobsteplog: Job step run logs.',
    // Upstream's slip: pga_exception's comment lands on pga_schedule.
    'table pgagent.pga_schedule: Job schedule exceptions',
    `trigger pga_exception_trigger on table pgagent.pga_exception: ${TRIGGER_COMMENT.exception}`,
    `trigger pga_job_trigger on table pgagent.pga_job: ${TRIGGER_COMMENT.job}`,
    `trigger pga_schedule_trigger on table pgagent.pga_schedule: ${TRIGGER_COMMENT.schedule}`,
  ],
  configDump: [
    'pgagent.pga_exception', 'pgagent.pga_job', 'pgagent.pga_jobagent',
    `pgagent.pga_jobclass WHERE jclname NOT IN (${BUILTIN_CLASSES.map((c) => `'${c}'`).join(', ')})`,
    'pgagent.pga_joblog', 'pgagent.pga_jobstep', 'pgagent.pga_jobsteplog', 'pgagent.pga_schedule',
  ],
  jobClasses: BUILTIN_CLASSES.map((c, i) => `${i + 1} ${c}`),
};

const replace = (lines: string[], from: string, to: string): string[] => lines.map((l) => (l === from ? to : l));

// 4.3: per-schedule exception uniqueness, the new indexes, the comment on the right table,
// the id sequences marked for pg_dump and the guard against claiming a job that is not due.
const V43: Expected = {
  ...V42,
  extension: ['pgagent 4.3 schema=pgagent relocatable=false'],
  indexes: sorted([
    ...replace(
      V42.indexes!,
      'CREATE UNIQUE INDEX pga_exception_datetime ON pgagent.pga_exception USING btree (jexdate, jextime)',
      'CREATE UNIQUE INDEX pga_exception_datetime ON pgagent.pga_exception USING btree (jexscid, jexdate, jextime)',
    ),
    'CREATE INDEX pga_job_agentid ON pgagent.pga_job USING btree (jobagentid) WHERE (jobagentid IS NOT NULL)',
    'CREATE INDEX pga_job_due ON pgagent.pga_job USING btree (jobnextrun) WHERE (jobenabled AND (jobagentid IS NULL))',
    'CREATE INDEX pga_job_jobjclid ON pgagent.pga_job USING btree (jobjclid)',
    "CREATE INDEX pga_joblog_running ON pgagent.pga_joblog USING btree (jlgjobid) WHERE (jlgstatus = 'r'::bpchar)",
    'CREATE INDEX pga_jobsteplog_jsljstid ON pgagent.pga_jobsteplog USING btree (jsljstid)',
    "CREATE INDEX pga_jobsteplog_running ON pgagent.pga_jobsteplog USING btree (jsljlgid) WHERE (jslstatus = 'r'::bpchar)",
  ]),
  comments: sorted([
    ...replace(V42.comments!, 'table pgagent.pga_schedule: Job schedule exceptions', 'table pgagent.pga_schedule: Schedule for a job'),
    'table pgagent.pga_exception: Job schedule exceptions',
  ]),
  configDump: sorted([...V42.configDump!, ...SEQUENCES.map((s) => `pgagent.${s}`)]),
  triggers: sorted([
    ...V42.triggers!,
    'CREATE TRIGGER pga_job_claim_guard BEFORE UPDATE OF jobagentid ON pgagent.pga_job FOR EACH ROW EXECUTE FUNCTION pgagent.pga_job_claim_guard() enabled=O',
    'CREATE TRIGGER pga_job_notify AFTER INSERT OR UPDATE ON pgagent.pga_job FOR EACH ROW WHEN ((new.jobenabled AND (new.jobagentid IS NULL) AND (new.jobnextrun IS NOT NULL))) EXECUTE FUNCTION pgagent.pga_job_notify() enabled=O',
  ]),
};

// Newer majors report more of the same objects: 17 lists the tables' row types as extension
// members, 18 also has NOT NULL constraints in pg_constraint (named table_column_not_null).
function asReportedBy(major: number, expected: Expected): Expected {
  const notNull = expected.columns!.flatMap((c) => {
    const [, table, column] = /^(\w+)\.(\w+) .* NOT NULL/.exec(c) ?? [];
    return table ? [`pgagent.${table} ${table}_${column}_not_null NOT NULL ${column}`] : [];
  });
  const rowTypes = TABLES.flatMap((t) => [`type pgagent.${t}`, `type pgagent.${t}[]`]);
  return {
    ...expected,
    constraints: major >= 18 ? sorted([...expected.constraints!, ...notNull]) : expected.constraints,
    members: major >= 17 ? sorted([...expected.members!, ...rowTypes]) : expected.members,
  };
}
const MAJOR = serverMajor();

// 4.3 may add functions (the next-run work does); the contract's must be there unchanged.
const MAY_GROW_IN_43: CatalogSection[] = ['functions', 'members', 'comments'];

describe.each([
  ['4.2', asReportedBy(MAJOR, V42)],
  ['4.3', asReportedBy(MAJOR, V43)],
])('pgagent %s catalog', (version, expected) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ extension: version });
  });
  afterAll(() => db?.drop());

  test.each(Object.keys(expected) as CatalogSection[])('%s', async (section) => {
    const actual = await catalogLines(db, section);
    if (version !== '4.2' && MAY_GROW_IN_43.includes(section)) {
      expect(actual).toEqual(expect.arrayContaining(expected[section]!));
    } else {
      expect(actual).toEqual(expected[section]);
    }
  });

  test('pgagent_schema_version() is 4 (an int2)', async () => {
    expect(await db.query("SELECT pgagent.pgagent_schema_version() AS v, pg_typeof(pgagent.pgagent_schema_version())::text AS t"))
      .toEqual([{ v: 4, t: 'smallint' }]);
  });

  test("pgAdmin's probes find pgAgent", async () => {
    // pgAdmin shows its pgAgent node only if pga_job exists with these privileges and the schema
    // is usable; it then asks whether steps have jstconnstr (remote-database steps).
    const [probe] = await db.query(`
      SELECT has_table_privilege('pgagent.pga_job', 'INSERT, SELECT, UPDATE') AS has_privilege,
             has_schema_privilege('pgagent', 'USAGE') AS has_usage,
             EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE c.relname = 'pga_job' AND n.nspname = 'pgagent') AS has_job_table,
             EXISTS (SELECT 1 FROM information_schema.columns
                      WHERE table_schema = 'pgagent' AND table_name = 'pga_jobstep'
                        AND column_name = 'jstconnstr') AS has_connstr`);
    expect(probe).toEqual({ has_privilege: true, has_usage: true, has_job_table: true, has_connstr: true });
  });

  describe('checks, behaviourally', () => {
    let client: Client;
    let jobid: number;
    beforeAll(async () => {
      client = await db.connect();
      jobid = await insertJob(client);
    });
    afterAll(() => client?.end());

    const step = (kind: string, dbname: string, connstr: string, onerror = 'f'): Promise<string> =>
      outcome(
        client,
        `INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname, jstconnstr, jstonerror)
         VALUES ($1, 's', $2, 'SELECT 1', $3, $4, $5)`,
        [jobid, kind, dbname, connstr, onerror],
      );

    test('an SQL step names a database or a connection string; a batch step neither', async () => {
      expect(await step('s', 'postgres', '')).toBe('ok');
      expect(await step('s', '', 'host=elsewhere dbname=x')).toBe('ok');
      expect(await step('b', '', '')).toBe('ok');
      // pgAgent 4.2's two checks each allow an SQL step with both set (pgAdmin never writes
      // that); 4.2 keeps them as they are, so this is accepted.
      expect(await step('s', 'postgres', 'host=elsewhere dbname=x')).toBe('ok');
      expect(await step('s', '', '')).toMatch(/^23514 pga_jobstep_check1?$/);
      expect(await step('b', 'postgres', '')).toMatch(/^23514 pga_jobstep_check1?$/);
      expect(await step('b', '', 'host=elsewhere')).toMatch(/^23514 pga_jobstep_check1?$/);
    });

    test('step kind and on-error action are single letters from their sets', async () => {
      expect(await step('x', '', '')).toMatch(/^23514 /);
      expect(await step('s', 'postgres', '', 'x')).toBe('23514 pga_jobstep_jstonerror_check');
      expect(await step('s', 'postgres', '', 'i')).toBe('ok');
      expect(await step('s', 'postgres', '', 'ss')).toBe('22001'); // character(1): too long
    });

    test.each([
      ['jscminutes', 60],
      ['jschours', 24],
      ['jscweekdays', 7],
      ['jscmonthdays', 32],
      ['jscmonths', 12],
    ])('%s must have exactly %i entries', async (column, size) => {
      const withSize = (n: number): Promise<string> =>
        outcome(client, `INSERT INTO pgagent.pga_schedule (jscjobid, jscname, ${column}) VALUES ($1, 'x', $2::boolean[])`, [
          jobid,
          boolArray(n),
        ]);
      expect(await withSize(size)).toBe('ok');
      expect(await withSize(size - 1)).toBe(`23514 pga_schedule_${column}_size`);
      expect(await withSize(size + 1)).toBe(`23514 pga_schedule_${column}_size`);
    });

    test('log statuses are from their sets', async () => {
      const jstid = await insertStep(client, jobid);
      const jlgid = await insertRun(client, jobid, jstid);
      for (const status of ['r', 's', 'f', 'i', 'd']) {
        expect(await outcome(client, 'UPDATE pgagent.pga_joblog SET jlgstatus = $1 WHERE jlgid = $2', [status, jlgid])).toBe('ok');
        expect(await outcome(client, 'UPDATE pgagent.pga_jobsteplog SET jslstatus = $1 WHERE jsljlgid = $2', [status, jlgid])).toBe('ok');
      }
      expect(await outcome(client, 'UPDATE pgagent.pga_joblog SET jlgstatus = $1 WHERE jlgid = $2', ['x', jlgid]))
        .toBe('23514 pga_joblog_jlgstatus_check');
      expect(await outcome(client, 'UPDATE pgagent.pga_jobsteplog SET jslstatus = $1 WHERE jsljlgid = $2', ['x', jlgid]))
        .toBe('23514 pga_jobsteplog_jslstatus_check');
    });
  });
});

test('every shipped version requires plpgsql, lives in schema pgagent and is not relocatable', async () => {
  const db = await createTestDatabase({ extension: false });
  try {
    const rows = await db.query<{ version: string; line: string }>(`
      SELECT version, format('schema=%s relocatable=%s requires=%s superuser=%s', schema, relocatable::text, requires, superuser::text) AS line
        FROM pg_available_extension_versions WHERE name = 'pgagent'`);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const r of rows) expect(r.line).toBe('schema=pgagent relocatable=false requires={plpgsql} superuser=false');
  } finally {
    await db.drop();
  }
});
