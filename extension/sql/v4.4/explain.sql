-- Why a job is or is not about to run, one readable line per reason: disabled; no enabled
-- schedule; schedules that have ended; the next run and the zone it is read in (or why there
-- is none); no enabled step; no agent that can take it (none registered, none alive, none on
-- the station it is pinned to); the agent that has claimed it and whether that agent lives;
-- a last run that failed; exceptions that remove a schedule's next slot.
CREATE FUNCTION pgagent.explain(job_id int4)
RETURNS TABLE (reason text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    job pgagent.pga_job;
    db_zone text := pgagent.pga_timezone();
    s record;
    next_source record;
    live_stations text[];
    registered int4;
    last_run record;
BEGIN
    PERFORM pgagent.pga_job_exists(job_id);
    SELECT * INTO job FROM pgagent.pga_job WHERE jobid = job_id;
    IF NOT job.jobenabled THEN
        reason := format('disabled: it does not run until enabled (SELECT pgagent.alter_job(%s, enabled => true))', job_id);
        RETURN NEXT;
    END IF;

    IF NOT EXISTS (SELECT FROM pgagent.pga_schedule WHERE jscjobid = job_id AND jscenabled) THEN
        reason := format('no enabled schedule: it runs only when started by hand (SELECT pgagent.run_now(%s))', job_id);
        RETURN NEXT;
    END IF;
    FOR s IN SELECT jscname, jscend, coalesce(jsctimezone, db_zone) AS zone FROM pgagent.pga_schedule
              WHERE jscjobid = job_id AND jscenabled AND jscend <= now() ORDER BY jscid LOOP
        reason := format('schedule "%s" ended on %s', s.jscname, pgagent.pga_format_time(s.jscend, s.zone));
        RETURN NEXT;
    END LOOP;

    -- The schedule that gives the next run, if one does (else it was set by hand).
    SELECT jscname, coalesce(jsctimezone, db_zone) AS zone INTO next_source
      FROM pgagent.pga_schedule
     WHERE jscjobid = job_id AND jscenabled
       AND pgagent.pga_next_schedule_after(now(), jscid, jscstart, jscend, jscminutes, jschours, jscweekdays,
                                           jscmonthdays, jscmonths, jsctimezone) = job.jobnextrun
     ORDER BY jscid LIMIT 1;
    IF job.jobenabled AND job.jobnextrun IS NOT NULL THEN
        reason := CASE WHEN job.jobnextrun <= now() AND job.jobagentid IS NULL
                       THEN format('due since %s and waiting for an agent', pgagent.pga_format_time(job.jobnextrun, coalesce(next_source.zone, db_zone)))
                       WHEN next_source.jscname IS NULL
                       THEN format('next run at %s, asked for by hand (Run now)', pgagent.pga_format_time(job.jobnextrun, db_zone))
                       ELSE format('next run at %s, by schedule "%s"', pgagent.pga_format_time(job.jobnextrun, next_source.zone), next_source.jscname) END;
        RETURN NEXT;
    ELSIF job.jobenabled AND job.jobagentid IS NULL AND EXISTS (SELECT FROM pgagent.pga_schedule WHERE jscjobid = job_id AND jscenabled) THEN
        reason := 'no next run: none of its enabled schedules will fire again';
        RETURN NEXT;
    END IF;

    IF NOT EXISTS (SELECT FROM pgagent.pga_jobstep WHERE jstjobid = job_id AND jstenabled) THEN
        reason := 'no enabled step: a run would end at once as an internal error';
        RETURN NEXT;
    END IF;

    SELECT count(*), array_agg(DISTINCT jagstation ORDER BY jagstation) FILTER (WHERE pgagent.pga_agent_alive(jagpid))
      INTO registered, live_stations FROM pgagent.pga_jobagent;
    IF registered = 0 THEN
        reason := 'no agent registered at all: no pgagent is running against this database';
        RETURN NEXT;
    ELSIF live_stations IS NULL THEN
        reason := format('no live agent: the %s registered agent(s) are gone', registered);
        RETURN NEXT;
    ELSIF job.jobhostagent <> '' AND job.jobhostagent <> ALL (live_stations) THEN
        reason := format('pinned to station "%s" and no live agent has that station (live stations: %s)',
                         job.jobhostagent, array_to_string(live_stations, ', '));
        RETURN NEXT;
    END IF;

    IF job.jobagentid IS NOT NULL THEN
        SELECT format('claimed by agent pid %s on station "%s" since %s (%s)', job.jobagentid, coalesce(a.jagstation, '?'),
                      pgagent.pga_format_time(coalesce(
                          (SELECT max(jlgstart) FROM pgagent.pga_joblog WHERE jlgjobid = job_id AND jlgstatus = 'r'),
                          job.joblastrun), db_zone),
                      CASE WHEN pgagent.pga_agent_alive(job.jobagentid) THEN 'alive'
                           ELSE 'dead: the next agent to start marks its run aborted and frees the job' END)
          INTO reason
          FROM (SELECT) AS one LEFT JOIN pgagent.pga_jobagent a ON a.jagpid = job.jobagentid;
        RETURN NEXT;
    END IF;

    SELECT o.* INTO last_run
      FROM pgagent.pga_joblog l, pgagent.pga_run_outcome(l.jlgid, l.jlgstatus) AS o
     WHERE l.jlgjobid = job_id AND l.jlgstatus <> 'r'
     ORDER BY l.jlgid DESC LIMIT 1;
    IF last_run.status_text = 'failed' THEN
        reason := format('last run failed at step "%s" with: %s', last_run.step, last_run.detail);
        RETURN NEXT;
    END IF;

    FOR s IN SELECT jscname, coalesce(jsctimezone, db_zone) AS zone,
                    pgagent.pga_next_schedule_after(now(), jscid, jscstart, jscend, jscminutes, jschours, jscweekdays,
                                                    jscmonthdays, jscmonths, jsctimezone) AS run,
                    pgagent.pga_next_schedule_after(now(), NULL, jscstart, jscend, jscminutes, jschours, jscweekdays,
                                                    jscmonthdays, jscmonths, jsctimezone) AS unexcepted
               FROM pgagent.pga_schedule
              WHERE jscjobid = job_id AND jscenabled AND EXISTS (SELECT FROM pgagent.pga_exception WHERE jexscid = jscid)
              ORDER BY jscid LOOP
        IF s.unexcepted IS DISTINCT FROM s.run AND s.unexcepted IS NOT NULL THEN
            reason := format('an exception of schedule "%s" removes its run at %s%s', s.jscname, pgagent.pga_format_time(s.unexcepted, s.zone),
                             CASE WHEN s.run IS NULL THEN '; it has no later run'
                                  ELSE format('; its next run is at %s', pgagent.pga_format_time(s.run, s.zone)) END);
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION pgagent.explain(int4) IS 'Why a job is or is not about to run, one line per reason';
