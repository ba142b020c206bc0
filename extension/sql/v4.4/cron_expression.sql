-- Any schedule, pgAdmin's included, as cron text; NULL where cron cannot say it: the last-day
-- flag beside other days, or days of month and weekdays both restricted (pgAgent ANDs them;
-- cron ORs them unless one field starts with `*`, so `*/n` forms are tried there). Start,
-- end, exceptions and the time zone are not part of cron text. NULL for an unknown schedule.
CREATE FUNCTION pgagent.cron_expression(jscid int4)
RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    s pgagent.pga_schedule;
    monthdays bool[];
    day_field text;
    weekday_field text;
BEGIN
    SELECT * INTO s FROM pgagent.pga_schedule WHERE pga_schedule.jscid = cron_expression.jscid;
    IF NOT FOUND OR greatest(array_ndims(s.jscminutes), array_ndims(s.jschours), array_ndims(s.jscweekdays),
                             array_ndims(s.jscmonthdays), array_ndims(s.jscmonths)) > 1 THEN
        RETURN NULL;
    END IF;
    monthdays := pgagent.pga_selection(s.jscmonthdays, 32);
    IF monthdays[32] THEN
        IF array_position(monthdays[1:31], true) IS NULL THEN
            day_field := '$';
        ELSIF NOT (monthdays[28] AND monthdays[29] AND monthdays[30] AND monthdays[31]) THEN
            RETURN NULL; -- the last day beside other days: cron's $ stands alone
        END IF;
    END IF;
    day_field := coalesce(day_field, pgagent.pga_cron_text(monthdays[1:31], 1));
    weekday_field := pgagent.pga_cron_text(pgagent.pga_selection(s.jscweekdays, 7), 0);
    IF left(day_field, 1) <> '*' AND left(weekday_field, 1) <> '*' THEN
        day_field := CASE WHEN day_field = '$' THEN day_field ELSE pgagent.pga_cron_text(monthdays[1:31], 1, 2) END;
        weekday_field := pgagent.pga_cron_text(pgagent.pga_selection(s.jscweekdays, 7), 0, 2);
        IF left(day_field, 1) <> '*' AND left(weekday_field, 1) <> '*' THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN concat_ws(' ', pgagent.pga_cron_text(pgagent.pga_selection(s.jscminutes, 60), 0),
                          pgagent.pga_cron_text(pgagent.pga_selection(s.jschours, 24), 0),
                          day_field,
                          pgagent.pga_cron_text(pgagent.pga_selection(s.jscmonths, 12), 1),
                          weekday_field);
END
$$;
COMMENT ON FUNCTION pgagent.cron_expression(int4) IS 'A schedule as cron text, or NULL where cron cannot express it';
