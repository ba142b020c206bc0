COMMENT ON SCHEMA pgagent IS 'pgAgent system tables';
