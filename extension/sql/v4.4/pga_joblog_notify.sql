-- When a run ends, listeners on the pgagent_run channel get its run_summary() as JSON. It is
-- in the extension rather than the agent so that it works beside pgAgent 4.2's agent too;
-- the summary is kept under NOTIFY's 8000-byte payload limit.
CREATE FUNCTION pgagent.pga_joblog_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- A repeated write of the same end (an agent replaying after a reconnect) is no new end.
    IF TG_OP = 'UPDATE' AND OLD.jlgstatus = NEW.jlgstatus THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('pgagent_run', pgagent.run_summary(NEW.jlgid, 7900)::text);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgagent.pga_joblog_notify() IS 'Tell listeners on pgagent_run that a run has ended.';

CREATE TRIGGER pga_joblog_notify AFTER INSERT OR UPDATE OF jlgstatus ON pgagent.pga_joblog
    FOR EACH ROW WHEN (NEW.jlgstatus <> 'r')
    EXECUTE PROCEDURE pgagent.pga_joblog_notify();
COMMENT ON TRIGGER pga_joblog_notify ON pgagent.pga_joblog IS 'Tell listeners on pgagent_run that a run has ended.';
