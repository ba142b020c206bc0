CREATE TABLE pgagent.pga_joblog (
    jlgid       serial      NOT NULL PRIMARY KEY,
    jlgjobid    int4        NOT NULL REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jlgstatus   char        NOT NULL DEFAULT 'r' CHECK (jlgstatus IN ('r', 's', 'f', 'i', 'd')),
    jlgstart    timestamptz NOT NULL DEFAULT current_timestamp,
    jlgduration interval    NULL
);
CREATE INDEX pga_joblog_jobid ON pgagent.pga_joblog (jlgjobid);
COMMENT ON TABLE pgagent.pga_joblog IS 'Job run logs.';
COMMENT ON COLUMN pgagent.pga_joblog.jlgstatus IS 'Status of job: r=running, s=successfully finished, f=failed, i=no steps to execute, d=aborted';
