-- When a run ends, listeners on the pgagent_run channel get a JSON summary of it. It is in the
-- extension rather than the agent so that it works with pgAgent 4.2's agent too. NOTIFY
-- payloads must stay under 8000 bytes: names are cut first, then the failed step's output is
-- halved until the payload fits.
CREATE FUNCTION pgagent.pga_joblog_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    job_name text;
    step     record;
    output   text;
    payload  text;
BEGIN
    -- A repeated write of the same end (an agent replaying after a reconnect) is no new end.
    IF TG_OP = 'UPDATE' AND OLD.jlgstatus = NEW.jlgstatus THEN
        RETURN NULL;
    END IF;
    SELECT left(jobname, 200) INTO job_name FROM pgagent.pga_job WHERE jobid = NEW.jlgjobid;
    -- The step that decided the outcome: the last one that failed or was aborted.
    SELECT sl.jsljstid AS id, left(st.jstname, 200) AS name, sl.jslstatus AS status, sl.jsloutput AS output
      INTO step
      FROM pgagent.pga_jobsteplog sl JOIN pgagent.pga_jobstep st ON st.jstid = sl.jsljstid
     WHERE sl.jsljlgid = NEW.jlgid AND sl.jslstatus IN ('f', 'd')
     ORDER BY sl.jslstart DESC, sl.jslid DESC LIMIT 1;
    output := left(step.output, 1000);
    LOOP
        payload := json_build_object(
            'job_id', NEW.jlgjobid, 'job_name', job_name, 'run_id', NEW.jlgid,
            'status', NEW.jlgstatus, 'start', NEW.jlgstart,
            'duration_seconds', extract(epoch FROM NEW.jlgduration),
            'step_id', step.id, 'step_name', step.name, 'step_status', step.status,
            'output', output)::text;
        EXIT WHEN octet_length(payload) < 7900 OR coalesce(length(output), 0) = 0;
        output := left(output, length(output) / 2);
    END LOOP;
    PERFORM pg_notify('pgagent_run', payload);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgagent.pga_joblog_notify() IS 'Tell listeners on pgagent_run that a run has ended.';

CREATE TRIGGER pga_joblog_notify AFTER INSERT OR UPDATE OF jlgstatus ON pgagent.pga_joblog
    FOR EACH ROW WHEN (NEW.jlgstatus <> 'r')
    EXECUTE PROCEDURE pgagent.pga_joblog_notify();
COMMENT ON TRIGGER pga_joblog_notify ON pgagent.pga_joblog IS 'Tell listeners on pgagent_run that a run has ended.';
