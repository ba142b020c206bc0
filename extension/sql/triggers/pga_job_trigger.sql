-- The agent ends a run, and pgAdmin any edit, by setting jobnextrun NULL: that is the
-- signal to recompute it from the job's enabled schedules. "Run now" sets it to now()
-- and is kept as given.
CREATE OR REPLACE FUNCTION pgagent.pga_job_trigger() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT NEW.jobenabled THEN
        NEW.jobnextrun := NULL;
    ELSIF NEW.jobnextrun IS NULL THEN
        SELECT min(pgagent.pga_next_schedule(jscid, jscstart, jscend, jscminutes, jschours,
                                             jscweekdays, jscmonthdays, jscmonths))
          INTO NEW.jobnextrun
          FROM pgagent.pga_schedule
         WHERE jscenabled AND jscjobid = NEW.jobid;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_trigger() IS 'Update the job''s next run time.';

CREATE TRIGGER pga_job_trigger BEFORE UPDATE ON pgagent.pga_job
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_job_trigger();
COMMENT ON TRIGGER pga_job_trigger ON pgagent.pga_job IS 'Update the job''s next run time.';
