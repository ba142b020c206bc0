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
