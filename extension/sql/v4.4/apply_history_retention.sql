-- The database's history retention, for agents to apply periodically:
--     ALTER DATABASE mydb SET pgagent.history_retention = '30 days';
--     ALTER DATABASE mydb SET pgagent.history_keep_per_job = 10;   -- the default
-- Read from the catalog like pgagent.timezone, so a change applies without reconnecting.
-- Unset means keep everything, as pgAgent does. One call purges at most max_runs runs in its
-- own transaction and returns how many; NULL when there is nothing to do: no retention set,
-- or another session is applying it right now (an advisory lock, so that of several agents
-- one at a time does the work). A setting that is not an interval or a number is an error
-- naming it, which the agent logs.
CREATE FUNCTION pgagent.apply_history_retention(max_runs bigint DEFAULT 1000) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    settings  text[];
    retention text;
    keep      text;
BEGIN
    SELECT setconfig INTO settings FROM pg_catalog.pg_db_role_setting
     WHERE setrole = 0
       AND setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());
    SELECT substr(s, length('pgagent.history_retention=') + 1) INTO retention
      FROM unnest(settings) s WHERE s LIKE 'pgagent.history\_retention=%';
    SELECT substr(s, length('pgagent.history_keep_per_job=') + 1) INTO keep
      FROM unnest(settings) s WHERE s LIKE 'pgagent.history\_keep\_per\_job=%';
    IF retention IS NULL OR retention = '' THEN
        RETURN NULL;
    END IF;
    -- Advisory locks are per database, so one constant key serves every database.
    IF NOT pg_try_advisory_xact_lock(hashtext('pgagent.history_retention')) THEN
        RETURN NULL;
    END IF;
    BEGIN
        RETURN pgagent.purge_history(retention::interval, coalesce(nullif(keep, '')::int, 10), max_runs);
    EXCEPTION WHEN invalid_datetime_format OR invalid_text_representation OR datetime_field_overflow THEN
        RAISE EXCEPTION 'pgagent.history_retention = ''%'', pgagent.history_keep_per_job = ''%'': %',
            retention, coalesce(keep, ''), SQLERRM
            USING HINT = 'Set pgagent.history_retention to an interval such as ''30 days'' and pgagent.history_keep_per_job to a whole number.';
    END;
END
$$;
COMMENT ON FUNCTION pgagent.apply_history_retention(bigint) IS
    'Apply the database''s pgagent.history_retention setting (one agent at a time); NULL when there is nothing to do.';
