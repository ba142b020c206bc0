-- purge_history keeps each job's newest runs: it finds a job's k-th newest run and deletes
-- what is older, both by this index rather than by sorting the whole log.
CREATE INDEX pga_joblog_job_start ON pgagent.pga_joblog (jlgjobid, jlgstart, jlgid);
