-- One row per live agent, keyed by the backend pid of its service connection, so that
-- any agent can tell a dead one by its pid missing from pg_stat_activity.
CREATE TABLE pgagent.pga_jobagent (
    jagpid       int4        NOT NULL PRIMARY KEY,
    jaglogintime timestamptz NOT NULL DEFAULT current_timestamp,
    jagstation   text        NOT NULL
);
COMMENT ON TABLE pgagent.pga_jobagent IS 'Active job agents';
