-- A cron expression compiled to pgAgent schedule arrays (as pga_schedule stores them), with
-- pg_cron's grammar: five fields (minute hour day-of-month month weekday) or a macro;
-- weekday 0-7 with 0 and 7 Sunday; month and weekday names; `$` alone in day-of-month for the
-- month's last day. One row, except where cron ORs the two day fields: when both are
-- restricted (neither starts with `*`) a day matches if either does, while a pgAgent
-- schedule ANDs them, so that gives two rows, one per day field (`part` says which).
-- What pgAgent's minute model cannot express (@reboot, pg_cron's 'N seconds') is refused
-- with the reason.
CREATE FUNCTION pgagent.pga_cron_compile(expression text)
RETURNS TABLE (minutes bool[], hours bool[], weekdays bool[], monthdays bool[], months bool[], part text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    cron text := btrim(expression, E' \t\r\n');
    fields text[];
    days bool[];
    sundays bool[];
    every_weekday bool[] := array_fill(true, ARRAY[7]);
    every_monthday bool[] := array_fill(true, ARRAY[31]) || false;
BEGIN
    IF cron IS NULL OR cron = '' THEN
        RAISE EXCEPTION 'cron expression is empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cron ~* '^[0-9]+\s*seconds?$' THEN
        RAISE EXCEPTION 'cron expression "%" cannot be scheduled: pgagent runs jobs on whole minutes, so pg_cron''s intervals in seconds have no equivalent', cron
            USING ERRCODE = 'feature_not_supported', HINT = 'The shortest interval is every minute: * * * * *';
    END IF;
    IF left(cron, 1) = '@' THEN
        cron := CASE lower(cron)
                    WHEN '@yearly' THEN '0 0 1 1 *'
                    WHEN '@annually' THEN '0 0 1 1 *'
                    WHEN '@monthly' THEN '0 0 1 * *'
                    WHEN '@weekly' THEN '0 0 * * 0'
                    WHEN '@daily' THEN '0 0 * * *'
                    WHEN '@midnight' THEN '0 0 * * *'
                    WHEN '@hourly' THEN '0 * * * *'
                END;
        IF cron IS NOT NULL THEN
            NULL;
        ELSIF lower(btrim(expression)) IN ('@reboot', '@restart') THEN
            RAISE EXCEPTION 'cron expression "%" cannot be scheduled: pgagent schedules are times of day, and a job cannot run "when the server starts"', btrim(expression)
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'Start it from the server''s start-up instead, or schedule it every few minutes and let it find out whether it has work.';
        ELSE
            RAISE EXCEPTION 'cron expression "%": unknown macro', btrim(expression)
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'The macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly.';
        END IF;
    END IF;
    fields := regexp_split_to_array(cron, '\s+');
    IF cardinality(fields) <> 5 THEN
        RAISE EXCEPTION 'cron expression "%" has % fields; it needs 5: minute hour day-of-month month weekday', cron, cardinality(fields)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    minutes := pgagent.pga_cron_field(fields[1], 'minute', 0, 59);
    hours := pgagent.pga_cron_field(fields[2], 'hour', 0, 23);
    IF fields[3] = '$' THEN
        monthdays := array_fill(false, ARRAY[31]) || true;
    ELSIF strpos(fields[3], '$') > 0 THEN
        RAISE EXCEPTION 'day-of-month field: $ (the last day of the month) must stand alone, not in "%"', fields[3]
            USING ERRCODE = 'invalid_parameter_value';
    ELSE
        monthdays := pgagent.pga_cron_field(fields[3], 'day-of-month', 1, 31) || false;
    END IF;
    months := pgagent.pga_cron_field(fields[4], 'month', 1, 12,
                                     '{jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec}');
    -- cron's weekdays 0-7 (both ends Sunday) onto pgAgent's 1-7 (1 = Sunday)
    days := pgagent.pga_cron_field(fields[5], 'weekday', 0, 7, '{sun,mon,tue,wed,thu,fri,sat}');
    sundays := ARRAY[days[1] OR days[8]];
    weekdays := sundays || days[2:7];
    IF left(fields[3], 1) = '*' OR left(fields[5], 1) = '*' THEN
        part := NULL;
        RETURN NEXT;
        RETURN;
    END IF;
    days := weekdays;
    weekdays := every_weekday;
    part := 'day of month';
    RETURN NEXT;
    weekdays := days;
    monthdays := every_monthday;
    part := 'weekday';
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION pgagent.pga_cron_compile(text) IS 'A cron expression (pg_cron''s grammar) as pgAgent schedule arrays';
