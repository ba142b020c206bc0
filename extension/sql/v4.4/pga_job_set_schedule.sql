-- Replaces a job's schedules (and so their exceptions) with those a cron expression compiles
-- to, named after it, in the given zone (NULL: the database's). A bad expression raises and
-- so changes nothing.
CREATE FUNCTION pgagent.pga_job_set_schedule(job_id int4, expression text, zone text)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    DELETE FROM pgagent.pga_schedule WHERE jscjobid = job_id;
    INSERT INTO pgagent.pga_schedule (jscjobid, jscname, jscdesc, jscminutes, jschours, jscweekdays, jscmonthdays, jscmonths, jsctimezone)
    SELECT job_id, btrim(expression),
           CASE WHEN c.part IS NOT NULL
                THEN format('cron runs on a day when either day field matches: this is the %s half', c.part)
                ELSE '' END,
           c.minutes, c.hours, c.weekdays, c.monthdays, c.months, zone
      FROM pgagent.pga_cron_compile(expression) AS c;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_set_schedule(int4, text, text) IS 'Replace a job''s schedules with a cron expression''s';
