-- Sets the one step of a job made from SQL: its kind ('s' SQL, 'b' batch), code and database
-- (SQL steps; a batch step has none), each NULL = unchanged; a job without steps gets one.
-- A job with several steps (made in pgAdmin) is refused: which one is meant cannot be told.
CREATE FUNCTION pgagent.pga_job_set_step(job_id int4, kind char, code text, dbname text)
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    steps int4[];
    old_kind char;
BEGIN
    SELECT array_agg(jstid ORDER BY jstid), min(jstkind) INTO steps, old_kind FROM pgagent.pga_jobstep WHERE jstjobid = job_id;
    IF cardinality(steps) > 1 THEN
        RAISE EXCEPTION 'job % has % steps (ids %); the SQL API changes jobs of one step only', job_id, cardinality(steps), array_to_string(steps, ', ')
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Change its steps in pgAdmin or in pgagent.pga_jobstep.';
    END IF;
    IF dbname IS NOT NULL THEN
        IF coalesce(kind, old_kind) = 'b' THEN
            RAISE EXCEPTION 'job % runs a shell script: it has no database', job_id USING ERRCODE = 'invalid_parameter_value';
        ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = dbname) THEN
            RAISE EXCEPTION 'database "%" does not exist', dbname USING ERRCODE = 'invalid_catalog_name';
        END IF;
    END IF;
    IF steps IS NULL THEN
        INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname)
        VALUES (job_id, 'command', coalesce(kind, 's'), coalesce(code, ''),
                CASE WHEN coalesce(kind, 's') = 's' THEN coalesce(dbname, current_database()) ELSE '' END);
        RETURN;
    END IF;
    UPDATE pgagent.pga_jobstep
       SET jstkind = coalesce(kind, jstkind),
           jstcode = coalesce(code, jstcode),
           jstdbname = CASE WHEN coalesce(kind, jstkind) = 'b' THEN ''
                            WHEN dbname IS NOT NULL THEN dbname
                            WHEN jstdbname = '' AND jstconnstr = '' THEN current_database()
                            ELSE jstdbname END,
           jstconnstr = CASE WHEN coalesce(kind, jstkind) = 'b' OR dbname IS NOT NULL THEN '' ELSE jstconnstr END,
           jstenabled = jstenabled OR kind IS NOT NULL
     WHERE jstid = steps[1];
END
$$;
COMMENT ON FUNCTION pgagent.pga_job_set_step(int4, char, text, text) IS 'Set the one step of a job made from SQL';
