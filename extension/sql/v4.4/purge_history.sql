-- Deletes finished runs (their step logs go with them, ON DELETE CASCADE) started before
-- now() - older_than, keeping each job's newest keep_per_job runs and every running one.
-- It works job by job in batches of batch_size runs, and skips rows another session has
-- locked instead of waiting for them, so agents writing the log are never blocked. A call is
-- one transaction: max_runs bounds it, so a caller that wants short transactions (the agent's
-- retention) calls it again until it returns 0. Returns the number of runs deleted.
CREATE FUNCTION pgagent.purge_history(
    older_than interval,
    keep_per_job int DEFAULT 10,
    max_runs bigint DEFAULT NULL,
    batch_size int DEFAULT 5000
) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    cutoff     timestamptz := now() - older_than;
    job        int4;
    keep_start timestamptz;
    keep_id    int4;
    batch      bigint;
    total      bigint := 0;
BEGIN
    IF older_than IS NULL OR older_than < interval '0' THEN
        RAISE EXCEPTION 'purge_history: older_than must be an interval of zero or more, not %', coalesce(older_than::text, 'NULL');
    END IF;
    IF keep_per_job IS NULL OR keep_per_job < 0 THEN
        RAISE EXCEPTION 'purge_history: keep_per_job must be zero or more, not %', coalesce(keep_per_job::text, 'NULL');
    END IF;
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'purge_history: batch_size must be at least 1, not %', coalesce(batch_size::text, 'NULL');
    END IF;
    FOR job IN SELECT DISTINCT jlgjobid FROM pgagent.pga_joblog WHERE jlgstart < cutoff ORDER BY 1 LOOP
        -- The oldest run this job keeps; with fewer than keep_per_job runs it keeps them all.
        keep_start := NULL;
        keep_id := NULL;
        IF keep_per_job > 0 THEN
            SELECT jlgstart, jlgid INTO keep_start, keep_id FROM pgagent.pga_joblog
             WHERE jlgjobid = job ORDER BY jlgstart DESC, jlgid DESC OFFSET keep_per_job - 1 LIMIT 1;
            CONTINUE WHEN NOT FOUND;
        END IF;
        LOOP
            EXIT WHEN max_runs IS NOT NULL AND total >= max_runs;
            DELETE FROM pgagent.pga_joblog WHERE jlgid IN (
                SELECT jlgid FROM pgagent.pga_joblog
                 WHERE jlgjobid = job AND jlgstart < cutoff AND jlgstatus <> 'r'
                   AND (keep_id IS NULL OR (jlgstart, jlgid) < (keep_start, keep_id))
                 ORDER BY jlgstart, jlgid
                 LIMIT least(batch_size, coalesce(max_runs - total, batch_size))
                 FOR UPDATE SKIP LOCKED);
            GET DIAGNOSTICS batch = ROW_COUNT;
            total := total + batch;
            EXIT WHEN batch = 0;
        END LOOP;
        EXIT WHEN max_runs IS NOT NULL AND total >= max_runs;
    END LOOP;
    RETURN total;
END
$$;
COMMENT ON FUNCTION pgagent.purge_history(interval, int, bigint, int) IS
    'Delete finished runs older than older_than, keeping each job''s newest keep_per_job runs and every running one.';
