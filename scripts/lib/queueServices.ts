/**
 * The PostgreSQL and Redis that n8n's queue mode runs on: where they are, whether they answer, and a
 * fresh database + Redis key prefix per run (dropped and deleted afterwards), so runs never mix.
 *
 * The clients are the `pg` and `ioredis` that n8n itself ships (queue mode cannot run without them),
 * loaded from the n8n installation: this project keeps no database clients of its own.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';

import type { N8nInstallation } from './n8nInstallation';

export interface QueueServices {
	postgres: { host: string; port: number; user: string; password: string };
	redis: { host: string; port: number };
}

/** PGHOST/PGPORT/PGUSER/PGPASSWORD and REDIS_HOST/REDIS_PORT, defaulting to a local trust-auth setup. */
export function queueServicesFromEnv(env: NodeJS.ProcessEnv = process.env): QueueServices {
	return {
		postgres: {
			host: env.PGHOST || '127.0.0.1',
			port: Number(env.PGPORT || 5432),
			user: env.PGUSER || 'postgres',
			password: env.PGPASSWORD ?? '',
		},
		redis: { host: env.REDIS_HOST || '127.0.0.1', port: Number(env.REDIS_PORT || 6379) },
	};
}

const HOW_TO_START = [
	'n8n queue mode needs PostgreSQL and Redis. On a Debian/Ubuntu machine with both installed, start them with:',
	'  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
	'  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
	'or with Docker:',
	'  docker run -d --name n8n-queue-postgres -p 127.0.0.1:5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16',
	'  docker run -d --name n8n-queue-redis -p 127.0.0.1:6379:6379 redis:7',
	'Elsewhere: set PGHOST, PGPORT, PGUSER, PGPASSWORD, REDIS_HOST, REDIS_PORT.',
].join('\n');

function reachable(host: string, port: number, timeoutMs = 2000): Promise<string | undefined> {
	return new Promise((resolve) => {
		const socket = connect({ host, port });
		const done = (problem?: string) => {
			socket.destroy();
			resolve(problem);
		};
		socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
		socket.once('connect', () => done());
		socket.once('error', (error) => done(error.message));
	});
}

/** Throws, saying what to start and how, when PostgreSQL or Redis does not accept connections. */
export async function assertQueueServicesReachable(services: QueueServices): Promise<void> {
	const { postgres, redis } = services;
	const problems = (
		await Promise.all([
			reachable(postgres.host, postgres.port).then((p) => p && `PostgreSQL at ${postgres.host}:${postgres.port}: ${p}`),
			reachable(redis.host, redis.port).then((p) => p && `Redis at ${redis.host}:${redis.port}: ${p}`),
		])
	).filter(Boolean);
	if (problems.length > 0) throw new Error(`${problems.join('\n')}\n\n${HOW_TO_START}`);
}

interface PgClient {
	connect(): Promise<void>;
	query(sql: string): Promise<unknown>;
	end(): Promise<void>;
}
interface RedisClient {
	scan(cursor: string, ...args: Array<string | number>): Promise<[string, string[]]>;
	del(...keys: string[]): Promise<number>;
	quit(): Promise<unknown>;
}

/** Requires a module the way n8n itself resolves it. */
function n8nRequire(installation: N8nInstallation): NodeRequire {
	return createRequire(join(installation.home, 'node_modules', 'n8n', 'package.json'));
}

async function withPostgres<T>(installation: N8nInstallation, services: QueueServices, use: (client: PgClient) => Promise<T>): Promise<T> {
	const { Client } = n8nRequire(installation)('pg') as { Client: new (options: object) => PgClient };
	const client = new Client({ ...services.postgres, database: 'postgres' });
	await client.connect();
	try {
		return await use(client);
	} finally {
		await client.end();
	}
}

/** Everything one queue-mode run keeps outside its processes, named so that concurrent runs never meet. */
export interface QueueRunStorage {
	/** The PostgreSQL database all processes of the run share. */
	database: string;
	/** QUEUE_BULL_PREFIX and N8N_REDIS_KEY_PREFIX: Bull's job keys, n8n's pub/sub channels and its cache. */
	redisPrefix: string;
	/** The environment that points an n8n process at this storage (in queue mode). */
	env: Record<string, string>;
	/** Drops the database and deletes the run's Redis keys. */
	dispose(): Promise<void>;
}

/** Creates a fresh database and picks a fresh Redis prefix. `label` goes into both names. */
export async function createQueueRunStorage(
	installation: N8nInstallation,
	services: QueueServices,
	label = 'run',
): Promise<QueueRunStorage> {
	await assertQueueServicesReachable(services);
	const suffix = `${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
	const database = `n8n_queue_${suffix}`;
	const redisPrefix = `n8nq_${suffix}`;
	await withPostgres(installation, services, (client) => client.query(`CREATE DATABASE "${database}"`));
	const env = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: services.redis.host,
		QUEUE_BULL_REDIS_PORT: String(services.redis.port),
		QUEUE_BULL_PREFIX: redisPrefix,
		N8N_REDIS_KEY_PREFIX: redisPrefix,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: services.postgres.host,
		DB_POSTGRESDB_PORT: String(services.postgres.port),
		DB_POSTGRESDB_USER: services.postgres.user,
		DB_POSTGRESDB_PASSWORD: services.postgres.password,
		DB_POSTGRESDB_DATABASE: database,
	};
	let disposed = false;
	const dispose = async () => {
		if (disposed) return;
		disposed = true;
		await withPostgres(installation, services, (client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
		await deleteRedisKeys(installation, services, `${redisPrefix}*`);
	};
	return { database, redisPrefix, env, dispose };
}

async function deleteRedisKeys(installation: N8nInstallation, services: QueueServices, pattern: string): Promise<void> {
	const Redis = n8nRequire(installation)('ioredis') as new (options: object) => RedisClient;
	const redis = new Redis({ host: services.redis.host, port: services.redis.port, lazyConnect: false, maxRetriesPerRequest: 2 });
	try {
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
			if (keys.length > 0) await redis.del(...keys);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		await redis.quit();
	}
}
