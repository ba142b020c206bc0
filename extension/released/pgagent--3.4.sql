-- Generated from extension/versions/3.4.list by scripts/build-extension-script.sh; edit the sources.
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

-- source: functions/pgagent_schema_version--3.sql
-- The layout number of pgAgent 3.x; only the 3.4 script uses it, so that the update
-- path from a 3.4 database can be tested.
CREATE OR REPLACE FUNCTION pgagent.pgagent_schema_version() RETURNS int2
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN 3;
END
$$;

