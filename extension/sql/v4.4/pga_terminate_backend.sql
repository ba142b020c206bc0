-- The sweep of dead agents ends their leftover backends (a frozen agent's service connection,
-- the SQL steps of the runs it records aborted) and waits up to 5 s for them to be gone, so the
-- job's next run does not overlap them. Without the right to signal a backend (superuser, the
-- same role, or pg_signal_backend) pg_terminate_backend raises an error, which would stop the
-- whole sweep: here it is a warning, and the backend is left alone.
CREATE FUNCTION pgagent.pga_terminate_backend(pid int4) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT pg_catalog.pg_terminate_backend(pid) THEN
        RETURN false;
    END IF;
    FOR i IN 1..100 LOOP
        -- pg_stat_activity is read once per transaction unless told to read it again.
        PERFORM pg_catalog.pg_stat_clear_snapshot();
        EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity s WHERE s.pid = pga_terminate_backend.pid);
        PERFORM pg_catalog.pg_sleep(0.05);
    END LOOP;
    RETURN true;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'pgagent: cannot terminate backend %: %', pid, SQLERRM;
    RETURN false;
END
$$;
COMMENT ON FUNCTION pgagent.pga_terminate_backend(int4) IS 'pg_terminate_backend that waits for the backend to end, with a missing privilege a warning instead of an error.';
