// Normalised views of the pgagent extension's catalog: each query yields one text line per
// object, named (never by oid) and ordered, so two databases compare with a readable diff.
import { TestDatabase } from './db';

const EXT = "(SELECT oid FROM pg_extension WHERE extname = 'pgagent')";
const IN_SCHEMA = "relnamespace = 'pgagent'::regnamespace";

const CATALOG_QUERIES = {
  extension: `
    SELECT format('%s %s schema=%s relocatable=%s', extname, extversion, extnamespace::regnamespace, extrelocatable::text)
      FROM pg_extension WHERE extname = 'pgagent'`,
  relations: `
    SELECT format('%s kind=%s persistence=%s owner=%s acl=%s', relname, relkind, relpersistence,
                  relowner::regrole, relacl)
      FROM pg_class WHERE ${IN_SCHEMA} ORDER BY relname`,
  columns: `
    SELECT concat(c.relname, '.', a.attname, ' ', format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN ' NOT NULL' END,
                  ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid))
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE c.${IN_SCHEMA} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
  constraints: `
    SELECT format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
      FROM pg_constraint WHERE connamespace = 'pgagent'::regnamespace
     ORDER BY conrelid::regclass::text, conname`,
  indexes: `
    SELECT pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE c.${IN_SCHEMA} ORDER BY 1`,
  sequences: `
    SELECT format('%s %s start=%s increment=%s owned by %s.%s', s.seqrelid::regclass, s.seqtypid::regtype,
                  s.seqstart, s.seqincrement, d.refobjid::regclass, a.attname)
      FROM pg_sequence s
      JOIN pg_class c ON c.oid = s.seqrelid
      LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype = 'a'
                           AND d.refclassid = 'pg_class'::regclass
      LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE c.${IN_SCHEMA} ORDER BY 1`,
  sequenceState: `
    SELECT format('%s last_value=%s', sequencename, last_value)
      FROM pg_sequences WHERE schemaname = 'pgagent' ORDER BY sequencename`,
  functions: `
    SELECT format('%s returns %s', oid::regprocedure, prorettype::regtype)
      FROM pg_proc WHERE pronamespace = 'pgagent'::regnamespace ORDER BY 1`,
  functionDefinitions: `
    SELECT pg_get_functiondef(oid) || format('owner=%s acl=%s', proowner::regrole, proacl)
      FROM pg_proc WHERE pronamespace = 'pgagent'::regnamespace ORDER BY oid::regprocedure::text`,
  triggers: `
    SELECT pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.${IN_SCHEMA} AND NOT t.tgisinternal ORDER BY c.relname, t.tgname`,
  comments: `
    SELECT format('%s: %s', pg_describe_object(classoid, objoid, objsubid), description)
      FROM pg_description WHERE pg_describe_object(classoid, objoid, objsubid) LIKE '%pgagent%'
     ORDER BY 1`,
  members: `
    SELECT pg_describe_object(classid, objid, objsubid)
      FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND refobjid = ${EXT} AND deptype = 'e'
     ORDER BY 1`,
  configDump: `
    SELECT concat(cfg.rel::regclass, ' ' || nullif(cfg.cond, ''))
      FROM pg_extension e, unnest(e.extconfig::regclass[], e.extcondition) AS cfg(rel, cond)
     WHERE e.extname = 'pgagent' ORDER BY 1`,
  jobClasses: `SELECT format('%s %s', jclid, jclname) FROM pgagent.pga_jobclass ORDER BY jclid`,
};

export type CatalogSection = keyof typeof CATALOG_QUERIES;

function firstColumn(rows: Record<string, string>[]): string[] {
  return rows.map((r) => Object.values(r)[0]);
}

export async function catalogLines(db: TestDatabase, section: CatalogSection): Promise<string[]> {
  return firstColumn(await db.query<Record<string, string>>(CATALOG_QUERIES[section]));
}

/** Every section, for comparing two databases object for object. */
export async function catalogSnapshot(db: TestDatabase): Promise<Record<string, string[]>> {
  const client = await db.connect();
  try {
    const snapshot: Record<string, string[]> = {};
    for (const [section, sql] of Object.entries(CATALOG_QUERIES)) {
      snapshot[section] = firstColumn((await client.query(sql)).rows);
    }
    return snapshot;
  } finally {
    await client.end();
  }
}
