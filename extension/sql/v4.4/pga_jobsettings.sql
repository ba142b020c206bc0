-- Job control settings (issue 12), one optional row per job: a job without a row (every job
-- pgAdmin or pgAgent 4.2 makes) behaves exactly as with pgAgent. NULL means the default that
-- pga_job_settings() applies, so the defaults live in one place. A side table rather than
-- columns of pga_job: pgAdmin's statements on pga_job stay as they are, and setting a job's
-- limits never rewrites its pga_job row.
CREATE TABLE pgagent.pga_jobsettings (
    jsjobid         int4        NOT NULL PRIMARY KEY REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jstimeout       interval    NULL CHECK (jstimeout > '0'),
    jssteptimeout   interval    NULL CHECK (jssteptimeout > '0'),
    jsmaxretries    int4        NULL CHECK (jsmaxretries >= 0),
    jsretrydelay    interval    NULL CHECK (jsretrydelay > '0'),
    jsretrymaxdelay interval    NULL CHECK (jsretrymaxdelay > '0'),
    jsretryjitter   float8      NULL CHECK (jsretryjitter >= 0 AND jsretryjitter < 1),
    jsmisfire       text        NULL CHECK (jsmisfire IN ('run_once', 'skip')),
    jsmisfiregrace  interval    NULL CHECK (jsmisfiregrace >= '0')
);
COMMENT ON TABLE pgagent.pga_jobsettings IS 'Job control settings (timeouts, retries, misfire policy); NULL or no row: the default';
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobsettings', '');
