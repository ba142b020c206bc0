// The extension's versioned scripts, read from its directory for an install without
// CREATE EXTENSION: which scripts exist, which path leads from one version to another (as
// ALTER EXTENSION UPDATE finds it), and each script's text as plain SQL.
import * as fs from 'fs';
import * as path from 'path';

/**
 * The directory of pgagent.control, released/ and build/: PGAGENT_EXTENSION_DIR, else the
 * extension/ beside the agent's code (dist/agent/schema or agent/schema: the nearest one up).
 */
export function extensionDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PGAGENT_EXTENSION_DIR) return env.PGAGENT_EXTENSION_DIR;
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'extension', 'pgagent.control'))) return path.join(dir, 'extension');
  }
  throw new Error(`no extension/pgagent.control above ${__dirname}: set PGAGENT_EXTENSION_DIR`);
}
const SCRIPT_DIRS = ['released', 'build'];

export interface Script {
  /** undefined for an install script (pgagent--X.sql), the source version for an update (pgagent--X--Y.sql). */
  from?: string;
  to: string;
  file: string;
}

export interface ScriptSet {
  defaultVersion: string;
  scripts: Script[];
}

export function readScriptSet(dir = extensionDir()): ScriptSet {
  const control = fs.readFileSync(path.join(dir, 'pgagent.control'), 'utf8');
  const defaultVersion = /^default_version\s*=\s*'([^']+)'/m.exec(control)?.[1];
  if (!defaultVersion) throw new Error(`${dir}/pgagent.control has no default_version`);
  const scripts: Script[] = [];
  for (const sub of SCRIPT_DIRS) {
    const subdir = path.join(dir, sub);
    if (!fs.existsSync(subdir)) continue;
    for (const name of fs.readdirSync(subdir).sort()) {
      const m = /^pgagent--([^-]+)(?:--([^-]+))?\.sql$/.exec(name);
      if (!m) continue;
      const file = path.join(subdir, name);
      scripts.push(m[2] === undefined ? { to: m[1], file } : { from: m[1], to: m[2], file });
    }
  }
  return { defaultVersion, scripts };
}

/** The install script of version, or undefined. */
export function installScript(set: ScriptSet, version: string): Script | undefined {
  return set.scripts.find((s) => s.from === undefined && s.to === version);
}

/**
 * The shortest chain of update scripts from one version to another, as PostgreSQL chooses
 * for ALTER EXTENSION UPDATE; [] when they are equal, undefined when there is none.
 */
export function updatePath(set: ScriptSet, from: string, to: string): Script[] | undefined {
  const reached = new Map<string, Script[]>([[from, []]]);
  const queue = [from];
  while (queue.length > 0) {
    const version = queue.shift()!;
    const steps = reached.get(version)!;
    if (version === to) return steps;
    for (const s of set.scripts.filter((s) => s.from === version && !reached.has(s.to))) {
      reached.set(s.to, [...steps, s]);
      queue.push(s.to);
    }
  }
  return undefined;
}

// Only CREATE EXTENSION may load the scripts as they are: each starts with a psql guard, and
// pg_extension_config_dump marks tables for pg_dump of an extension (outside one it fails; a
// plain schema's rows are dumped anyway).
const GUARD = /^\\echo .*\\quit[ \t]*\n/gm;
const CONFIG_DUMP = /^SELECT pg_catalog\.pg_extension_config_dump\([\s\S]*?\);[ \t]*$/gm;

/** A script's text as plain SQL for the pgagent schema. */
export function plainSql(script: Script): string {
  return fs
    .readFileSync(script.file, 'utf8')
    .replace(GUARD, '')
    .replace(CONFIG_DUMP, '-- (pg_extension_config_dump: for extensions only)')
    .replace(/@extschema@/g, 'pgagent');
}
