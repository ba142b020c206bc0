-- Stop requests (pgagent.stop), one per run: kept in a table as well as sent as a NOTIFY, so
-- an agent whose connection was down when it was asked finds it when it is back.
CREATE TABLE pgagent.pga_jobstop (
    jspjlgid     int4        NOT NULL PRIMARY KEY REFERENCES pgagent.pga_joblog (jlgid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jsprequested timestamptz NOT NULL DEFAULT now(),
    jspby        text        NOT NULL
);
COMMENT ON TABLE pgagent.pga_jobstop IS 'Requests to stop a running job: the run, when and who asked';
