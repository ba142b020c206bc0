// Connection strings as libpq takes them, and what they become for node-postgres: libpq's rules
// alone, no server (the real connections are in test/agent/connection.test.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClientConfig } from 'pg';
import type { ConnectionOptions } from 'tls';
import { ConninfoError, DEFAULT_SOCKET_DIR, parseConninfo, redactConninfo } from '../../agent/libpq';
import { attempts, cleanEnv, config, perHost, plan, tmp, writeFile } from '../helpers/conninfo';

function parseError(conninfo: string): string {
  try {
    parseConninfo(conninfo);
  } catch (err) {
    expect(err).toBeInstanceOf(ConninfoError);
    return (err as Error).message;
  }
  throw new Error(`no error for ${conninfo}`);
}

describe('keyword=value strings', () => {
  test("libpq's example", () => {
    expect(parseConninfo('host=localhost port=5432 dbname=mydb connect_timeout=10')).toEqual({
      host: 'localhost',
      port: '5432',
      dbname: 'mydb',
      connect_timeout: '10',
    });
  });

  test('whitespace around = and between pairs is optional', () => {
    expect(parseConninfo('  host = localhost\tport=\n5432   ')).toEqual({ host: 'localhost', port: '5432' });
    expect(parseConninfo('')).toEqual({});
  });

  test("single quotes allow spaces and empty values; \\ escapes ' and \\", () => {
    expect(parseConninfo("password='a b\\'c\\\\d' options='-c x=1' dbname=''")).toEqual({
      password: "a b'c\\d",
      options: '-c x=1',
      dbname: '',
    });
  });

  test('backslash escapes work unquoted too', () => {
    expect(parseConninfo('dbname=a\\ b user=x\\\\y')).toEqual({ dbname: 'a b', user: 'x\\y' });
  });

  test('blanks after = are skipped, so "host= port=5432" gives host "port=5432", as libpq does', () => {
    expect(parseConninfo('host= port=5432')).toEqual({ host: 'port=5432' });
  });

  test('a later keyword wins', () => {
    expect(parseConninfo('dbname=a dbname=b')).toEqual({ dbname: 'b' });
  });

  test('unknown keywords, a missing = and unterminated quotes are rejected', () => {
    expect(parseError('host=x foo=bar')).toBe('invalid connection option "foo"');
    expect(parseError('host=x dbname')).toBe('missing "=" after "dbname" in connection info string');
    expect(parseError("dbname='abc")).toBe('unterminated quoted string in connection info string');
    expect(parseError('just-a-database-name')).toMatch(/missing "="/);
  });

  test('error messages never include a password', () => {
    for (const bad of [
      "password='s3cret",
      'password=s3cret tail',
      'password=s3cret tail=1',
      "user=u password='s3cret",
    ]) {
      expect(parseError(bad)).not.toMatch(/s3cret|tail/);
    }
  });
});

describe('URIs', () => {
  test("libpq's examples", () => {
    expect(parseConninfo('postgresql://')).toEqual({});
    expect(parseConninfo('postgresql://localhost')).toEqual({ host: 'localhost' });
    expect(parseConninfo('postgresql://localhost:5433')).toEqual({ host: 'localhost', port: '5433' });
    expect(parseConninfo('postgresql://localhost/mydb')).toEqual({ host: 'localhost', dbname: 'mydb' });
    expect(parseConninfo('postgresql://user@localhost')).toEqual({ user: 'user', host: 'localhost' });
    expect(parseConninfo('postgresql://user:secret@localhost')).toEqual({
      user: 'user',
      password: 'secret',
      host: 'localhost',
    });
    expect(
      parseConninfo('postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp'),
    ).toEqual({
      user: 'other',
      host: 'localhost',
      dbname: 'otherdb',
      connect_timeout: '10',
      application_name: 'myapp',
    });
    expect(
      parseConninfo(
        'postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp',
      ),
    ).toEqual({
      host: 'host1,host2',
      port: '123,456',
      dbname: 'somedb',
      target_session_attrs: 'any',
      application_name: 'myapp',
    });
    expect(parseConninfo('postgresql:///mydb?host=localhost&port=5433')).toEqual({
      dbname: 'mydb',
      host: 'localhost',
      port: '5433',
    });
    expect(
      parseConninfo('postgresql://user@localhost:5433/mydb?options=-c%20synchronous_commit%3Doff'),
    ).toEqual({
      user: 'user',
      host: 'localhost',
      port: '5433',
      dbname: 'mydb',
      options: '-c synchronous_commit=off',
    });
    expect(parseConninfo('postgresql://[2001:db8::1234]/database')).toEqual({
      host: '2001:db8::1234',
      dbname: 'database',
    });
    expect(parseConninfo('postgresql:///dbname?host=/var/lib/postgresql')).toEqual({
      dbname: 'dbname',
      host: '/var/lib/postgresql',
    });
    expect(parseConninfo('postgresql://%2Fvar%2Flib%2Fpostgresql/dbname')).toEqual({
      host: '/var/lib/postgresql',
      dbname: 'dbname',
    });
  });

  test('postgres:// is the same scheme', () => {
    expect(parseConninfo('postgres://u@h:1/d')).toEqual({ user: 'u', host: 'h', port: '1', dbname: 'd' });
  });

  test('percent-decoding of user info and database, UTF-8 included', () => {
    expect(parseConninfo('postgresql://us%40er:p%3Aw%2Fd@h/caf%C3%A9')).toEqual({
      user: 'us@er',
      password: 'p:w/d',
      host: 'h',
      dbname: 'café',
    });
  });

  test('a password may hold ? unencoded, as user info ends at the @', () => {
    expect(parseConninfo('postgresql://u:pa?ss@h/d')).toEqual({
      user: 'u',
      password: 'pa?ss',
      host: 'h',
      dbname: 'd',
    });
  });

  test('host lists keep their positions for the ports', () => {
    expect(parseConninfo('postgresql://[::1]:5433,h2/db')).toEqual({
      host: '::1,h2',
      port: '5433,',
      dbname: 'db',
    });
    expect(parseConninfo('postgresql://h1,h2:7')).toEqual({ host: 'h1,h2', port: ',7' });
  });

  test('empty parts are not set, so the environment still applies', () => {
    expect(parseConninfo('postgresql://@/?')).toEqual({});
    expect(parseConninfo('postgresql://h/')).toEqual({ host: 'h' });
  });

  test('ssl=true is sslmode=require', () => {
    expect(parseConninfo('postgresql://h/d?ssl=true')).toEqual({
      host: 'h',
      dbname: 'd',
      sslmode: 'require',
    });
  });

  test('malformed URIs are rejected', () => {
    expect(parseError('postgresql://h/d?foo=1')).toBe('invalid URI query parameter "foo"');
    expect(parseError('postgresql://h/d?dbname')).toBe(
      'missing key/value separator "=" in URI query parameter "dbname"',
    );
    expect(parseError('postgresql://h/d?user=a=b')).toBe(
      'extra key/value separator "=" in URI query parameter "user"',
    );
    expect(parseError('postgresql://[::1/d')).toMatch(/matching "\]" in IPv6 host address/);
    expect(parseError('postgresql://[]/d')).toBe('IPv6 host address may not be empty in URI');
    expect(parseError('postgresql://[::1]x/d')).toBe(
      'unexpected character "x" at position 19 in URI (expected ":" or "/")',
    );
    expect(parseError('postgresql://h/%zz')).toBe(
      'invalid percent-encoded token in the database name of the URI',
    );
    expect(parseError('postgresql://h/a%00b')).toBe('forbidden value %00 in the database name of the URI');
  });

  test('errors about a password do not quote it', () => {
    expect(parseError('postgresql://u:s3cr%zz@h')).not.toMatch(/s3cr/);
    expect(parseError('postgresql://h?password=s3cret&x')).not.toMatch(/s3cret/);
  });
});

describe('redactConninfo', () => {
  test.each([
    ['host=x password=secret user=u', 'host=x password=******** user=u'],
    ["host=x password = 'se cr\\'et' user=u", 'host=x password = ******** user=u'],
    ['sslpassword=k host=x', 'sslpassword=******** host=x'],
    ['host=x user=u', 'host=x user=u'],
    ["password='unterminated secret", 'password=********'],
    ['password=two words', 'password=******** ********'],
    ['postgresql://u:secret@h:5/d', 'postgresql://u:********@h:5/d'],
    ['postgresql://u:pa?ss@h/d', 'postgresql://u:********@h/d'],
    [
      'postgresql://u@h/d?password=secret&application_name=a',
      'postgresql://u@h/d?password=********&application_name=a',
    ],
    ['postgres://h/d', 'postgres://h/d'],
    ['postgresql://h?user=a@b&password=secret', 'postgresql://h?user=a@b&password=********'],
    ['postgresql://h/d?pass%77ord=secret', 'postgresql://h/d?pass%77ord=********'],
  ])('%s', (input, expected) => {
    expect(redactConninfo(input)).toBe(expected);
  });
});

describe('connectionPlan: environment and defaults', () => {
  test('defaults: socket dir or localhost, 5432, the OS user, dbname = user, application_name pgagent', () => {
    const c = config('');
    const user = os.userInfo().username;
    expect(c).toMatchObject({
      port: 5432,
      user,
      database: user,
      application_name: 'pgagent',
      keepAlive: true,
    });
    expect(c.host).toBe(fs.existsSync(DEFAULT_SOCKET_DIR) ? DEFAULT_SOCKET_DIR : 'localhost');
  });

  test('PG* variables fill what the string does not give', () => {
    const env = cleanEnv({
      PGHOST: 'db.example',
      PGPORT: '6543',
      PGDATABASE: 'envdb',
      PGUSER: 'envuser',
      PGPASSWORD: 'envpw',
      PGAPPNAME: 'envapp',
      PGCONNECT_TIMEOUT: '7',
      PGOPTIONS: '-c work_mem=64MB',
      PGCLIENTENCODING: 'LATIN1',
    });
    expect(config('', env)).toMatchObject({
      host: 'db.example',
      port: 6543,
      database: 'envdb',
      user: 'envuser',
      password: 'envpw',
      application_name: 'envapp',
      connectionTimeoutMillis: 7000,
      options: '-c work_mem=64MB',
      client_encoding: 'LATIN1',
    });
    expect(config('host=h port=1 dbname=d user=u password=p application_name=a', env)).toMatchObject({
      host: 'h',
      port: 1,
      database: 'd',
      user: 'u',
      password: 'p',
      application_name: 'a',
    });
  });

  test('an empty value in the string overrides the variable and means the default', () => {
    const env = cleanEnv({ PGDATABASE: 'envdb', PGUSER: 'envuser' });
    expect(config("dbname=''", env).database).toBe('envuser');
    expect(config("dbname='' user=''", env).user).toBe(os.userInfo().username);
  });

  test('a host starting with / is a socket directory; hostaddr is where to connect', () => {
    expect(config('host=/tmp/sockets port=5433')).toMatchObject({
      host: '/tmp/sockets',
      port: 5433,
      ssl: false,
    });
    const c = config('host=db.example hostaddr=192.0.2.1 sslmode=require');
    expect(c.host).toBe('192.0.2.1');
    expect((c.ssl as ConnectionOptions).servername).toBe('db.example');
  });

  test('connect_timeout in seconds, at least 2, zero meaning none', () => {
    expect(config('connect_timeout=10').connectionTimeoutMillis).toBe(10000);
    expect(config('connect_timeout=1').connectionTimeoutMillis).toBe(2000);
    expect(config('connect_timeout=0').connectionTimeoutMillis).toBeUndefined();
    expect(() => config('connect_timeout=ten')).toThrow(
      'invalid integer value "ten" for connection option "connect_timeout"',
    );
  });

  test('application_name, then PGAPPNAME, then fallback_application_name, then pgagent', () => {
    expect(config('fallback_application_name=fb').application_name).toBe('fb');
    expect(config('fallback_application_name=fb', cleanEnv({ PGAPPNAME: 'env' })).application_name).toBe(
      'env',
    );
    expect(config('application_name=mine fallback_application_name=fb').application_name).toBe('mine');
  });

  test('keepalives', () => {
    expect(config('keepalives=0').keepAlive).toBe(false);
    expect(config('keepalives_idle=30')).toMatchObject({
      keepAlive: true,
      keepAliveInitialDelayMillis: 30000,
    });
  });

  test('PGDATESTYLE and PGTZ become startup settings', () => {
    const env = cleanEnv({ PGTZ: 'Europe/Paris', PGDATESTYLE: 'ISO, DMY' });
    expect(config('options=-cwork_mem=1MB', env).options).toBe(
      '-cwork_mem=1MB -c datestyle=ISO,\\ DMY -c timezone=Europe/Paris',
    );
  });

  test('bad ports are rejected', () => {
    expect(() => config('port=abc')).toThrow('invalid port number: "abc"');
    expect(() => config('port=70000')).toThrow(ConninfoError);
  });

  test('a host list is one entry per host, in order', () => {
    expect(perHost('host=a,b,/sock port=1,2,3 dbname=d').map((c) => [c.host, c.port])).toEqual([
      ['a', 1],
      ['b', 2],
      ['/sock', 3],
    ]);
    expect(perHost('host=a,b port=9').map((c) => c.port)).toEqual([9, 9]);
    expect(() => plan('host=a,b port=1,2,3')).toThrow('could not match 3 port numbers to 2 hosts');
    expect(
      plan('host=a,/sock port=1,2').hosts.map(({ name, port, socket, numeric }) => ({
        name,
        port,
        socket,
        numeric,
      })),
    ).toEqual([
      { name: 'a', port: 1, socket: false, numeric: false },
      { name: '/sock', port: 2, socket: true, numeric: false },
    ]);
  });

  test('an empty port in a list is the default port', () => {
    expect(perHost('postgresql://h1,h2:7').map((c) => c.port)).toEqual([5432, 7]);
  });

  test('multi-host URIs and keyword strings give the same plan', () => {
    const fromUri = perHost('postgresql://a:5432,b:5433/db?target_session_attrs=read-write');
    const fromKeywords = perHost('host=a,b port=5432,5433 dbname=db target_session_attrs=read-write');
    expect(fromUri.map((c) => [c.host, c.port, c.database])).toEqual([
      ['a', 5432, 'db'],
      ['b', 5433, 'db'],
    ]);
    expect(fromKeywords.map((c) => [c.host, c.port, c.database])).toEqual(
      fromUri.map((c) => [c.host, c.port, c.database]),
    );
    expect(perHost('postgresql://[::1]:1,[fe80::2]/db').map((c) => [c.host, c.port])).toEqual([
      ['::1', 1],
      ['fe80::2', 5432],
    ]);
  });

  test('hostaddr: where to connect, by position; host names the server', () => {
    const p = plan('host=a.example,b.example hostaddr=10.0.0.1,10.0.0.2 sslmode=require');
    expect(p.hosts.map((h) => [h.name, h.numeric, h.attempts[0].host])).toEqual([
      ['10.0.0.1', true, '10.0.0.1'],
      ['10.0.0.2', true, '10.0.0.2'],
    ]);
    expect(p.hosts.map((h) => (h.attempts[0].ssl as { servername?: string }).servername)).toEqual([
      'a.example',
      'b.example',
    ]);
    expect(() => plan('host=a,b hostaddr=10.0.0.1')).toThrow(
      'could not match 2 host names to 1 hostaddr values',
    );
    expect(perHost('hostaddr=10.0.0.1,10.0.0.2 port=1,2').map((c) => [c.host, c.port])).toEqual([
      ['10.0.0.1', 1],
      ['10.0.0.2', 2],
    ]);
  });

  test('target_session_attrs and load_balance_hosts: from the string or PG* variables, checked', () => {
    expect(plan('host=a').targetSessionAttrs).toBe('any');
    for (const v of ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby']) {
      expect(plan(`host=a,b target_session_attrs=${v}`).targetSessionAttrs).toBe(v);
    }
    expect(plan('host=a', cleanEnv({ PGTARGETSESSIONATTRS: 'standby' })).targetSessionAttrs).toBe('standby');
    expect(() => plan('target_session_attrs=master')).toThrow('invalid target_session_attrs value: "master"');
    expect(() => plan('load_balance_hosts=sometimes')).toThrow(
      'invalid load_balance_hosts value: "sometimes"',
    );
    const names = new Set<string>();
    for (let i = 0; i < 200; i++)
      names.add(
        plan('host=a,b,c load_balance_hosts=random')
          .hosts.map((h) => h.name)
          .join(),
      );
    // Every order appears (the chance that one of six is missing after 200 draws is below 1e-14).
    expect(names.size).toBe(6);
    expect(plan('host=a,b,c load_balance_hosts=disable').hosts.map((h) => h.name)).toEqual(['a', 'b', 'c']);
  });

  test('options node-postgres cannot honour are accepted with a warning', () => {
    const warnings: string[] = [];
    config('gssencmode=disable host=h', cleanEnv(), (m) => warnings.push(m));
    expect(warnings).toEqual(['connection option "gssencmode" is not supported by pgagent and is ignored']);
  });
});

describe('connectionPlan: the service file', () => {
  const services = [
    '# shared settings',
    '[other]',
    'dbname=wrong',
    '  [main]  ',
    'host=svc.example',
    'port=6000',
    'dbname=svcdb',
    'application_name=svc app',
    '',
    '[later]',
    'dbname=wrong',
  ].join('\n');

  test('service= fills what the string does not give, over the PG* variables', () => {
    const file = writeFile('services.conf', services);
    const env = cleanEnv({ PGSERVICEFILE: file, PGHOST: 'env.example', PGUSER: 'envuser' });
    expect(config('service=main port=7000', env)).toMatchObject({
      host: 'svc.example',
      port: 7000,
      database: 'svcdb',
      user: 'envuser',
      application_name: 'svc app',
    });
    expect(config('', { ...env, PGSERVICE: 'main' })).toMatchObject({ host: 'svc.example', port: 6000 });
  });

  test('~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf', () => {
    const sysconf = fs.mkdtempSync(path.join(tmp, 'sysconf-'));
    fs.writeFileSync(
      path.join(sysconf, 'pg_service.conf'),
      '[sys]\nhost=sys.example\n[main]\nhost=shadowed.example\n',
    );
    const env = cleanEnv({ PGSYSCONFDIR: sysconf });
    fs.writeFileSync(path.join(env.HOME as string, '.pg_service.conf'), services);
    expect(config('service=main', env).host).toBe('svc.example');
    expect(config('service=sys', env).host).toBe('sys.example');
  });

  test('an unknown service, unknown keywords and nesting are errors', () => {
    const bad = writeFile('services-bad.conf', '[a]\nnosuch=1\n[b]\nservice=a\n[c]\nno equals sign\n');
    const env = cleanEnv({ PGSERVICEFILE: bad, PGSYSCONFDIR: tmp });
    expect(() => config('service=missing', env)).toThrow('definition of service "missing" not found');
    expect(() => config('service=a', env)).toThrow(`syntax error in service file "${bad}", line 2`);
    expect(() => config('service=b', env)).toThrow(
      `nested service specifications not supported in service file "${bad}", line 4`,
    );
    expect(() => config('service=c', env)).toThrow(`syntax error in service file "${bad}", line 6`);
  });
});

describe('connectionPlan: sslmode', () => {
  const ssl = (conninfo: string, env = cleanEnv()): ClientConfig['ssl'] =>
    config(`host=db.example ${conninfo}`, env).ssl;

  test("attempts in libpq's order: prefer (the default) with TLS then without, allow the reverse", () => {
    const tls = (conninfo: string): ClientConfig['ssl'][] =>
      attempts(`host=db.example ${conninfo}`).map((c) => c.ssl);
    const unverified = expect.objectContaining({ rejectUnauthorized: false, servername: 'db.example' });
    expect(tls('')).toEqual([unverified, false]);
    expect(tls('sslmode=prefer')).toEqual([unverified, false]);
    expect(tls('sslmode=allow')).toEqual([false, unverified]);
    expect(tls('sslmode=disable')).toEqual([false]);
    expect(tls('sslmode=require')).toEqual([unverified]);
    expect(ssl('')).toEqual(unverified);
    expect(attempts('host=/tmp sslmode=prefer').map((c) => c.ssl)).toEqual([false]);
  });

  test('require encrypts without verifying', () => {
    expect(ssl('sslmode=require')).toMatchObject({ rejectUnauthorized: false });
    expect(ssl('', cleanEnv({ PGSSLMODE: 'require' }))).toMatchObject({ rejectUnauthorized: false });
    expect(ssl('', cleanEnv({ PGREQUIRESSL: '1' }))).toMatchObject({ rejectUnauthorized: false });
  });

  test('require, prefer and allow with a root certificate verify the chain, as libpq does', () => {
    const root = writeFile('root.crt', 'not really a certificate');
    const tls = ssl(`sslmode=require sslrootcert=${root}`) as ConnectionOptions;
    expect(tls.rejectUnauthorized).toBe(true);
    expect(tls.ca?.toString()).toBe('not really a certificate');
    expect(tls.checkServerIdentity?.('db.example', {} as never)).toBeUndefined();
    for (const mode of ['prefer', 'allow']) {
      const tlsAttempt = attempts(`host=db.example sslmode=${mode} sslrootcert=${root}`).find((c) => c.ssl);
      expect(tlsAttempt?.ssl).toMatchObject({ rejectUnauthorized: true, ca: tls.ca });
    }
  });

  test('verify-ca checks the chain only; verify-full the host name too', () => {
    const root = writeFile('root2.crt', 'ca');
    const ca = ssl(`sslmode=verify-ca sslrootcert=${root}`) as ConnectionOptions;
    expect(ca).toMatchObject({ rejectUnauthorized: true, servername: 'db.example', minVersion: 'TLSv1.2' });
    expect(ca.checkServerIdentity).toBeDefined();
    const full = ssl(`sslmode=verify-full sslrootcert=${root}`) as ConnectionOptions;
    expect(full).toMatchObject({ rejectUnauthorized: true, servername: 'db.example' });
    expect(full.checkServerIdentity).toBeUndefined();
    expect(ssl('sslmode=verify-full sslrootcert=system')).toMatchObject({ rejectUnauthorized: true });
  });

  test('the default root certificate is ~/.postgresql/root.crt', () => {
    const env = cleanEnv();
    expect(() => ssl('sslmode=verify-full', env)).toThrow(
      /root certificate file ".*\.postgresql\/root\.crt" does not exist/,
    );
    fs.mkdirSync(path.join(env.HOME as string, '.postgresql'));
    fs.writeFileSync(path.join(env.HOME as string, '.postgresql', 'root.crt'), 'ca');
    expect(ssl('sslmode=verify-full', env)).toMatchObject({ rejectUnauthorized: true });
  });

  test('never TLS over a Unix socket', () => {
    expect(config('host=/tmp sslmode=require').ssl).toBe(false);
  });

  test('bad values are rejected', () => {
    expect(() => ssl('sslmode=maybe')).toThrow('invalid sslmode value: "maybe"');
    expect(() => ssl('sslmode=require ssl_min_protocol_version=SSLv3')).toThrow(ConninfoError);
  });
});

describe('connectionPlan: the password file', () => {
  const key = 'host=db.example port=5433 dbname=mydb user=alice';

  test('fields match exactly or with *, escapes work, the first match wins', () => {
    const file = writeFile(
      'pgpass-match',
      [
        '# a comment',
        'other.example:5433:mydb:alice:wrong',
        'db.example:5432:mydb:alice:wrong-port',
        'db.example:5433:*:alice:p\\:w\\\\d:ignored',
        'db.example:5433:mydb:alice:later',
      ].join('\n'),
    );
    expect(config(key, cleanEnv({ PGPASSFILE: file })).password).toBe('p:w\\d');
  });

  test('escaped : and \\* in the other fields, CRLF lines', () => {
    const file = writeFile(
      'pgpass-escape',
      'db.example:5433:my\\:db:\\*:nope\r\ndb.example:5433:my\\:db:alice:yes\r\n',
    );
    expect(
      config("host=db.example port=5433 dbname='my:db' user=alice", cleanEnv({ PGPASSFILE: file })).password,
    ).toBe('yes');
  });

  test('passfile beats PGPASSFILE, which beats ~/.pgpass; a given password beats the file', () => {
    const a = writeFile('pgpass-a', '*:*:*:*:from-a');
    const b = writeFile('pgpass-b', '*:*:*:*:from-b');
    const env = cleanEnv({ PGPASSFILE: b });
    fs.writeFileSync(path.join(env.HOME as string, '.pgpass'), '*:*:*:*:from-home', { mode: 0o600 });
    expect(config(`${key} passfile=${a}`, env).password).toBe('from-a');
    expect(config(key, env).password).toBe('from-b');
    expect(config(key, cleanEnv({ HOME: env.HOME as string })).password).toBe('from-home');
    expect(config(`${key} password=given`, env).password).toBe('given');
    expect(config(key, { ...env, PGPASSWORD: 'fromenv' }).password).toBe('fromenv');
  });

  test('localhost stands for the default socket directory; other sockets match by path', () => {
    const file = writeFile('pgpass-local', `localhost:5432:*:*:local\n/tmp/sock:5432:*:*:bypath\n`);
    const env = cleanEnv({ PGPASSFILE: file });
    expect(config(`host=${DEFAULT_SOCKET_DIR} user=u`, env).password).toBe('local');
    expect(config('host=/tmp/sock user=u', env).password).toBe('bypath');
    if (fs.existsSync(DEFAULT_SOCKET_DIR)) expect(config('user=u', env).password).toBe('local');
  });

  test('the dbname field matches the default dbname (the user name)', () => {
    const file = writeFile('pgpass-db', 'h:5432:bob:bob:mine\n');
    expect(config('host=h user=bob', cleanEnv({ PGPASSFILE: file })).password).toBe('mine');
  });

  test('a file that group or others can read is ignored with a warning, as libpq does', () => {
    const file = writeFile('pgpass-open', '*:*:*:*:leaked\n', 0o644);
    const warnings: string[] = [];
    const c = config(key, cleanEnv({ PGPASSFILE: file }), (m) => warnings.push(m));
    expect(typeof c.password).toBe('function');
    expect(warnings).toEqual([
      `password file "${file}" has group or world access; permissions should be u=rw (0600) or less`,
    ]);
  });

  test('a directory is not a password file; a missing file is silently none', () => {
    const warnings: string[] = [];
    config(key, cleanEnv({ PGPASSFILE: tmp }), (m) => warnings.push(m));
    config(key, cleanEnv({ PGPASSFILE: path.join(tmp, 'missing') }), (m) => warnings.push(m));
    expect(warnings).toEqual([`password file "${tmp}" is not a plain file`]);
  });

  test('with no password anywhere, a server asking for one gets a clear refusal', () => {
    const c = config(key);
    expect(typeof c.password).toBe('function');
    expect(() => (c.password as () => string)()).toThrow(
      /the server asked for a password and none was supplied/,
    );
  });
});
