-- Generated from extension/versions/4.2--4.3.list by scripts/build-extension-script.sh; edit the sources.
\echo Use "ALTER EXTENSION pgagent UPDATE" to load this file. \quit

-- source: v4.3/exception_unique_per_schedule.sql
-- 4.2's unique index on (jexdate, jextime) spans all schedules, so two schedules could not
-- share an exception date. Per schedule is what was meant; existing rows already satisfy it.
DROP INDEX pgagent.pga_exception_datetime;
CREATE UNIQUE INDEX pga_exception_datetime ON pgagent.pga_exception (jexscid, jexdate, jextime);
COMMENT ON TABLE pgagent.pga_schedule IS 'Schedule for a job';
COMMENT ON TABLE pgagent.pga_exception IS 'Job schedule exceptions';

-- source: v4.3/indexes.sql
-- The agents' due-job query: enabled, unclaimed jobs ordered by jobnextrun.
CREATE INDEX pga_job_due ON pgagent.pga_job (jobnextrun) WHERE jobenabled AND jobagentid IS NULL;
-- Zombie clean-up and the ON DELETE SET NULL from pga_jobagent look jobs up by agent.
CREATE INDEX pga_job_agentid ON pgagent.pga_job (jobagentid) WHERE jobagentid IS NOT NULL;
-- The ON DELETE RESTRICT check when a job class is deleted.
CREATE INDEX pga_job_jobjclid ON pgagent.pga_job (jobjclid);
-- Deleting a step cascades to its step logs; without this each delete scans them all.
CREATE INDEX pga_jobsteplog_jsljstid ON pgagent.pga_jobsteplog (jsljstid);
-- Zombie clean-up marks running logs aborted; running rows are few among millions.
CREATE INDEX pga_joblog_running ON pgagent.pga_joblog (jlgjobid) WHERE jlgstatus = 'r';
CREATE INDEX pga_jobsteplog_running ON pgagent.pga_jobsteplog (jsljlgid) WHERE jslstatus = 'r';

-- source: v4.3/config_dump_sequences.sql
-- Marking a table does not dump its serial sequence's position: without these a restored
-- database hands out ids 1, 2, ... again and the next new job collides with a restored one.
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobclass_jclid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_job_jobid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobstep_jstid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_schedule_jscid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_exception_jexid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_joblog_jlgid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobsteplog_jslid_seq', '');

-- source: functions/pga_timezone_in.sql
-- The time zone in which schedules are read, given the database's settings (its
-- pg_db_role_setting.setconfig, NULL for none): see pga_timezone(). Split from it so that
-- pga_next_schedule_after can read the settings in the same query as the exceptions.
-- A pgagent.timezone that is not a known zone name gives a WARNING and the fallback, never
-- an error: this runs inside the job trigger. Checking a name costs a scan of
-- pg_timezone_names, so the answer is remembered for the session.
CREATE OR REPLACE FUNCTION pgagent.pga_timezone_in(settings text[]) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    setting text;
    custom text;
    fallback text;
BEGIN
    FOREACH setting IN ARRAY coalesce(settings, '{}') LOOP
        IF lower(setting) LIKE 'pgagent.timezone=%' THEN
            custom := substr(setting, length('pgagent.timezone=') + 1);
        ELSIF lower(setting) LIKE 'timezone=%' THEN
            fallback := substr(setting, length('timezone=') + 1);
        END IF;
    END LOOP;
    IF custom IS NULL OR custom = current_setting('pgagent.valid_timezone', true) THEN
        RETURN coalesce(custom, fallback, current_setting('log_timezone'));
    END IF;
    fallback := coalesce(fallback, current_setting('log_timezone'));
    IF custom IS DISTINCT FROM current_setting('pgagent.invalid_timezone', true) THEN
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE lower(name) = lower(custom)) THEN
            PERFORM set_config('pgagent.valid_timezone', custom, false);
            RETURN custom;
        END IF;
        PERFORM set_config('pgagent.invalid_timezone', custom, false);
    END IF;
    RAISE WARNING 'pgagent.timezone "%" is not a known time zone name; schedules use "%" instead', custom, fallback;
    RETURN fallback;
END
$$;
COMMENT ON FUNCTION pgagent.pga_timezone_in(text[]) IS 'The time zone in which schedules are read, given the database''s settings';

-- source: functions/pga_timezone.sql
-- The time zone in which schedules are read (their minutes, hours, days and months are wall
-- clock there): the database's pgagent.timezone setting
--     ALTER DATABASE mydb SET pgagent.timezone = 'Europe/Berlin';
-- else the database's own TimeZone setting (ALTER DATABASE mydb SET timezone = ...), else
-- the server's configured zone. It is read from the catalog, not from the session, so every
-- session (pgAdmin's, the agent's, psql with another TimeZone) gets the same next runs, and
-- a change applies at once without reconnecting. The server's TimeZone setting is per session
-- too; log_timezone is not (only postgresql.conf sets it), and initdb writes the same zone
-- into both. The settings are read here, and interpreted by pga_timezone_in (a name that is
-- not a time zone gives a WARNING and the fallback, never an error).
-- pga_next_schedule_after reads the same catalog row itself (with its exceptions check).
CREATE OR REPLACE FUNCTION pgagent.pga_timezone() RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN pgagent.pga_timezone_in((
        SELECT setconfig FROM pg_catalog.pg_db_role_setting
         WHERE setrole = 0
           AND setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())));
END
$$;
COMMENT ON FUNCTION pgagent.pga_timezone() IS 'The time zone in which schedules are read (the database''s pgagent.timezone setting)';

-- source: functions/pga_selection.sql
-- A schedule's selection array made ready for the search: element k (by subscript) selects
-- value k (the k-th minute, hour, ... counting from 1), NULL or missing elements select
-- nothing, and an array that selects none of its n values selects them all (as in pgAgent,
-- "any"). One-dimensional arrays only: callers turn away others, which array_position()
-- would raise on.
CREATE OR REPLACE FUNCTION pgagent.pga_selection(selected bool[], n int4) RETURNS bool[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN array_position(selected, true, 1) <= n THEN selected ELSE array_fill(true, ARRAY[n]) END
$$;
COMMENT ON FUNCTION pgagent.pga_selection(bool[], int4) IS 'A schedule selection array ready for the next-run search (all true when it selects nothing)';

-- source: functions/pga_next_selected.sql
-- The first value from `first` to `last` that a pga_selection() array selects, or NULL.
CREATE OR REPLACE FUNCTION pgagent.pga_next_selected(selected bool[], first int4, last int4) RETURNS int4
LANGUAGE sql IMMUTABLE AS $$
    SELECT nullif(least(array_position(selected, true, first), last + 1), last + 1)
$$;
COMMENT ON FUNCTION pgagent.pga_next_selected(bool[], int4, int4) IS 'The first value in a range that a schedule selection array selects';

-- source: functions/pga_dates_possible.sql
-- Whether a schedule's months and days of month (pga_selection() arrays) ever meet.
-- Weekdays never rule a date out for good: over the 400-year Gregorian cycle every date,
-- Feb 29 included, falls on every weekday. So only selected days beyond every selected
-- month's length (Feb 30, Apr 31, ...) make a schedule impossible.
CREATE OR REPLACE FUNCTION pgagent.pga_dates_possible(months bool[], monthdays bool[]) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(monthdays[32] OR array_position(monthdays, true, 1) <= 29
                    -- the 30th: any month but February; the 31st: a month with 31 days
                    OR monthdays[30] AND (months[1] OR array_position(months, true, 3) <= 12)
                    OR monthdays[31] AND (months[1] OR months[3] OR months[5] OR months[7] OR months[8]
                                          OR months[10] OR months[12]),
                    false)
$$;
COMMENT ON FUNCTION pgagent.pga_dates_possible(bool[], bool[]) IS 'Whether any date matches a schedule''s months and days of month';

-- source: functions/pga_wall_instant.sql
-- The instant at which the wall-clock time `wall` in `zone` first happens: its only instant
-- on most days; the first of its two when a fall-back repeats it; and, when a spring-forward
-- skips it, the end of the gap (the first instant after it). So it never decreases as `wall`
-- grows, and every skipped minute fires once, with the first minute after the gap.
-- Assumes, as every time zone does, that its offset changes at most once in a day.
CREATE OR REPLACE FUNCTION pgagent.pga_wall_instant(wall timestamp, zone text) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    -- PostgreSQL gives a repeated time its later instant, and a skipped one the instant it
    -- would have with the offset in force before the gap (so it lies after the gap).
    instant timestamptz := wall AT TIME ZONE zone;
    day_before timestamptz := instant - interval '1 day';
    -- the same wall time with the offset of a day before: the first of a repeated pair
    earlier timestamptz := (wall - ((day_before AT TIME ZONE zone) - (day_before AT TIME ZONE 'UTC'))) AT TIME ZONE 'UTC';
    gap_start timestamptz;
    low int4 := 0;
    high int4;
    middle int4;
BEGIN
    IF earlier < instant AND (earlier AT TIME ZONE zone) = wall THEN
        RETURN earlier;
    END IF;
    IF (instant AT TIME ZONE zone) = wall THEN
        RETURN instant;
    END IF;
    -- Skipped: the gap ends at the offset change, which lies within one gap length (the
    -- amount by which `instant` overshoots) before `instant`. Offsets change on whole
    -- seconds, so a binary search over seconds finds it exactly.
    high := extract(epoch FROM (instant AT TIME ZONE zone) - wall)::int4;
    gap_start := instant - make_interval(secs => high);
    WHILE high - low > 1 LOOP
        middle := (low + high) / 2;
        IF ((gap_start + make_interval(secs => middle)) AT TIME ZONE zone) >= wall THEN
            high := middle;
        ELSE
            low := middle;
        END IF;
    END LOOP;
    RETURN gap_start + make_interval(secs => high);
END
$$;
COMMENT ON FUNCTION pgagent.pga_wall_instant(timestamp, text) IS 'The first instant at which a wall-clock time happens in a time zone (the end of the gap for a skipped time)';

-- source: functions/pga_next_schedule_after.sql
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

-- source: functions/pga_next_schedule.sql
-- 4.3's next run: the first run strictly after now() (see pga_next_schedule_after), in the
-- database's schedule time zone (pga_timezone), whichever session asks.
CREATE OR REPLACE FUNCTION pgagent.pga_next_schedule(
    jscid int4, jscstart timestamptz, jscend timestamptz, jscminutes bool[], jschours bool[],
    jscweekdays bool[], jscmonthdays bool[], jscmonths bool[])
RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT pgagent.pga_next_schedule_after(now(), jscid, jscstart, jscend, jscminutes, jschours,
                                           jscweekdays, jscmonthdays, jscmonths)
$$;
COMMENT ON FUNCTION pgagent.pga_next_schedule(int4, timestamptz, timestamptz, bool[], bool[], bool[], bool[], bool[])
    IS 'Calculates the next runtime for a given schedule';

-- source: v4.3/pga_job_claim_guard.sql
-- An agent claims a job by setting jobagentid where it is NULL. pgAgent 4.2's claim does not
-- re-check that the job is still due, so from a stale list it can claim (and run again) a job
-- another agent has just run and released. This guard turns a claim of a job that is not due
-- into a no-op (0 rows updated), which every agent already reads as "someone else got it".
-- BEFORE UPDATE triggers fire in name order, so this runs before pga_job_trigger.
CREATE FUNCTION pgagent.pga_job_claim_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF OLD.jobagentid IS NULL AND NEW.jobagentid IS NOT NULL
       AND NOT coalesce(OLD.jobenabled AND OLD.jobnextrun <= now(), false) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_claim_guard() IS 'Refuse to claim a job that is not due.';

CREATE TRIGGER pga_job_claim_guard BEFORE UPDATE OF jobagentid ON pgagent.pga_job
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_job_claim_guard();
COMMENT ON TRIGGER pga_job_claim_guard ON pgagent.pga_job IS 'Refuse to claim a job that is not due.';

-- source: v4.3/pga_job_notify.sql
-- Agents sleep until the next jobnextrun they know of, or a poll interval. A job made due
-- sooner ("Run now", a new or changed schedule, a job enabled again) would wait for the next
-- poll; this trigger tells listening agents (LISTEN pgagent_job) at once instead. The payload
-- is constant, so PostgreSQL delivers one notification per transaction however many rows it
-- touched. It changes no row. INSERT triggers cannot see OLD in WHEN, so WHEN keeps to rows
-- an agent could claim and the function asks whether they have just become so.
CREATE FUNCTION pgagent.pga_job_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF TG_OP = 'INSERT'
       OR (OLD.jobenabled, OLD.jobagentid, OLD.jobnextrun, OLD.jobhostagent)
          IS DISTINCT FROM (NEW.jobenabled, NEW.jobagentid, NEW.jobnextrun, NEW.jobhostagent) THEN
        PERFORM pg_notify('pgagent_job', '');
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_notify() IS 'Tell listening agents that a job may be due sooner.';

CREATE TRIGGER pga_job_notify AFTER INSERT OR UPDATE ON pgagent.pga_job
    FOR EACH ROW WHEN (NEW.jobenabled AND NEW.jobagentid IS NULL AND NEW.jobnextrun IS NOT NULL)
    EXECUTE PROCEDURE pgagent.pga_job_notify();
COMMENT ON TRIGGER pga_job_notify ON pgagent.pga_job IS 'Tell listening agents that a job may be due sooner.';

