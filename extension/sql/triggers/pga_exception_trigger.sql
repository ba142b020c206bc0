-- Any exception change resets the owning job's jobnextrun, which pga_job_trigger recomputes.
CREATE OR REPLACE FUNCTION pgagent.pga_exception_trigger() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    schedule_id int4 := CASE WHEN TG_OP = 'DELETE' THEN OLD.jexscid ELSE NEW.jexscid END;
BEGIN
    UPDATE pgagent.pga_job SET jobnextrun = NULL
     WHERE jobenabled
       AND jobid = (SELECT jscjobid FROM pgagent.pga_schedule WHERE jscid = schedule_id);
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION pgagent.pga_exception_trigger() IS 'Update the job''s next run time whenever an exception changes';

CREATE TRIGGER pga_exception_trigger AFTER INSERT OR UPDATE OR DELETE ON pgagent.pga_exception
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_exception_trigger();
COMMENT ON TRIGGER pga_exception_trigger ON pgagent.pga_exception IS 'Update the job''s next run time whenever an exception changes';
