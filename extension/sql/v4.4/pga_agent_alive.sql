-- Whether the agent registered under this pid is alive: its service connection's backend is
-- still there. The one place that says so for the views and explain(), so a finer test (a
-- heartbeat lease) changes only this.
CREATE FUNCTION pgagent.pga_agent_alive(jagpid int4)
RETURNS bool
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT FROM pg_catalog.pg_stat_activity WHERE pid = $1)
$$;
COMMENT ON FUNCTION pgagent.pga_agent_alive(int4) IS 'Whether the agent with this pid is alive';
