-- A run as one JSON object: job id and name, run id, status, start, duration, and the step that
-- decided the outcome (the last one that failed or was aborted) with the first part of its
-- output. The pgagent_run notification sends it, and agents post it to webhooks. It stays
-- under max_bytes: names are cut to 200 characters, then the output is halved until it fits.
CREATE FUNCTION pgagent.run_summary(run_id int4, max_bytes int DEFAULT 7900) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
    run     record;
    step    record;
    output  text;
    summary json;
BEGIN
    SELECT l.jlgid, l.jlgjobid, left(j.jobname, 200) AS jobname, l.jlgstatus, l.jlgstart, l.jlgduration
      INTO run
      FROM pgagent.pga_joblog l JOIN pgagent.pga_job j ON j.jobid = l.jlgjobid
     WHERE l.jlgid = run_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT sl.jsljstid AS id, left(st.jstname, 200) AS name, sl.jslstatus AS status, sl.jsloutput AS output
      INTO step
      FROM pgagent.pga_jobsteplog sl JOIN pgagent.pga_jobstep st ON st.jstid = sl.jsljstid
     WHERE sl.jsljlgid = run_id AND sl.jslstatus IN ('f', 'd')
     ORDER BY sl.jslstart DESC, sl.jslid DESC LIMIT 1;
    output := left(step.output, greatest(max_bytes / 8, 1));
    LOOP
        summary := json_build_object(
            'job_id', run.jlgjobid, 'job_name', run.jobname, 'run_id', run.jlgid,
            'status', run.jlgstatus, 'start', run.jlgstart,
            'duration_seconds', extract(epoch FROM run.jlgduration),
            'step_id', step.id, 'step_name', step.name, 'step_status', step.status,
            'output', output);
        EXIT WHEN octet_length(summary::text) <= max_bytes OR coalesce(length(output), 0) = 0;
        output := left(output, length(output) / 2);
    END LOOP;
    RETURN summary;
END
$$;
COMMENT ON FUNCTION pgagent.run_summary(int4, int) IS 'A run as JSON: job, status, timing and the failed step with the start of its output.';
