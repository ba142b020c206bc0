-- Marking a table does not dump its serial sequence's position: without these a restored
-- database hands out ids 1, 2, ... again and the next new job collides with a restored one.
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobclass_jclid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_job_jobid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobstep_jstid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_schedule_jscid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_exception_jexid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_joblog_jlgid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('pgagent.pga_jobsteplog_jslid_seq', '');
