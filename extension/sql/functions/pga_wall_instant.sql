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
