-- The time zone in which schedules are read (their minutes, hours, days and months are wall
-- clock there): the database's pgagent.timezone setting
--     ALTER DATABASE mydb SET pgagent.timezone = 'Europe/Berlin';
-- else the database's own TimeZone setting (ALTER DATABASE mydb SET timezone = ...), else
-- the server's configured zone. It is read from the catalog, not from the session, so every
-- session (pgAdmin's, the agent's, psql with another TimeZone) gets the same next runs, and
-- a change applies at once without reconnecting. The server's TimeZone setting is per session
-- too; log_timezone is not (only postgresql.conf sets it), and initdb writes the same zone
-- into both. The settings are read here, and interpreted by pga_timezone_in (a name that is
-- not a time zone gives a WARNING and the fallback, never an error).
-- pga_next_schedule_after reads the same catalog row itself (with its exceptions check).
CREATE OR REPLACE FUNCTION pgagent.pga_timezone() RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN pgagent.pga_timezone_in((
        SELECT setconfig FROM pg_catalog.pg_db_role_setting
         WHERE setrole = 0
           AND setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())));
END
$$;
COMMENT ON FUNCTION pgagent.pga_timezone() IS 'The time zone in which schedules are read (the database''s pgagent.timezone setting)';
