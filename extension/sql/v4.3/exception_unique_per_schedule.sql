-- 4.2's unique index on (jexdate, jextime) spans all schedules, so two schedules could not
-- share an exception date. Per schedule is what was meant; existing rows already satisfy it.
DROP INDEX pgagent.pga_exception_datetime;
CREATE UNIQUE INDEX pga_exception_datetime ON pgagent.pga_exception (jexscid, jexdate, jextime);
COMMENT ON TABLE pgagent.pga_schedule IS 'Schedule for a job';
COMMENT ON TABLE pgagent.pga_exception IS 'Job schedule exceptions';
