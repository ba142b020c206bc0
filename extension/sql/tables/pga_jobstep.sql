-- An SQL step names either a local database (jstdbname) or a full connection string
-- (jstconnstr), never both; a batch step names neither.
CREATE TABLE pgagent.pga_jobstep (
    jstid      serial      NOT NULL PRIMARY KEY,
    jstjobid   int4        NOT NULL REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE ON UPDATE RESTRICT,
    jstname    text        NOT NULL,
    jstdesc    text        NOT NULL DEFAULT '',
    jstenabled bool        NOT NULL DEFAULT true,
    jstkind    char        NOT NULL CHECK (jstkind IN ('b', 's')),
    jstcode    text        NOT NULL,
    jstconnstr text        NOT NULL DEFAULT ''
               CHECK ((jstconnstr != '' AND jstkind = 's') OR (jstconnstr = '' AND (jstkind = 'b' OR jstdbname != ''))),
    jstdbname  name        NOT NULL DEFAULT ''
               CHECK ((jstdbname != '' AND jstkind = 's') OR (jstdbname = '' AND (jstkind = 'b' OR jstconnstr != ''))),
    jstonerror char        NOT NULL DEFAULT 'f' CHECK (jstonerror IN ('f', 's', 'i')),
    jscnextrun timestamptz NULL
);
CREATE INDEX pga_jobstep_jobid ON pgagent.pga_jobstep (jstjobid);
COMMENT ON TABLE pgagent.pga_jobstep IS 'Job step to be executed';
COMMENT ON COLUMN pgagent.pga_jobstep.jstkind IS 'Kind of jobstep: s=sql, b=batch';
COMMENT ON COLUMN pgagent.pga_jobstep.jstonerror IS 'What to do if step returns an error: f=fail the job, s=mark step as succeeded and continue, i=mark as fail but ignore it and proceed';
