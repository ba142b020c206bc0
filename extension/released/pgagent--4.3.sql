-- Generated from extension/versions/4.3.list by scripts/build-extension-script.sh; edit the sources.
\echo Use "CREATE EXTENSION pgagent" to load this file. \quit

-- source: misc/schema_comment.sql
COMMENT ON SCHEMA pgagent IS 'pgAgent system tables';

-- source: tables/pga_jobagent.sql
-- One row per live agent, keyed by the backend pid of its service connection, so that
-- any agent can tell a dead one by its pid missing from pg_stat_activity.
CREATE TABLE pgagent.pga_jobagent (
    jagpid       int4        NOT NULL PRIMARY KEY,
    jaglogintime timestamptz NOT NULL DEFAULT current_timestamp,
    jagstation   text        NOT NULL
);
COMMENT ON TABLE pgagent.pga_jobagent IS 'Active job agents';

-- source: tables/pga_jobclass.sql
CREATE TABLE pgagent.pga_jobclass (
    jclid   serial NOT NULL PRIMARY KEY,
    jclname text   NOT NULL
);
CREATE UNIQUE INDEX pga_jobclass_name ON pgagent.pga_jobclass (jclname);
COMMENT ON TABLE pgagent.pga_jobclass IS 'Job classification';

-- The built-in classes; the dump filter in misc/config_dump.sql must name the same five.
INSERT INTO pgagent.pga_jobclass (jclname) VALUES
    ('Routine Maintenance'),
    ('Data Import'),
    ('Data Export'),
    ('Data Summarisation'),
    ('Miscellaneous');

-- source: tables/pga_job.sql
-- jobagentid is non-null while an agent runs the job; jobnextrun is computed by pga_job_trigger.
CREATE TABLE pgagent.pga_job (
    jobid        serial      NOT NULL PRIMARY KEY,
    jobjclid     int4        NOT NULL REFERENCES pgagent.pga_jobclass (jclid) ON DELETE RESTRICT ON UPDATE RESTRICT,
    jobname      text        NOT NULL,
    jobdesc      text        NOT NULL DEFAULT '',
    jobhostagent text        NOT NULL DEFAULT '',
    jobenabled   bool        NOT NULL DEFAULT true,
    jobcreated   timestamptz NOT NULL DEFAULT current_timestamp,
    jobchanged   timestamptz NOT NULL DEFAULT current_timestamp,
    jobagentid   int4        NULL REFERENCES pgagent.pga_jobagent (jagpid) ON DELETE SET NULL ON UPDATE RESTRICT,
    jobnextrun   timestamptz NULL,
    joblastrun   timestamptz NULL
);
COMMENT ON TABLE pgagent.pga_job IS 'Job main entry';
COMMENT ON COLUMN pgagent.pga_job.jobagentid IS 'Agent that currently executes this job.';

-- source: tables/pga_jobstep.sql
-- An SQL step names either a local database (jstdbname) or a full connection string
-- (jstconnstr), never both; a batch step names neither.
CREATE TABLE pgagent.pga_jobstep (
    jstid      serial      NOT NULL PRIMARY KEY,
    jstjobid   int4        NOT NULL REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jstname    text        NOT NULL,
    jstdesc    text        NOT NULL DEFAULT '',
    jstenabled bool        NOT NULL DEFAULT true,
    jstkind    char        NOT NULL CHECK (jstkind IN ('b', 's')),
    jstcode    text        NOT NULL,
    jstconnstr text        NOT NULL DEFAULT ''
               CHECK ((jstconnstr != '' AND jstkind = 's') OR (jstconnstr = '' AND (jstkind = 'b' OR jstdbname != ''))),
    jstdbname  name        NOT NULL DEFAULT ''
               CHECK ((jstdbname != '' AND jstkind = 's') OR (jstdbname = '' AND (jstkind = 'b' OR jstconnstr != ''))),
    jstonerror char        NOT NULL DEFAULT 'f' CHECK (jstonerror IN ('f', 's', 'i')),
    jscnextrun timestamptz NULL
);
CREATE INDEX pga_jobstep_jobid ON pgagent.pga_jobstep (jstjobid);
COMMENT ON TABLE pgagent.pga_jobstep IS 'Job step to be executed';
COMMENT ON COLUMN pgagent.pga_jobstep.jstkind IS 'Kind of jobstep: s=sql, b=batch';
COMMENT ON COLUMN pgagent.pga_jobstep.jstonerror IS 'What to do if step returns an error: f=fail the job, s=mark step as succeeded and continue, i=mark as fail but ignore it and proceed';

-- source: tables/pga_schedule.sql
-- Each array selects minutes, hours, weekdays (1 = Sunday), days of month (32 = last day)
-- and months; an all-false array means "any".
CREATE TABLE pgagent.pga_schedule (
    jscid        serial      NOT NULL PRIMARY KEY,
    jscjobid     int4        NOT NULL REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jscname      text        NOT NULL,
    jscdesc      text        NOT NULL DEFAULT '',
    jscenabled   bool        NOT NULL DEFAULT true,
    jscstart     timestamptz NOT NULL DEFAULT current_timestamp,
    jscend       timestamptz NULL,
    jscminutes   bool[60]    NOT NULL DEFAULT '{f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f}',
    jschours     bool[24]    NOT NULL DEFAULT '{f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f}',
    jscweekdays  bool[7]     NOT NULL DEFAULT '{f,f,f,f,f,f,f}',
    jscmonthdays bool[32]    NOT NULL DEFAULT '{f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f,f}',
    jscmonths    bool[12]    NOT NULL DEFAULT '{f,f,f,f,f,f,f,f,f,f,f,f}',
    CONSTRAINT pga_schedule_jscminutes_size   CHECK (array_upper(jscminutes, 1) = 60),
    CONSTRAINT pga_schedule_jschours_size     CHECK (array_upper(jschours, 1) = 24),
    CONSTRAINT pga_schedule_jscweekdays_size  CHECK (array_upper(jscweekdays, 1) = 7),
    CONSTRAINT pga_schedule_jscmonthdays_size CHECK (array_upper(jscmonthdays, 1) = 32),
    CONSTRAINT pga_schedule_jscmonths_size    CHECK (array_upper(jscmonths, 1) = 12)
);
CREATE INDEX pga_jobschedule_jobid ON pgagent.pga_schedule (jscjobid);
COMMENT ON TABLE pgagent.pga_schedule IS 'Schedule for a job';

-- source: tables/pga_exception.sql
-- A date and time, a whole date (jextime NULL) or a time on every date (jexdate NULL)
-- on which the schedule does not fire.
CREATE TABLE pgagent.pga_exception (
    jexid   serial NOT NULL PRIMARY KEY,
    jexscid int4   NOT NULL REFERENCES pgagent.pga_schedule (jscid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jexdate date   NULL,
    jextime time   NULL
);
CREATE INDEX pga_exception_jexscid ON pgagent.pga_exception (jexscid);
-- pgAgent 4.2 makes (date, time) unique across all schedules; 4.3 narrows it per schedule.
CREATE UNIQUE INDEX pga_exception_datetime ON pgagent.pga_exception (jexdate, jextime);
-- pgAgent 4.2 sets this comment on pga_schedule by mistake, overwriting that table's
-- own; 4.2 reproduces the slip so the catalogs match, 4.3 repairs it.
COMMENT ON TABLE pgagent.pga_schedule IS 'Job schedule exceptions';

-- source: tables/pga_joblog.sql
CREATE TABLE pgagent.pga_joblog (
    jlgid       serial      NOT NULL PRIMARY KEY,
    jlgjobid    int4        NOT NULL REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jlgstatus   char        NOT NULL DEFAULT 'r' CHECK (jlgstatus IN ('r', 's', 'f', 'i', 'd')),
    jlgstart    timestamptz NOT NULL DEFAULT current_timestamp,
    jlgduration interval    NULL
);
CREATE INDEX pga_joblog_jobid ON pgagent.pga_joblog (jlgjobid);
COMMENT ON TABLE pgagent.pga_joblog IS 'Job run logs.';
COMMENT ON COLUMN pgagent.pga_joblog.jlgstatus IS 'Status of job: r=running, s=successfully finished, f=failed, i=no steps to execute, d=aborted';

-- source: tables/pga_jobsteplog.sql
CREATE TABLE pgagent.pga_jobsteplog (
    jslid       serial      NOT NULL PRIMARY KEY,
    jsljlgid    int4        NOT NULL REFERENCES pgagent.pga_joblog (jlgid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jsljstid    int4        NOT NULL REFERENCES pgagent.pga_jobstep (jstid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jslstatus   char        NOT NULL DEFAULT 'r' CHECK (jslstatus IN ('r', 's', 'i', 'f', 'd')),
    jslresult   int4        NULL,
    jslstart    timestamptz NOT NULL DEFAULT current_timestamp,
    jslduration interval    NULL,
    jsloutput   text
);
CREATE INDEX pga_jobsteplog_jslid ON pgagent.pga_jobsteplog (jsljlgid);
COMMENT ON TABLE pgagent.pga_jobsteplog IS 'Job step run logs.';
COMMENT ON COLUMN pgagent.pga_jobsteplog.jslstatus IS 'Status of job step: r=running, s=successfully finished,  f=failed stopping job, i=ignored failure, d=aborted';
COMMENT ON COLUMN pgagent.pga_jobsteplog.jslresult IS 'Return code of job step';

-- source: functions/pgagent_schema_version.sql
-- pgAgent 4.x agents refuse to run unless this returns 4: it names the table layout, not
-- the extension version, and stays 4 for as long as every change is additive.
CREATE OR REPLACE FUNCTION pgagent.pgagent_schema_version() RETURNS int2
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN 4;
END
$$;

-- source: functions/pga_next_schedule--4.2.sql
-- Version 4.2's next-run search: walks calendar days in the session's time zone (as
-- pgAgent 4.2 does) and takes the first selected minute of the first matching day.
-- Bound: the Gregorian calendar repeats every 400 years (146097 days), so any
-- month/day/weekday combination that can ever match does so within one cycle.
CREATE OR REPLACE FUNCTION pgagent.pga_next_schedule(
    jscid int4, jscstart timestamptz, jscend timestamptz, jscminutes bool[], jschours bool[],
    jscweekdays bool[], jscmonthdays bool[], jscmonths bool[])
RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
    first_minute timestamp;
    day date;
    found_at timestamptz;
BEGIN
    IF jscstart IS NULL OR jscend <= now() THEN
        RETURN NULL;
    END IF;
    -- Strictly after now, and not before the start (rounded up to a whole minute).
    first_minute := greatest(date_trunc('minute', now()) + interval '1 minute',
                             date_trunc('minute', jscstart + interval '59.999999 seconds'))::timestamp;
    day := first_minute::date;
    WHILE day <= first_minute::date + 146097 AND (jscend IS NULL OR day <= jscend::date) LOOP
        IF (NOT true = ANY (jscmonths) OR jscmonths[extract(month FROM day)::int])
           AND (NOT true = ANY (jscweekdays) OR jscweekdays[extract(dow FROM day)::int + 1])
           AND (NOT true = ANY (jscmonthdays) OR jscmonthdays[extract(day FROM day)::int]
                OR (jscmonthdays[32] AND extract(month FROM day + 1) <> extract(month FROM day)))
        THEN
            SELECT min(wall::timestamptz) INTO found_at
              FROM (SELECT day + make_time(h, m, 0) AS wall, make_time(h, m, 0) AS tod
                      FROM generate_series(0, 23) AS h, generate_series(0, 59) AS m
                     WHERE (NOT true = ANY (jschours) OR jschours[h + 1])
                       AND (NOT true = ANY (jscminutes) OR jscminutes[m + 1])) AS candidate
             WHERE wall >= first_minute
               AND (jscend IS NULL OR wall::timestamptz <= jscend)
               AND NOT EXISTS (
                   SELECT 1 FROM pgagent.pga_exception AS e
                    WHERE e.jexscid = pga_next_schedule.jscid
                      AND (e.jexdate = day OR e.jexdate IS NULL)
                      AND (e.jextime = tod OR e.jextime IS NULL)
                      AND (e.jexdate IS NOT NULL OR e.jextime IS NOT NULL));
            IF found_at IS NOT NULL THEN
                RETURN found_at;
            END IF;
        END IF;
        day := day + 1;
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgagent.pga_next_schedule(int4, timestamptz, timestamptz, bool[], bool[], bool[], bool[], bool[])
    IS 'Calculates the next runtime for a given schedule';

-- source: functions/pga_is_leap_year.sql
CREATE OR REPLACE FUNCTION pgagent.pga_is_leap_year(int2) RETURNS bool
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT $1 % 4 = 0 AND ($1 % 100 <> 0 OR $1 % 400 = 0)
$$;
COMMENT ON FUNCTION pgagent.pga_is_leap_year(int2) IS 'Returns TRUE if $1 is a leap year';

-- source: triggers/pga_job_trigger.sql
-- The agent ends a run, and pgAdmin any edit, by setting jobnextrun NULL: that is the
-- signal to recompute it from the job's enabled schedules. "Run now" sets it to now()
-- and is kept as given.
CREATE OR REPLACE FUNCTION pgagent.pga_job_trigger() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT NEW.jobenabled THEN
        NEW.jobnextrun := NULL;
    ELSIF NEW.jobnextrun IS NULL THEN
        SELECT min(pgagent.pga_next_schedule(jscid, jscstart, jscend, jscminutes, jschours,
                                             jscweekdays, jscmonthdays, jscmonths))
          INTO NEW.jobnextrun
          FROM pgagent.pga_schedule
         WHERE jscenabled AND jscjobid = NEW.jobid;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_trigger() IS 'Update the job''s next run time.';

CREATE TRIGGER pga_job_trigger BEFORE UPDATE ON pgagent.pga_job
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_job_trigger();
COMMENT ON TRIGGER pga_job_trigger ON pgagent.pga_job IS 'Update the job''s next run time.';

-- source: triggers/pga_schedule_trigger.sql
-- Any schedule change resets the owning job's jobnextrun, which pga_job_trigger recomputes.
CREATE OR REPLACE FUNCTION pgagent.pga_schedule_trigger() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE pgagent.pga_job SET jobnextrun = NULL WHERE jobenabled AND jobid = OLD.jscjobid;
        RETURN OLD;
    END IF;
    UPDATE pgagent.pga_job SET jobnextrun = NULL WHERE jobenabled AND jobid = NEW.jscjobid;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION pgagent.pga_schedule_trigger() IS 'Update the job''s next run time whenever a schedule changes';

CREATE TRIGGER pga_schedule_trigger AFTER INSERT OR UPDATE OR DELETE ON pgagent.pga_schedule
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_schedule_trigger();
COMMENT ON TRIGGER pga_schedule_trigger ON pgagent.pga_schedule IS 'Update the job''s next run time whenever a schedule changes';

-- source: triggers/pga_exception_trigger.sql
-- Any exception change resets the owning job's jobnextrun, which pga_job_trigger recomputes.
CREATE OR REPLACE FUNCTION pgagent.pga_exception_trigger() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    schedule_id int4 := CASE WHEN TG_OP = 'DELETE' THEN OLD.jexscid ELSE NEW.jexscid END;
BEGIN
    UPDATE pgagent.pga_job SET jobnextrun = NULL
     WHERE jobenabled
       AND jobid = (SELECT jscjobid FROM pgagent.pga_schedule WHERE jscid = schedule_id);
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION pgagent.pga_exception_trigger() IS 'Update the job''s next run time whenever an exception changes';

CREATE TRIGGER pga_exception_trigger AFTER INSERT OR UPDATE OR DELETE ON pgagent.pga_exception
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_exception_trigger();
COMMENT ON TRIGGER pga_exception_trigger ON pgagent.pga_exception IS 'Update the job''s next run time whenever an exception changes';

-- source: misc/config_dump.sql
-- pg_dump keeps the rows of these tables (user jobs and their history); the five
-- built-in job classes are created by CREATE EXTENSION and must not be dumped twice.
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobagent', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobclass',
    $$WHERE jclname NOT IN ('Routine Maintenance', 'Data Import', 'Data Export', 'Data Summarisation', 'Miscellaneous')$$);
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_job', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobstep', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_schedule', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_exception', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_joblog', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobsteplog', '');

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

