-- The first run of a schedule strictly after `after`: the first whole wall-clock minute in
-- `zone` (default: the database's schedule zone, as pgagent.pga_timezone() gives it) whose
-- minute, hour, weekday (jscweekdays[1] = Sunday), day of month (jscmonthdays[32] = the
-- month's last day, combinable with other days) and month are selected (an array selecting
-- nothing means any),
-- that no exception of schedule jscid matches (a date and time, a whole date with jextime
-- NULL, or a time on every date with jexdate NULL; compared in wall-clock time), and whose
-- instant is after `after`, not before jscstart and not after jscend; NULL if there is none.
-- A minute maps to its instant by pga_wall_instant: a minute skipped by a spring-forward
-- runs at the end of the gap, a minute repeated by a fall-back runs at its first occurrence.
--
-- The search walks wall-clock minutes upwards, jumping field by field to the next selected
-- month, day, hour and minute; a field with nothing left carries into the next larger one.
-- pga_wall_instant never decreases, so the first minute found whose instant is late enough
-- is the answer, and one found after jscend means there is none.
--
-- Bound. Every loop pass moves the position (day, hour, minute) strictly forward, and the
-- search gives up past 146097 days (400 years) after its first day. That loses no run of a
-- schedule without exceptions: the calendar with its weekdays repeats every 400 Gregorian
-- years (146097 days = 20871 weeks), so if any day ever matches, one does within 146097 days
-- of any day. Whether any day ever matches is decided before searching (pga_dates_possible),
-- and so is whether exceptions for every date leave any selected time, so a schedule that can
-- never run again returns NULL at once instead of walking 400 years. Exceptions for given
-- dates only push the run to a later day: a schedule whose runs are all excepted for 400
-- years is reported as never running.
--
-- Cost. The job trigger makes most calls the only one in their transaction, and PL/pgSQL sets
-- up every expression (and query) it evaluates afresh in each transaction; that setup, not
-- the search, is most of a call's time. So the common path evaluates few statements: one
-- query for the exceptions check and the zone's settings, helpers that are inlinable SQL
-- functions (no PL/pgSQL call of their own), the day search inline, exceptions looked at only
-- when there are any, and pga_wall_instant called only near an offset change.
CREATE OR REPLACE FUNCTION pgagent.pga_next_schedule_after(
    after timestamptz, jscid int4, jscstart timestamptz, jscend timestamptz, jscminutes bool[],
    jschours bool[], jscweekdays bool[], jscmonthdays bool[], jscmonths bool[], zone text DEFAULT NULL)
RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    settings text[];
    has_exceptions bool;
    tz text;
    minutes bool[];
    hours bool[];
    weekdays bool[];
    monthdays bool[];
    months bool[];
    -- a run's instant must be later than this
    bound timestamptz := CASE WHEN jscstart > after THEN jscstart - interval '1 microsecond' ELSE after END;
    excluded_dates date[];
    excluded_times time[];
    excluded_minutes timestamp[];
    wall timestamp;
    day date;
    hour int4;
    minute int4;
    last_day date;
    month_start date;
    month_end date;
    first_weekday int4;
    weekday int4;
    step int4;
    run timestamptz;
BEGIN
    -- Whether the schedule has exceptions (most have none, and the check costs far less than
    -- the fetch), with the database's settings for the zone (see pga_timezone) in the same
    -- query when no zone is given.
    IF zone IS NULL THEN
        SELECT (SELECT setconfig FROM pg_catalog.pg_db_role_setting
                 WHERE setrole = 0
                   AND setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())),
               EXISTS (SELECT FROM pgagent.pga_exception WHERE jexscid = pga_next_schedule_after.jscid)
          INTO settings, has_exceptions;
        tz := pgagent.pga_timezone_in(settings);
    ELSE
        tz := zone;
        has_exceptions := EXISTS (SELECT FROM pgagent.pga_exception WHERE jexscid = pga_next_schedule_after.jscid);
    END IF;
    -- The range is far wider than any real schedule's and keeps the date arithmetic below
    -- from overflowing. pgAdmin writes one-dimensional arrays; a schedule with another never runs.
    IF after IS NULL OR jscstart IS NULL OR NOT bound BETWEEN '4000-01-01 00:00+00 BC' AND '200000-01-01 00:00+00'
       OR jscend <= bound
       OR greatest(array_ndims(jscminutes), array_ndims(jschours), array_ndims(jscweekdays), array_ndims(jscmonthdays), array_ndims(jscmonths)) > 1
    THEN
        RETURN NULL;
    END IF;
    minutes := pgagent.pga_selection(jscminutes, 60);
    hours := pgagent.pga_selection(jschours, 24);
    weekdays := pgagent.pga_selection(jscweekdays, 7);
    monthdays := pgagent.pga_selection(jscmonthdays, 32);
    months := pgagent.pga_selection(jscmonths, 12);
    -- (Any day up to the 29th, or the last day, is possible in every year; only others need
    -- the full check.)
    IF NOT coalesce(monthdays[32] OR array_position(monthdays, true, 1) <= 29, false) THEN
        IF NOT pgagent.pga_dates_possible(months, monthdays) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF has_exceptions THEN
        SELECT coalesce(array_agg(jexdate) FILTER (WHERE jextime IS NULL AND jexdate IS NOT NULL), '{}'),
               coalesce(array_agg(jextime) FILTER (WHERE jexdate IS NULL AND jextime IS NOT NULL), '{}'),
               coalesce(array_agg(jexdate + jextime) FILTER (WHERE jexdate IS NOT NULL AND jextime IS NOT NULL), '{}')
          INTO excluded_dates, excluded_times, excluded_minutes
          FROM pgagent.pga_exception
         WHERE jexscid = pga_next_schedule_after.jscid;
        -- Exceptions for every date that cover all selected times (only whole minutes match);
        -- fewer such exceptions than selected times cannot, which the first test tells cheaply.
        step := cardinality(array_positions(hours[1:24], true)) * cardinality(array_positions(minutes[1:60], true));
        IF cardinality(excluded_times) >= step THEN
            IF step <= (SELECT count(DISTINCT t) FROM unnest(excluded_times) AS t
                         WHERE hours[extract(hour FROM t)::int4 + 1] AND minutes[extract(minute FROM t)::int4 + 1]
                           AND extract(second FROM t) = 0)
            THEN
                RETURN NULL;
            END IF;
        END IF;
    END IF;

    -- The first wall minute after the bound's wall time; earlier ones all map before it.
    wall := date_trunc('minute', bound AT TIME ZONE tz) + interval '1 minute';
    day := wall::date;
    hour := extract(hour FROM wall);
    minute := extract(minute FROM wall);
    -- A minute on a later day than the day after jscend's cannot run by jscend.
    last_day := least(day + 146097, (least(jscend, bound + interval '401 years') AT TIME ZONE tz)::date + 1);
    month_end := day; -- so that the first pass sets up the month
    LOOP
        IF day > last_day THEN
            RETURN NULL;
        END IF;
        IF day >= month_end THEN
            month_start := date_trunc('month', day::timestamp)::date;
            month_end := (month_start + interval '1 month')::date;
            -- the weekday of the month's first day, 0 = Sunday: 2000-01-02 was one
            first_weekday := ((month_start - DATE '2000-01-02') % 7 + 7) % 7;
            step := extract(month FROM month_start);
            IF months[step] IS NOT TRUE THEN
                -- on to the next selected month, this year or the next
                step := coalesce(pgagent.pga_next_selected(months, step + 1, 12),
                                 pgagent.pga_next_selected(months, 1, 12) + 12) - step;
                day := (month_start + make_interval(months => step))::date;
                hour := 0;
                minute := 0;
                CONTINUE;
            END IF;
        END IF;
        -- The first selected day of the month from this one on: jump alternately to the next
        -- selected day of month (monthdays[32] = the last day) and the next selected weekday
        -- until both agree; every jump moves forward, and past the month's end there is none.
        step := day - month_start + 1;
        LOOP
            step := coalesce(pgagent.pga_next_selected(monthdays, step, month_end - month_start),
                             CASE WHEN monthdays[32] THEN month_end - month_start END);
            EXIT WHEN step IS NULL;
            weekday := (first_weekday + step - 1) % 7 + 1;
            EXIT WHEN weekdays[weekday];
            step := step - weekday + coalesce(pgagent.pga_next_selected(weekdays, weekday, 7),
                                              pgagent.pga_next_selected(weekdays, 1, 7) + 7);
            IF step > month_end - month_start THEN
                step := NULL;
                EXIT;
            END IF;
        END LOOP;
        IF step IS NULL THEN
            day := month_end;
            hour := 0;
            minute := 0;
            CONTINUE;
        ELSIF month_start + step - 1 > day THEN
            day := month_start + step - 1;
            hour := 0;
            minute := 0;
        END IF;
        -- (Exceptions are looked at only when there are any: each expression costs its setup
        -- once per transaction, and most calls are the only one in theirs.)
        IF has_exceptions THEN
            IF day = ANY (excluded_dates) THEN
                day := day + 1;
                hour := 0;
                minute := 0;
                CONTINUE;
            END IF;
        END IF;
        step := pgagent.pga_next_selected(hours, hour + 1, 24);
        IF step IS NULL THEN
            day := day + 1;
            hour := 0;
            minute := 0;
            CONTINUE;
        ELSIF step - 1 > hour THEN
            hour := step - 1;
            minute := 0;
        END IF;
        step := pgagent.pga_next_selected(minutes, minute + 1, 60);
        IF step IS NULL THEN
            hour := hour + 1;
            minute := 0;
            CONTINUE;
        END IF;
        minute := step - 1;
        wall := day + make_time(hour, minute, 0);
        IF has_exceptions THEN
            IF wall::time = ANY (excluded_times) OR wall = ANY (excluded_minutes) THEN
                minute := minute + 1;
                CONTINUE;
            END IF;
        END IF;
        -- Where the offset is the same a day earlier, the minute happens exactly once, at this
        -- instant; only near an offset change does pga_wall_instant need to look.
        run := wall AT TIME ZONE tz;
        IF NOT ((run AT TIME ZONE tz) = wall
                AND ((run - interval '1 day') AT TIME ZONE tz) - ((run - interval '1 day') AT TIME ZONE 'UTC')
                    = wall - (run AT TIME ZONE 'UTC')) THEN
            run := pgagent.pga_wall_instant(wall, tz);
        END IF;
        -- Not late enough only for the first pass of a fall-back's repeated hour.
        IF run > bound THEN
            RETURN CASE WHEN run > jscend THEN NULL ELSE run END;
        END IF;
        minute := minute + 1;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pgagent.pga_next_schedule_after(timestamptz, int4, timestamptz, timestamptz, bool[], bool[], bool[], bool[], bool[], text)
    IS 'Calculates the first run of a schedule after a given instant, in the schedules'' time zone';
