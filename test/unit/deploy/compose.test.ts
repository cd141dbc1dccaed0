/**
 * Static validation of the production stack (docker-compose.yml, Dockerfile, deploy/): no Docker engine is
 * needed. Guards the contract with the processes — every env var ENV_SPEC marks as required in production
 * reaches the service that reads it — and the start-up order the stack relies on.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ENV_SPEC } from '../../../boot/env';

const ROOT = path.resolve(__dirname, '../../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const DOCKERFILE = path.join(ROOT, 'Dockerfile');

type Service = Record<string, any>;

function loadCompose(): { services: Record<string, Service>; [k: string]: any } {
  return YAML.parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true });
}

const compose = loadCompose();
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`service ${name} missing from docker-compose.yml`);
  return s;
}

/** Environment as a map, whichever of the two compose syntaxes is used. */
function envOf(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((e: string) => {
        const i = e.indexOf('=');
        return i < 0 ? [e, ''] : [e.slice(0, i), e.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

/**
 * Resolve compose interpolation with nothing set in the environment: `${X:-d}` → d, `${X:?msg}` → `<X>`
 * (compose would refuse to start without X), `${X}` → ''. Innermost first, so nested defaults work.
 */
function resolveDefaults(value: string): string {
  const inner = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^${}]*))?\}/;
  let out = value;
  for (let guard = 0; guard < 50 && inner.test(out); guard++) {
    out = out.replace(inner, (_m, name: string, op?: string, arg?: string) => {
      if (!op) return '';
      if (op.endsWith('?')) return `<${name}>`;
      return arg ?? '';
    });
  }
  return out;
}

/** A value that cannot end up empty: a literal, `${X:?…}`, or `${X:-non-empty}`. */
function cannotBeEmpty(value: string): boolean {
  return resolveDefaults(value).trim().length > 0;
}

/** Container ports a service publishes, whichever of the two compose syntaxes is used. */
function containerPorts(s: Service): number[] {
  return (s.ports ?? []).map((p: any) => {
    if (typeof p === 'object') return Number(p.target);
    const spec = String(p).split('/')[0];
    return Number(spec.slice(spec.lastIndexOf(':') + 1));
  });
}

function dependsOn(s: Service): Record<string, string> {
  const d = s.depends_on ?? {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((n: string) => [n, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([k, v]: [string, any]) => [k, v?.condition ?? 'service_started']));
}

/** The text a one-shot job runs: its command/entrypoint, plus any script it runs from a bind-mounted host dir. */
function jobText(s: Service): string {
  const argv = [s.entrypoint, s.command]
    .flat()
    .filter((x) => x !== undefined && x !== null)
    .map(String);
  const parts = [argv.join(' ')];
  const mounts: [string, string][] = (s.volumes ?? [])
    .map((v: any) => (typeof v === 'string' ? v.split(':') : [v.source, v.target]))
    .filter((m: string[]) => m.length >= 2 && m[0].startsWith('.'))
    .map((m: string[]) => [path.resolve(ROOT, m[0]), m[1]]);
  for (const arg of argv.join(' ').split(/\s+/)) {
    for (const [host, container] of mounts) {
      if (arg.startsWith(container + '/')) {
        const file = path.join(host, arg.slice(container.length + 1));
        if (!fs.existsSync(file)) throw new Error(`${arg} is run but ${path.relative(ROOT, file)} does not exist`);
        parts.push(fs.readFileSync(file, 'utf8'));
      }
    }
  }
  return parts.join('\n');
}

const APP_SERVICES = ['worker', 'api'] as const;
const SCHEMA_JOB = 'temporal-admin-tools';
const NAMESPACE_JOB = 'temporal-create-namespace';

describe('docker-compose.yml', () => {
  it('has the stack services', () => {
    for (const name of ['postgresql', SCHEMA_JOB, 'temporal', NAMESPACE_JOB, 'temporal-ui', 'worker', 'api']) {
      expect(services).toHaveProperty([name]);
    }
  });

  it('uses official images for the infrastructure', () => {
    expect(service('postgresql').image).toMatch(/^postgres:/);
    expect(resolveDefaults(service('postgresql').image)).toBe('postgres:16');
    expect(service('temporal').image).toMatch(/^temporalio\/server:/);
    expect(resolveDefaults(service('temporal').image)).toBe('temporalio/server:1.29.1');
    expect(service(SCHEMA_JOB).image).toMatch(/^temporalio\/admin-tools:/);
    expect(service(NAMESPACE_JOB).image).toMatch(/^temporalio\/admin-tools:/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    // Infrastructure images are pinned to a version tag (not :latest, not untagged).
    for (const [name, s] of Object.entries(services)) {
      if (s.build) continue;
      expect({ name, image: resolveDefaults(String(s.image)) }).toEqual({
        name,
        image: expect.stringMatching(/^[^:]+:\d[\w.-]*$/),
      });
    }
  });

  it('builds the app services from the Dockerfile and runs npm run worker / api', () => {
    for (const name of APP_SERVICES) {
      const s = service(name);
      const build = typeof s.build === 'string' ? { context: s.build } : s.build;
      expect(build).toBeDefined();
      expect(path.resolve(ROOT, build.context ?? '.', build.dockerfile ?? 'Dockerfile')).toBe(DOCKERFILE);
      expect(s.restart).toBe('on-failure');
      expect(s.container_name).toBeUndefined(); // replicas need generated names
    }
    const cmd = (s: Service) => [s.command].flat().join(' ');
    expect(cmd(service('worker'))).toBe('npm run worker');
    expect(cmd(service('api'))).toBe('npm run api');
  });

  it('scales the worker and the api with WORKER_REPLICAS / API_REPLICAS', () => {
    expect(String(service('worker').deploy?.replicas)).toBe('${WORKER_REPLICAS:-2}');
    expect(String(service('api').deploy?.replicas)).toBe('${API_REPLICAS:-1}');
    expect(service('worker').ports ?? []).toEqual([]);
  });

  it('exposes the expected container ports', () => {
    expect(containerPorts(service('api'))).toContain(8080);
    expect(containerPorts(service('temporal'))).toContain(7233);
    expect(containerPorts(service('temporal-ui'))).toContain(8080);
    expect(envOf(service('api')).API_PORT ?? '8080').toBe('8080');
  });

  const required = ENV_SPEC.filter(
    (v) => v.requiredInProduction && v.usedBy.some((u) => u === 'worker' || u === 'api'),
  );

  it.each(
    required.flatMap((v) =>
      v.usedBy.filter((u): u is 'worker' | 'api' => u === 'worker' || u === 'api').map((u) => [u, v.name] as const),
    ),
  )('%s gets %s (required in production)', (svc, name) => {
    const env = envOf(service(svc));
    expect(env).toHaveProperty([name]);
    expect(cannotBeEmpty(env[name])).toBe(true);
  });

  it('has required vars at all (ENV_SPEC sanity)', () => {
    expect(required.map((v) => v.name)).toEqual(
      expect.arrayContaining(['TEMPORAL_ADDRESS', 'DATABASE_URL', 'ENCRYPTION_KEY']),
    );
  });

  it('takes secrets from the environment and refuses to start without them', () => {
    for (const name of APP_SERVICES) {
      for (const [k, v] of Object.entries(envOf(service(name)))) {
        if (/TOKEN|SECRET|KEY|PASSWORD/.test(k)) expect(v).toMatch(new RegExp(`^\\$\\{${k}:\\?`));
      }
    }
    expect(envOf(service('postgresql')).POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('sets the Temporal connection and app settings on both app services', () => {
    for (const name of APP_SERVICES) {
      const env = envOf(service(name));
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      for (const k of ['TEMPORAL_NAMESPACE', 'TASK_QUEUE', 'DATABASE_URL', 'ENCRYPTION_KEY', 'LOG_LEVEL'])
        expect(env).toHaveProperty([k]);
      expect(resolveDefaults(env.DATABASE_URL)).toMatch(/^postgres(ql)?:\/\/[^@]+@postgresql:5432\/haravan_tiki$/);
      expect(resolveDefaults(env.TASK_QUEUE)).toBe('haravan-tiki');
    }
  });

  it('sets no env var on an app service that the processes do not read', () => {
    const known = new Set(ENV_SPEC.map((v) => v.name));
    for (const name of APP_SERVICES) {
      for (const k of Object.keys(envOf(service(name)))) {
        expect({ service: name, var: k, known: known.has(k) }).toEqual({ service: name, var: k, known: true });
        const spec = ENV_SPEC.find((v) => v.name === k)!;
        expect({ service: name, var: k, usedBy: spec.usedBy.includes(name) }).toEqual({
          service: name,
          var: k,
          usedBy: true,
        });
      }
    }
  });

  it('orders start-up: postgresql → schema job → temporal → namespace job → apps', () => {
    expect(service('postgresql').healthcheck?.test.join(' ')).toMatch(/pg_isready/);
    expect(service('temporal').healthcheck?.test).toBeDefined();
    expect(dependsOn(service(SCHEMA_JOB))).toMatchObject({ postgresql: 'service_healthy' });
    expect(dependsOn(service('temporal'))).toMatchObject({ [SCHEMA_JOB]: 'service_completed_successfully' });
    expect(dependsOn(service(NAMESPACE_JOB))).toMatchObject({ temporal: 'service_healthy' });
    expect(dependsOn(service('temporal-ui'))).toMatchObject({ temporal: 'service_healthy' });
    for (const name of APP_SERVICES) {
      expect(dependsOn(service(name))).toMatchObject({
        postgresql: 'service_healthy',
        temporal: 'service_healthy',
        [NAMESPACE_JOB]: 'service_completed_successfully',
      });
    }
  });

  it('runs Temporal on PostgreSQL', () => {
    const env = envOf(service('temporal'));
    expect(env.DB).toBe('postgres12');
    expect(env.POSTGRES_SEEDS).toBe('postgresql');
    expect(env.POSTGRES_PWD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    expect(env.BIND_ON_IP).toBe('0.0.0.0');
    const dc = env.DYNAMIC_CONFIG_FILE_PATH;
    expect(dc).toBeTruthy();
    const mount = (service('temporal').volumes as string[])
      .map((v) => v.split(':'))
      .find((m) => m[1] === '/etc/temporal/config/dynamicconfig');
    expect(mount).toBeDefined();
    expect(fs.existsSync(path.join(ROOT, mount![0], path.basename(dc)))).toBe(true);
  });

  it('creates and migrates both Temporal schemas with temporal-sql-tool', () => {
    const text = jobText(service(SCHEMA_JOB)) + '\n' + Object.values(envOf(service(SCHEMA_JOB))).join('\n');
    expect(text).toMatch(/temporal-sql-tool/);
    expect(text).toMatch(/setup-schema/);
    expect(text).toMatch(/update-schema[^\n]*temporal\/versioned/);
    expect(text).toMatch(/update-schema[^\n]*visibility\/versioned/);
    expect(text).toMatch(/\btemporal_visibility\b/);
    expect(service(SCHEMA_JOB).restart ?? 'no').not.toBe('always'); // one-shot
  });

  it('creates the app database haravan_tiki with an init SQL script', () => {
    const mount = (service('postgresql').volumes as string[])
      .map((v) => v.split(':'))
      .find((m) => m[1] === '/docker-entrypoint-initdb.d');
    expect(mount).toBeDefined();
    const dir = path.join(ROOT, mount![0]);
    const sql = fs
      .readdirSync(dir)
      .filter((f) => /\.(sql|sh)$/.test(f))
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(sql).toMatch(/CREATE DATABASE\s+"?haravan_tiki"?/i);
  });

  it('creates the namespace and registers ShopId, ConnectionState and TikiOrderCode as Keyword', () => {
    const s = service(NAMESPACE_JOB);
    const env = envOf(s);
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(resolveDefaults(env.TEMPORAL_NAMESPACE)).toBe(
      ENV_SPEC.find((v) => v.name === 'TEMPORAL_NAMESPACE')!.default,
    );
    expect(env.TEMPORAL_NAMESPACE).toBe(envOf(service('worker')).TEMPORAL_NAMESPACE);
    const text = jobText(s);
    expect(text).toMatch(/temporal operator namespace create/);
    expect(text).toMatch(/temporal operator search-attribute create/);
    const declared = new Map(
      (env.SEARCH_ATTRIBUTES ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((p) => p.split('=') as [string, string]),
    );
    for (const sa of ['ShopId', 'ConnectionState', 'TikiOrderCode']) expect(declared.get(sa)).toBe('Keyword');
  });

  it('points the Web UI at Temporal and at the api codec endpoint', () => {
    const env = envOf(service('temporal-ui'));
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(resolveDefaults(env.TEMPORAL_CODEC_ENDPOINT ?? '')).toMatch(/^https?:\/\/[^/]+:8080\/codec$/);
    expect(env.TEMPORAL_CORS_ORIGINS).toBeTruthy();
  });

  it('publishes distinct host ports', () => {
    const published = Object.values(services).flatMap((s: Service) =>
      (s.ports ?? []).map((p: any) =>
        resolveDefaults(
          typeof p === 'object' ? String(p.published ?? '') : (String(p).split(':').slice(-2, -1)[0] ?? ''),
        ),
      ),
    );
    expect(new Set(published).size).toBe(published.length);
  });
});

describe('Dockerfile', () => {
  const text = fs.existsSync(DOCKERFILE) ? fs.readFileSync(DOCKERFILE, 'utf8') : '';
  const froms = [...text.matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]);

  it('exists and builds on node:20', () => {
    expect(text).not.toBe('');
    expect(froms.length).toBeGreaterThan(0);
    for (const f of froms) expect(f).toMatch(/^node:20(-|$|@|\.)/);
  });

  it('installs with npm ci from the lockfile, runs as a non-root user, and defaults to the api', () => {
    expect(text).toMatch(/COPY\s+package\.json\s+package-lock\.json/);
    expect(text).toMatch(/RUN\s+npm ci\b/);
    const users = [...text.matchAll(/^USER\s+(\S+)/gim)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    expect(text).toMatch(/^CMD\s+\["npm",\s*"run",\s*"api"\]/m);
  });

  it('has a .dockerignore that keeps node_modules and local state out of the context', () => {
    const ignore = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', '.git', '.tools', '.data', '.env']) expect(ignore).toContain(entry);
  });
});
