-- An agent alone on its database is told of every job change (pgagent_job, see pga_job_notify)
-- and renews no lease while no other agent could judge it, so it polls seldom. An agent's row
-- arriving must wake it at once, so that it renews its lease before the newcomer may take it for
-- dead; a row leaving may leave it alone, or be its own (deleted by hand: it registers again).
-- The payload is constant, so one notification per transaction however many rows.
CREATE FUNCTION pgagent.pga_jobagent_notify() RETURNS trigger
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_notify('pgagent_job', '');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION pgagent.pga_jobagent_notify() IS 'Tell listening agents that an agent registered or left.';

CREATE TRIGGER pga_jobagent_notify AFTER INSERT OR DELETE ON pgagent.pga_jobagent
    FOR EACH ROW EXECUTE PROCEDURE pgagent.pga_jobagent_notify();
COMMENT ON TRIGGER pga_jobagent_notify ON pgagent.pga_jobagent IS 'Tell listening agents that an agent registered or left.';
