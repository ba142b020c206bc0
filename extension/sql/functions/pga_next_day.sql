-- The first day from from_day on, in the month that starts on first_day and has `length`
-- days, whose day of month (monthdays[32] = the last day) and weekday (weekdays[1] =
-- Sunday) are both selected; NULL if none. Arrays as made by pga_selection().
CREATE OR REPLACE FUNCTION pgagent.pga_next_day(first_day date, length int4, from_day int4, weekdays bool[], monthdays bool[])
RETURNS int4
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    day int4 := from_day;
    -- 0 = Sunday: 2000-01-02 was one
    first_weekday int4 := ((first_day - DATE '2000-01-02') % 7 + 7) % 7;
    weekday int4;
BEGIN
    -- Jump alternately to the next selected day of month and the next selected weekday until
    -- both agree; every jump moves forward, and past the month's end there is none.
    LOOP
        day := coalesce(pgagent.pga_next_selected(monthdays, day, length),
                        CASE WHEN monthdays[32] THEN length END);
        IF day IS NULL THEN
            RETURN NULL;
        END IF;
        weekday := (first_weekday + day - 1) % 7 + 1;
        IF weekdays[weekday] THEN
            RETURN day;
        END IF;
        day := day - weekday + coalesce(pgagent.pga_next_selected(weekdays, weekday, 7),
                                        pgagent.pga_next_selected(weekdays, 1, 7) + 7);
        IF day > length THEN
            RETURN NULL;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pgagent.pga_next_day(date, int4, int4, bool[], bool[]) IS 'The next day of a month that a schedule selects';
