-- Retry state of a job whose last run failed with retries left: the attempt its next run is,
-- and when that retry is due (NULL once the retry run has started). No row: attempt 1.
CREATE TABLE pgagent.pga_jobretry (
    jrjobid   int4        NOT NULL PRIMARY KEY REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jrattempt int4        NOT NULL CHECK (jrattempt > 1),
    jrat      timestamptz NULL
);
COMMENT ON TABLE pgagent.pga_jobretry IS 'Jobs retrying after a failed run: the next attempt and when it is due';
