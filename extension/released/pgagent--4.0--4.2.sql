-- Generated from extension/versions/4.0--4.2.list by scripts/build-extension-script.sh; edit the sources.
\echo Use "ALTER EXTENSION pgagent UPDATE" to load this file. \quit

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

