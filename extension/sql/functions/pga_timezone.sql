-- The time zone in which schedules are read (their minutes, hours, days and months are wall
-- clock there): the database's pgagent.timezone setting
--     ALTER DATABASE mydb SET pgagent.timezone = 'Europe/Berlin';
-- else the database's own TimeZone setting (ALTER DATABASE mydb SET timezone = ...), else
-- the server's configured zone. It is read from the catalog, not from the session, so every
-- session (pgAdmin's, the agent's, psql with another TimeZone) gets the same next runs, and
-- a change applies at once without reconnecting. The server's TimeZone setting is per session
-- too; log_timezone is not (only postgresql.conf sets it), and initdb writes the same zone
-- into both.
-- A pgagent.timezone that is not a known zone name gives a WARNING and the fallback, never
-- an error: this runs inside the job trigger. Checking a name costs a scan of
-- pg_timezone_names, so the answer is remembered for the session.
CREATE OR REPLACE FUNCTION pgagent.pga_timezone() RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    settings text[];
    setting text;
    custom text;
    fallback text;
BEGIN
    SELECT setconfig INTO settings FROM pg_catalog.pg_db_role_setting
     WHERE setrole = 0
       AND setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());
    FOREACH setting IN ARRAY coalesce(settings, '{}') LOOP
        IF lower(setting) LIKE 'pgagent.timezone=%' THEN
            custom := substr(setting, length('pgagent.timezone=') + 1);
        ELSIF lower(setting) LIKE 'timezone=%' THEN
            fallback := substr(setting, length('timezone=') + 1);
        END IF;
    END LOOP;
    fallback := coalesce(fallback, current_setting('log_timezone'));
    IF custom IS NULL OR custom = current_setting('pgagent.valid_timezone', true) THEN
        RETURN coalesce(custom, fallback);
    END IF;
    IF custom IS DISTINCT FROM current_setting('pgagent.invalid_timezone', true) THEN
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE lower(name) = lower(custom)) THEN
            PERFORM set_config('pgagent.valid_timezone', custom, false);
            RETURN custom;
        END IF;
        PERFORM set_config('pgagent.invalid_timezone', custom, false);
    END IF;
    RAISE WARNING 'pgagent.timezone "%" is not a known time zone name; schedules use "%" instead', custom, fallback;
    RETURN fallback;
END
$$;
COMMENT ON FUNCTION pgagent.pga_timezone() IS 'The time zone in which schedules are read (the database''s pgagent.timezone setting)';
