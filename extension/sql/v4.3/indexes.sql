-- The agents' due-job query: enabled, unclaimed jobs ordered by jobnextrun.
CREATE INDEX pga_job_due ON pgagent.pga_job (jobnextrun) WHERE jobenabled AND jobagentid IS NULL;
-- Zombie clean-up and the ON DELETE SET NULL from pga_jobagent look jobs up by agent.
CREATE INDEX pga_job_agentid ON pgagent.pga_job (jobagentid) WHERE jobagentid IS NOT NULL;
-- The ON DELETE RESTRICT check when a job class is deleted.
CREATE INDEX pga_job_jobjclid ON pgagent.pga_job (jobjclid);
-- Deleting a step cascades to its step logs; without this each delete scans them all.
CREATE INDEX pga_jobsteplog_jsljstid ON pgagent.pga_jobsteplog (jsljstid);
-- Zombie clean-up marks running logs aborted; running rows are few among millions.
CREATE INDEX pga_joblog_running ON pgagent.pga_joblog (jlgjobid) WHERE jlgstatus = 'r';
CREATE INDEX pga_jobsteplog_running ON pgagent.pga_jobsteplog (jsljlgid) WHERE jslstatus = 'r';
