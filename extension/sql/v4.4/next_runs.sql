-- A job's next `count` runs after `after`, over all its enabled schedules (each in its own
-- zone, with its exceptions, start and end, by the engine's rules), ascending, each instant
-- once. The job's enabled flag is not looked at: this is a preview (explain says "disabled").
CREATE FUNCTION pgagent.next_runs(job_id int4, count int4 DEFAULT 10, after timestamptz DEFAULT now())
RETURNS SETOF timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    run timestamptz := after;
    produced int4 := 0;
BEGIN
    PERFORM pgagent.pga_job_exists(job_id);
    WHILE produced < count LOOP
        SELECT min(pgagent.pga_next_schedule_after(run, jscid, jscstart, jscend, jscminutes, jschours,
                                                   jscweekdays, jscmonthdays, jscmonths, jsctimezone))
          INTO run
          FROM pgagent.pga_schedule
         WHERE jscjobid = job_id AND jscenabled;
        EXIT WHEN run IS NULL;
        RETURN NEXT run;
        produced := produced + 1;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pgagent.next_runs(int4, int4, timestamptz) IS 'A job''s next runs over all its enabled schedules';

CREATE FUNCTION pgagent.next_runs(job_name text, count int4 DEFAULT 10, after timestamptz DEFAULT now())
RETURNS SETOF timestamptz
LANGUAGE sql STABLE AS $$
    SELECT pgagent.next_runs(pgagent.pga_job_named(job_name), count, after)
$$;
COMMENT ON FUNCTION pgagent.next_runs(text, int4, timestamptz) IS 'The next runs of the job with this name';
