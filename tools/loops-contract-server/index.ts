/**
 * An in-process stand-in for the Loops API (https://app.loops.so/api/v1),
 * honouring the contract in docs/contracts.md: Bearer auth, Loops' answers and error
 * bodies, 409s for create-existing and reused idempotency keys, 404 for
 * delete-absent, the per-team rate limit with its headers, plus fault
 * injection, a scheduled outage and a read API for tests. `npm start` runs it through cli.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { FaultInjector, seededRandom, type Fault, type FaultOptions } from './faults';
import { Outage, type OutageSchedule } from './outage';
import { SlidingWindowLimiter } from './rateLimit';
import { answer, contactView, type ApiAnswer } from './routes';
import { LoopsStore } from './store';
import { headerValue, readBody } from '../shared/http';

export type { FaultOptions } from './faults';
export type { OutageSchedule } from './outage';
export { SEED } from './store';

export interface LoopsContractServerOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: string;
	/** Keys that authenticate; default ['test_key']. */
	apiKeys?: string[];
	teamName?: string;
	rateLimitPerSecond?: number;
	faults?: FaultOptions;
	/** Seeds the fault schedule so a run can be replayed. */
	seed?: number;
	/** Called with one line per request. */
	log?: (line: string) => void;
}

export interface RequestRecord {
	/** Arrival time, ms since the epoch. */
	at: number;
	method: string;
	path: string;
	status: number | 'reset';
	/** The parsed JSON body as sent (for "what did the client send" checks). */
	body: unknown;
	idempotencyKey?: string;
	/** Set when a fault or the outage, not Loops' rules, decided the answer. */
	fault?: Fault['kind'] | 'outage';
}

export interface RequestCounts {
	total: number;
	byRoute: Record<string, number>;
	byStatus: Record<string, number>;
	/** 429s from the rate limit itself (not injected). */
	rateLimited: number;
	injected: { status429: number; status500: number; reset: number; slow: number };
	/** Requests that met the scheduled outage: answered 503, or their connection reset. */
	outage: { status503: number; reset: number };
}

export interface LoopsContractState {
	contacts(): Array<Record<string, unknown>>;
	/** The contact as GET /contacts/find would show it, or undefined. */
	contact(email: string): Record<string, unknown> | undefined;
	events(): Array<Record<string, unknown>>;
	transactionalSends(): Array<Record<string, unknown>>;
	mailingLists(): Array<Record<string, unknown>>;
	properties(): Array<Record<string, unknown>>;
	transactionalEmails(): Array<Record<string, unknown>>;
	requests(): RequestCounts;
	/** The last 20 000 API requests, oldest first. */
	requestLog(): RequestRecord[];
	/** Everything above as one JSON-ready object (what GET /_contract/state answers). */
	snapshot(): Record<string, unknown>;
}

export interface LoopsContractServer {
	/** Base URL to put in the loopsApi credential, e.g. http://127.0.0.1:5679/api/v1. */
	url: string;
	port: number;
	state: LoopsContractState;
	rateLimitPerSecond: number;
	setFaults(faults: FaultOptions): void;
	setRateLimit(perSecond: number): void;
	/** Schedules an outage (503s, then connection resets) counted from now; undefined cancels it. */
	scheduleOutage(outage: OutageSchedule | undefined): void;
	/** Back to the seeded team: no contacts, events or sends; counters at zero. */
	reset(): void;
	close(): Promise<void>;
}

const API_PREFIX = '/api/v1';
const LOG_LIMIT = 20_000;

export async function startLoopsContractServer(
	options: LoopsContractServerOptions = {},
): Promise<LoopsContractServer> {
	const host = options.host ?? '127.0.0.1';
	const apiKeys = new Set(options.apiKeys ?? ['test_key']);
	const teamName = options.teamName ?? 'Contract Team';
	const store = new LoopsStore();
	const limiter = new SlidingWindowLimiter(positive(options.rateLimitPerSecond ?? 10, 'rateLimitPerSecond'));
	const faults = new FaultInjector(
		options.faults,
		options.seed === undefined ? Math.random : seededRandom(options.seed),
	);
	const outage = new Outage();
	const log = options.log ?? (() => {});
	let counts = emptyCounts();
	let requestLog: RequestRecord[] = [];

	const record = (entry: RequestRecord, route: string) => {
		counts.total++;
		counts.byRoute[route] = (counts.byRoute[route] ?? 0) + 1;
		counts.byStatus[String(entry.status)] = (counts.byStatus[String(entry.status)] ?? 0) + 1;
		requestLog.push(entry);
		if (requestLog.length > LOG_LIMIT) requestLog = requestLog.slice(-LOG_LIMIT / 2);
	};

	const state: LoopsContractState = {
		contacts: () => [...store.contacts.values()].map(contactView),
		contact: (email) => {
			const found = store.findByEmail(email);
			return found && contactView(found);
		},
		events: () => store.events.map((e) => ({ ...e })),
		transactionalSends: () => store.transactionalSends.map((s) => ({ ...s })),
		mailingLists: () => [...store.mailingLists.values()].map((l) => ({ ...l })),
		properties: () => [...store.properties.values()].map((p) => ({ ...p })),
		transactionalEmails: () => [...store.transactionalEmails.values()].map((t) => ({ ...t })),
		requests: () => structuredClone(counts),
		requestLog: () => [...requestLog],
		snapshot: () => ({
			teamName,
			rateLimitPerSecond: limiter.limit,
			faults: faults.current,
			outage: outage.scheduled ?? null,
			contacts: state.contacts(),
			events: state.events(),
			transactionalSends: state.transactionalSends(),
			mailingLists: state.mailingLists(),
			properties: state.properties(),
			transactionalEmails: state.transactionalEmails(),
			requests: state.requests(),
		}),
	};

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = Date.now();
		const url = new URL(req.url ?? '/', 'http://localhost');
		const method = (req.method ?? 'GET').toUpperCase();
		const raw = await readBody(req);

		if (url.pathname.startsWith('/_contract/')) {
			return adminRoute(method, url.pathname, raw, res);
		}

		const send = (answered: ApiAnswer, remaining: number, entry: Omit<RequestRecord, 'status'>) => {
			res.writeHead(answered.status, {
				'content-type': 'application/json',
				'x-ratelimit-limit': String(limiter.limit),
				'x-ratelimit-remaining': String(remaining),
			});
			res.end(JSON.stringify(answered.body));
			record({ ...entry, status: answered.status }, routeKey);
			log(`${method} ${url.pathname}${url.search} → ${answered.status}${entry.fault ? ` (${entry.fault})` : ''} ${Date.now() - started} ms`);
		};

		const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : undefined;
		const routeKey = `${method} ${path ?? url.pathname}`;
		const parsed = parseJson(raw);
		const idempotencyKey = headerValue(req, 'idempotency-key');
		const entry = { at: started, method, path: path ?? url.pathname, body: parsed.ok ? parsed.value : raw, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) };
		const fail = (status: number, message: string, remaining: number, fault?: RequestRecord['fault']) =>
			send({ status, body: { success: false, message } }, remaining, { ...entry, ...(fault ? { fault } : {}) });

		if (path === undefined) return fail(404, `No route ${url.pathname}.`, limiter.limit);
		const key = /^Bearer\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1]?.trim();
		if (key === undefined || !apiKeys.has(key)) return fail(401, 'Invalid API key', limiter.limit);

		const down = outage.phase();
		if (down === 'status503') {
			counts.outage.status503++;
			return fail(503, 'Service unavailable.', limiter.limit, 'outage');
		}
		if (down === 'reset') {
			counts.outage.reset++;
			record({ ...entry, status: 'reset', fault: 'outage' }, routeKey);
			req.socket.resetAndDestroy();
			return;
		}
		const fault = faults.pick();
		if (fault.kind === 'status429') {
			counts.injected.status429++;
			return fail(429, 'Rate limit exceeded.', 0, 'status429');
		}
		const slot = limiter.take();
		if (!slot.allowed) {
			counts.rateLimited++;
			return fail(429, 'Rate limit exceeded.', 0);
		}
		const delay = faults.delayMs();
		if (delay > 0) counts.injected.slow++;

		if (fault.kind !== 'none' && !fault.afterApply) return strike(fault, slot.remaining);
		if (!parsed.ok) return fail(400, 'Invalid JSON body.', slot.remaining);
		const body = (parsed.value ?? {}) as Record<string, unknown>;
		if (typeof body !== 'object' || Array.isArray(body)) return fail(400, 'The body must be a JSON object.', slot.remaining);
		const result = answer(store, method, path, { query: url.searchParams, body, idempotencyKey }, { teamName });
		if (delay > 0) await sleep(delay);
		if (fault.kind !== 'none') return strike(fault, slot.remaining);
		return send(result, slot.remaining, entry);

		function strike(f: Exclude<Fault, { kind: 'none' | 'status429' }>, remaining: number) {
			if (f.kind === 'status500') {
				counts.injected.status500++;
				return fail(500, 'Internal server error.', remaining, 'status500');
			}
			counts.injected.reset++;
			record({ ...entry, status: 'reset', fault: 'reset' }, routeKey);
			log(`${method} ${url.pathname} → connection reset${f.afterApply ? ' after apply' : ''}`);
			req.socket.resetAndDestroy();
		}
	}

	function adminRoute(method: string, pathname: string, raw: string, res: ServerResponse) {
		const json = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body, null, 2));
		};
		if (method === 'GET' && pathname === '/_contract/state') return json(200, state.snapshot());
		if (method === 'POST' && pathname === '/_contract/reset') {
			resetAll();
			return json(200, { success: true });
		}
		if (method === 'POST' && pathname === '/_contract/outage') {
			const schedule = parseJson(raw);
			try {
				outage.schedule(schedule.ok && schedule.value ? (schedule.value as OutageSchedule) : undefined);
			} catch (error) {
				return json(400, { success: false, message: (error as Error).message });
			}
			return json(200, { success: true, outage: outage.scheduled ?? null });
		}
		return json(404, { success: false, message: `No admin route ${method} ${pathname}.` });
	}

	function resetAll() {
		store.reset();
		outage.schedule(undefined);
		limiter.reset();
		counts = emptyCounts();
		requestLog = [];
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			log(`internal error: ${error.stack ?? error.message}`);
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ success: false, message: 'Contract server error.' }));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;

	return {
		url: `http://${host}:${port}${API_PREFIX}`,
		port,
		state,
		get rateLimitPerSecond() {
			return limiter.limit;
		},
		setFaults: (f) => faults.set(f),
		setRateLimit: (perSecond) => {
			limiter.limit = positive(perSecond, 'rateLimitPerSecond');
		},
		scheduleOutage: (schedule) => outage.schedule(schedule),
		reset: resetAll,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			}),
	};
}

function emptyCounts(): RequestCounts {
	return {
		total: 0,
		byRoute: {},
		byStatus: {},
		rateLimited: 0,
		injected: { status429: 0, status500: 0, reset: 0, slow: 0 },
		outage: { status503: 0, reset: 0 },
	};
}

function positive(value: number, name: string): number {
	if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
	return value;
}


function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
	if (raw.trim() === '') return { ok: true, value: undefined };
	try {
		return { ok: true, value: JSON.parse(raw) };
	} catch {
		return { ok: false };
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
