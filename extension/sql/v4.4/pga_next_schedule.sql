-- 4.4's next run: as 4.3's (the first run strictly after now()), read in the schedule's own
-- time zone (pga_schedule.jsctimezone) when it has one, else in the database's. The job
-- trigger calls this for each enabled schedule, so the zone applies everywhere a next run is
-- computed. (A schedule id that is not stored, as in previews, has no zone of its own.)
CREATE OR REPLACE FUNCTION pgagent.pga_next_schedule(
    jscid int4, jscstart timestamptz, jscend timestamptz, jscminutes bool[], jschours bool[],
    jscweekdays bool[], jscmonthdays bool[], jscmonths bool[])
RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT pgagent.pga_next_schedule_after(now(), $1, $2, $3, $4, $5, $6, $7, $8,
                                           (SELECT s.jsctimezone FROM pgagent.pga_schedule s WHERE s.jscid = $1))
$$;
