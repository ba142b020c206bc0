-- pg_dump keeps the rows of these tables (user jobs and their history); the five
-- built-in job classes are created by CREATE EXTENSION and must not be dumped twice.
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobagent', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobclass',
    $$WHERE jclname NOT IN ('Routine Maintenance', 'Data Import', 'Data Export', 'Data Summarisation', 'Miscellaneous')$$);
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_job', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobstep', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_schedule', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_exception', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_joblog', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobsteplog', '');
