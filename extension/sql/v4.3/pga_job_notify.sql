-- Agents sleep until the next jobnextrun they know of, or a poll interval. A job made due
-- sooner ("Run now", a new or changed schedule, a job enabled again) would wait for the next
-- poll; this trigger tells listening agents (LISTEN pgagent_job) at once instead. The payload
-- is constant, so PostgreSQL delivers one notification per transaction however many rows it
-- touched. It changes no row. INSERT triggers cannot see OLD in WHEN, so WHEN keeps to rows
-- an agent could claim and the function asks whether they have just become so.
CREATE FUNCTION pgagent.pga_job_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF TG_OP = 'INSERT'
       OR (OLD.jobenabled, OLD.jobagentid, OLD.jobnextrun, OLD.jobhostagent)
          IS DISTINCT FROM (NEW.jobenabled, NEW.jobagentid, NEW.jobnextrun, NEW.jobhostagent) THEN
        PERFORM pg_notify('pgagent_job', '');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_notify() IS 'Tell listening agents that a job may be due sooner.';

CREATE TRIGGER pga_job_notify AFTER INSERT OR UPDATE ON pgagent.pga_job
    FOR EACH ROW WHEN (NEW.jobenabled AND NEW.jobagentid IS NULL AND NEW.jobnextrun IS NOT NULL)
    EXECUTE PROCEDURE pgagent.pga_job_notify();
COMMENT ON TRIGGER pga_job_notify ON pgagent.pga_job IS 'Tell listening agents that a job may be due sooner.';
