-- A schedule may name its own time zone (an IANA name such as 'Europe/Berlin'); NULL reads it
-- in the database's schedule zone (pgagent.pga_timezone) as before. pgAdmin never writes the
-- column, so its statements keep working and its schedules keep the database's zone.
ALTER TABLE pgagent.pga_schedule ADD COLUMN jsctimezone text NULL;
COMMENT ON COLUMN pgagent.pga_schedule.jsctimezone IS 'Time zone in which the schedule is read; NULL = the database''s pgagent.timezone';

-- An unknown zone is refused when it is set, not when the job trigger next reads it. The name
-- is stored as PostgreSQL spells it, so every reader compares equal names. No EXCEPTION
-- block: pgAdmin finds its new rows by xmin (see docs), which a subtransaction would change.
CREATE FUNCTION pgagent.pga_schedule_timezone_check() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    known text;
BEGIN
    SELECT name INTO known
      FROM pg_catalog.pg_timezone_names
     WHERE lower(name) = lower(NEW.jsctimezone)
     ORDER BY name = NEW.jsctimezone DESC
     LIMIT 1;
    IF known IS NULL THEN
        RAISE EXCEPTION 'unknown time zone "%"', NEW.jsctimezone
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use an IANA zone name such as Europe/Berlin (SELECT name FROM pg_timezone_names), or NULL for the database''s zone.';
    END IF;
    NEW.jsctimezone := known;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_schedule_timezone_check() IS 'Refuse a schedule time zone that is not a known zone name.';

CREATE TRIGGER pga_schedule_timezone BEFORE INSERT OR UPDATE OF jsctimezone ON pgagent.pga_schedule
    FOR EACH ROW WHEN (NEW.jsctimezone IS NOT NULL) EXECUTE PROCEDURE pgagent.pga_schedule_timezone_check();
COMMENT ON TRIGGER pga_schedule_timezone ON pgagent.pga_schedule IS 'Refuse a schedule time zone that is not a known zone name.';
