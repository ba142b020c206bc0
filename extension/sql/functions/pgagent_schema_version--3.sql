-- The layout number of pgAgent 3.x; only the 3.4 script uses it, so that the update
-- path from a 3.4 database can be tested.
CREATE OR REPLACE FUNCTION pgagent.pgagent_schema_version() RETURNS int2
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN 3;
END
$$;
