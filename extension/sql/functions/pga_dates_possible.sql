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
