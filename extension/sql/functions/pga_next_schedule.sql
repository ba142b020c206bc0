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
