-- Runs not run because of the misfire policy 'skip': the slot missed, when that was decided
-- and why. Kept apart from pga_joblog, whose statuses pgAdmin shows as runs.
CREATE TABLE pgagent.pga_jobskip (
    jskid     serial      NOT NULL PRIMARY KEY,
    jskjobid  int4        NOT NULL REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jskslot   timestamptz NOT NULL,
    jskat     timestamptz NOT NULL DEFAULT now(),
    jskreason text        NOT NULL
);
CREATE INDEX pga_jobskip_jobid ON pgagent.pga_jobskip (jskjobid);
COMMENT ON TABLE pgagent.pga_jobskip IS 'Missed runs skipped by the misfire policy, with the reason';
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobskip', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobskip_jskid_seq', '');
