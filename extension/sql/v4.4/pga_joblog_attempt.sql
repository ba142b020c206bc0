-- Which attempt a run is (1, or 2 and up for retries), set when the run is logged whoever logs
-- it (pgAgent 4.2's agent too). Logging the run also consumes the pending retry, so the run's
-- end computes the next one afresh.
ALTER TABLE pgagent.pga_joblog ADD COLUMN jlgattempt int4 NOT NULL DEFAULT 1;
COMMENT ON COLUMN pgagent.pga_joblog.jlgattempt IS 'Which attempt this run is: 1, or 2 and up for retries after failures';

CREATE FUNCTION pgagent.pga_joblog_attempt() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    UPDATE pgagent.pga_jobretry SET jrat = NULL WHERE jrjobid = NEW.jlgjobid
    RETURNING jrattempt INTO NEW.jlgattempt;
    NEW.jlgattempt := coalesce(NEW.jlgattempt, 1);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_joblog_attempt() IS 'Number the run''s attempt.';

CREATE TRIGGER pga_joblog_attempt BEFORE INSERT ON pgagent.pga_joblog
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_joblog_attempt();
COMMENT ON TRIGGER pga_joblog_attempt ON pgagent.pga_joblog IS 'Number the run''s attempt.';
