-- The time zone in which schedules are read, given the database's settings (its
-- pg_db_role_setting.setconfig, NULL for none): see pga_timezone(). Split from it so that
-- pga_next_schedule_after can read the settings in the same query as the exceptions.
-- A pgagent.timezone that is not a known zone name gives a WARNING and the fallback, never
-- an error: this runs inside the job trigger. Checking a name costs a scan of
-- pg_timezone_names, so the answer is remembered for the session.
CREATE OR REPLACE FUNCTION pgagent.pga_timezone_in(settings text[]) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    setting text;
    custom text;
    fallback text;
BEGIN
    FOREACH setting IN ARRAY coalesce(settings, '{}') LOOP
        IF lower(setting) LIKE 'pgagent.timezone=%' THEN
            custom := substr(setting, length('pgagent.timezone=') + 1);
        ELSIF lower(setting) LIKE 'timezone=%' THEN
            fallback := substr(setting, length('timezone=') + 1);
        END IF;
    END LOOP;
    IF custom IS NULL OR custom = current_setting('pgagent.valid_timezone', true) THEN
        RETURN coalesce(custom, fallback, current_setting('log_timezone'));
    END IF;
    fallback := coalesce(fallback, current_setting('log_timezone'));
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
COMMENT ON FUNCTION pgagent.pga_timezone_in(text[]) IS 'The time zone in which schedules are read, given the database''s settings';
