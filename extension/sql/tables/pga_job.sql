-- jobagentid is non-null while an agent runs the job; jobnextrun is computed by pga_job_trigger.
CREATE TABLE pgagent.pga_job (
    jobid        serial      NOT NULL PRIMARY KEY,
    jobjclid     int4        NOT NULL REFERENCES pgagent.pga_jobclass (jclid) ON DELETE RESTRICT ON UPDATE RESTRICT,
    jobname      text        NOT NULL,
    jobdesc      text        NOT NULL DEFAULT '',
    jobhostagent text        NOT NULL DEFAULT '',
    jobenabled   bool        NOT NULL DEFAULT true,
    jobcreated   timestamptz NOT NULL DEFAULT current_timestamp,
    jobchanged   timestamptz NOT NULL DEFAULT current_timestamp,
    jobagentid   int4        NULL REFERENCES pgagent.pga_jobagent (jagpid) ON DELETE SET NULL ON UPDATE RESTRICT,
    jobnextrun   timestamptz NULL,
    joblastrun   timestamptz NULL
);
COMMENT ON TABLE pgagent.pga_job IS 'Job main entry';
COMMENT ON COLUMN pgagent.pga_job.jobagentid IS 'Agent that currently executes this job.';
