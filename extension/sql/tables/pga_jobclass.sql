CREATE TABLE pgagent.pga_jobclass (
    jclid   serial NOT NULL PRIMARY KEY,
    jclname text   NOT NULL
);
CREATE UNIQUE INDEX pga_jobclass_name ON pgagent.pga_jobclass (jclname);
COMMENT ON TABLE pgagent.pga_jobclass IS 'Job classification';

-- The built-in classes; the dump filter in misc/config_dump.sql must name the same five.
INSERT INTO pgagent.pga_jobclass (jclname) VALUES
    ('Routine Maintenance'),
    ('Data Import'),
    ('Data Export'),
    ('Data Summarisation'),
    ('Miscellaneous');
