-- pgAgent 4.x agents refuse to run unless this returns 4: it names the table layout, not
-- the extension version, and stays 4 for as long as every change is additive.
CREATE OR REPLACE FUNCTION pgagent.pgagent_schema_version() RETURNS int2
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN 4;
END
$$;
