-- How a run (a pga_joblog row of the given status) went, for the views: its status in words
-- (pg_cron's job_run_details words where they exist), the step that failed, was aborted or is
-- running, the first line of a failed step's output (or its result code), and one line
-- saying what happened.
CREATE FUNCTION pgagent.pga_run_outcome(run int4, status char)
RETURNS TABLE (status_text text, step text, detail text, message text)
LANGUAGE sql STABLE AS $$
    SELECT CASE status WHEN 'r' THEN 'running' WHEN 's' THEN 'succeeded' WHEN 'f' THEN 'failed'
                       WHEN 'd' THEN 'aborted' WHEN 'i' THEN 'internal error' END,
           CASE WHEN status IN ('r', 'f', 'd') THEN last_step END,
           CASE WHEN status = 'f' THEN detail END,
           CASE status
               WHEN 's' THEN CASE WHEN ignored > 0 THEN format('%s of %s steps succeeded, %s failed and were ignored', steps - ignored, steps, ignored)
                                  WHEN steps = 1 THEN '1 step succeeded'
                                  ELSE format('%s steps succeeded', steps) END
               WHEN 'f' THEN CASE WHEN steps = 0 THEN 'failed before any step ran'
                                  ELSE format('step "%s" failed: %s', last_step, detail) END
               WHEN 'd' THEN CASE WHEN steps = 0 THEN 'aborted before any step ran: the agent running it stopped'
                                  ELSE format('aborted in step "%s": the agent running it stopped', last_step) END
               WHEN 'i' THEN CASE WHEN steps = 0 THEN 'internal error: the job had no enabled step to run'
                                  ELSE 'internal error in the agent' END
               WHEN 'r' THEN CASE WHEN steps = 0 THEN 'starting' ELSE format('running step "%s"', last_step) END
           END
      FROM (SELECT count(*) AS steps,
                   count(*) FILTER (WHERE sl.jslstatus = 'i') AS ignored,
                   (array_agg(st.jstname ORDER BY sl.jslid DESC))[1] AS last_step,
                   (array_agg(sl.jsloutput ORDER BY sl.jslid DESC))[1] AS last_output,
                   (array_agg(sl.jslresult ORDER BY sl.jslid DESC))[1] AS last_result
              FROM pgagent.pga_jobsteplog sl
              JOIN pgagent.pga_jobstep st ON st.jstid = sl.jsljstid
             WHERE sl.jsljlgid = run) AS s,
           LATERAL (SELECT coalesce(substring(last_output FROM '^\s*([^\r\n]*\S)'),
                                    'no output, result ' || last_result, 'no output') AS detail) AS d
$$;
COMMENT ON FUNCTION pgagent.pga_run_outcome(int4, char) IS 'A job run''s status in words, its failing or current step, and a one-line message';
