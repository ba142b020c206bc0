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
