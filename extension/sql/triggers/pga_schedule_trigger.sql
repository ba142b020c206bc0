-- Any schedule change resets the owning job's jobnextrun, which pga_job_trigger recomputes.
CREATE OR REPLACE FUNCTION pgagent.pga_schedule_trigger() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE pgagent.pga_job SET jobnextrun = NULL WHERE jobenabled AND jobid = OLD.jscjobid;
        RETURN OLD;
    END IF;
    UPDATE pgagent.pga_job SET jobnextrun = NULL WHERE jobenabled AND jobid = NEW.jscjobid;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_schedule_trigger() IS 'Update the job''s next run time whenever a schedule changes';

CREATE TRIGGER pga_schedule_trigger AFTER INSERT OR UPDATE OR DELETE ON pgagent.pga_schedule
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_schedule_trigger();
COMMENT ON TRIGGER pga_schedule_trigger ON pgagent.pga_schedule IS 'Update the job''s next run time whenever a schedule changes';
