/**
 * An in-process stand-in for the part of Stripe's API the trigger uses
 * (https://api.stripe.com): Bearer auth with secret and restricted keys and
 * their permissions, objects by id with `expand[]`, deleted customers as
 * Stripe shows them, webhook endpoints with Stripe's cap, idempotency keys,
 * Stripe's error bodies and Stripe-Should-Retry, plus fault injection, scheduled
 * outages and a state API for tests. `npm start` runs it through cli.ts.
 */
import { randomBytes } from 'crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { FaultInjector, seededRandom, type FaultOptions } from '../loops-contract-server/faults';
import { SlidingWindowLimiter } from '../loops-contract-server/rateLimit';
import { parseStripeParams, type FormObject } from './form';
import { ACCOUNT_ID, allows, checkKeyTable, DEFAULT_KEYS, redactKey, type KeyTable } from './keys';
import { answer, expandPermissions, matchRoute, stripeErrorAnswer, type ApiAnswer } from './routes';
import { endpointView, OBJECT_TYPES, StripeRuleError, StripeStore, type Json, type ObjectType } from './store';
import { headerValue, readBody } from '../shared/http';

export type { FaultOptions } from '../loops-contract-server/faults';
export { DEFAULT_KEYS, LOOKUP_PERMISSIONS, type KeyTable, type Permission } from './keys';
export { MAX_WEBHOOK_ENDPOINTS, type ObjectType } from './store';

/**
 * Every API request is answered this way until `requests` answers were given
 * or `durationMs` passed (whichever is set; neither: until cleared).
 * `hang` holds the request without an answer for `hangMs`, then drops it.
 */
export interface Outage {
	kind: 'status429' | 'status500' | 'status503' | 'reset' | 'hang';
	requests?: number;
	/** Only these methods, e.g. ['POST']; default all. */
	methods?: string[];
	/** Apply the request first, then fail it: the change is made but its answer is lost. */
	afterApply?: boolean;
	durationMs?: number;
	hangMs?: number;
}

export interface StripeApiContractServerOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: string;
	/** Keys that authenticate and what each may do; default DEFAULT_KEYS. */
	keys?: KeyTable;
	/** Requests per second before 429 rate_limit; default none. */
	rateLimitPerSecond?: number;
	faults?: FaultOptions;
	seed?: number;
	log?: (line: string) => void;
}

export interface StripeRequestRecord {
	at: number;
	method: string;
	path: string;
	status: number | 'reset';
	/** The key as Stripe would show it (redacted). */
	key?: string;
	idempotencyKey?: string;
	/** Set when a fault or outage, not Stripe's rules, decided the answer. */
	fault?: string;
}

export interface StripeApiContractState {
	object(type: ObjectType, id: string): Json | undefined;
	objects(type: ObjectType): Json[];
	deletedCustomers(): string[];
	/** Endpoints as the API lists them (no secret). */
	webhookEndpoints(): Json[];
	/** An endpoint's signing secret, as Stripe's Dashboard reveals it; undefined for an unknown id. */
	signingSecret(endpointId: string): string | undefined;
	requestLog(): StripeRequestRecord[];
	snapshot(): Record<string, unknown>;
}

export interface StripeApiContractServer {
	/** Base URL to put in the stripeRestrictedKeyApi credential, e.g. http://127.0.0.1:12111. */
	url: string;
	port: number;
	state: StripeApiContractState;
	/** Stores Stripe's fixture of that type with these fields on top; returns the stored object. */
	put(type: ObjectType, fields?: Json): Json;
	/** From now on the customer is retrieved as Stripe's deleted stub. */
	deleteCustomer(id: string): void;
	setKeys(keys: KeyTable): void;
	setFaults(faults: FaultOptions): void;
	setOutage(outage: Outage | undefined): void;
	/** Back to an empty account with the initial keys, no faults, no outage, an empty log. */
	reset(): void;
	close(): Promise<void>;
}

const LOG_LIMIT = 20_000;
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export async function startStripeApiContractServer(
	options: StripeApiContractServerOptions = {},
): Promise<StripeApiContractServer> {
	const host = options.host ?? '127.0.0.1';
	const initialKeys = checkKeyTable(options.keys ?? DEFAULT_KEYS);
	let keys = initialKeys;
	const store = new StripeStore();
	const limiter = options.rateLimitPerSecond === undefined ? undefined : new SlidingWindowLimiter(options.rateLimitPerSecond);
	const faults = new FaultInjector(options.faults, options.seed === undefined ? Math.random : seededRandom(options.seed));
	const log = options.log ?? (() => {});
	let outage: (Outage & { until?: number }) | undefined;
	let requestLog: StripeRequestRecord[] = [];
	/** key + idempotency key → the first answer, replayed for 24 hours as Stripe does. */
	let idempotent = new Map<string, { at: number; method: string; path: string; answered: ApiAnswer }>();

	const state: StripeApiContractState = {
		object: (type, id) => {
			const found = store.objects.get(type)!.get(id);
			return found && structuredClone(found);
		},
		objects: (type) => [...store.objects.get(type)!.values()].map((o) => structuredClone(o)),
		deletedCustomers: () => [...store.deletedCustomers],
		webhookEndpoints: () => [...store.webhookEndpoints.values()].map(endpointView),
		signingSecret: (endpointId) => store.webhookEndpoints.get(endpointId)?.secret,
		requestLog: () => [...requestLog],
		snapshot: () => ({
			keys: Object.fromEntries(Object.entries(keys).map(([key, grants]) => [redactKey(key), grants])),
			faults: faults.current,
			outage: outage ?? null,
			objects: Object.fromEntries(OBJECT_TYPES.map((type) => [type, state.objects(type)])),
			deletedCustomers: state.deletedCustomers(),
			webhookEndpoints: state.webhookEndpoints(),
			requests: requestLog.length,
			requestLog: requestLog.slice(-200),
		}),
	};

	function currentOutage(method: string): Outage | undefined {
		if (!outage) return undefined;
		if (outage.methods && !outage.methods.includes(method)) return undefined;
		if ((outage.until !== undefined && Date.now() >= outage.until) || outage.requests === 0) {
			outage = undefined;
			return undefined;
		}
		if (outage.requests !== undefined) outage.requests--;
		return outage;
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = Date.now();
		const url = new URL(req.url ?? '/', 'http://localhost');
		const method = (req.method ?? 'GET').toUpperCase();
		const raw = await readBody(req);
		if (url.pathname.startsWith('/_contract/')) return adminRoute(method, url.pathname, raw, res);

		const requestId = `req_${randomBytes(7).toString('hex')}`;
		const bearer = /^Bearer\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1]?.trim();
		const idempotencyKey = headerValue(req, 'idempotency-key');
		const entry: Omit<StripeRequestRecord, 'status'> = {
			at: started,
			method,
			path: url.pathname,
			...(bearer ? { key: redactKey(bearer) } : {}),
			...(idempotencyKey ? { idempotencyKey } : {}),
		};
		const send = (answered: ApiAnswer, extra: { fault?: string; headers?: Record<string, string> } = {}) => {
			res.writeHead(answered.status, {
				'content-type': 'application/json',
				'request-id': requestId,
				...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
				...extra.headers,
			});
			res.end(JSON.stringify(answered.body, null, 2));
			record({ ...entry, status: answered.status, ...(extra.fault ? { fault: extra.fault } : {}) });
			log(`${method} ${url.pathname}${url.search} → ${answered.status}${extra.fault ? ` (${extra.fault})` : ''} ${Date.now() - started} ms`);
		};
		const error = (status: number, message: string, extra: { code?: string; type?: string } = {}) =>
			stripeErrorAnswer(new StripeRuleError(status, message, extra));
		const retryable = { 'stripe-should-retry': 'true' };

		if (bearer === undefined) {
			return send(error(401, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."));
		}
		const grants = keys[bearer];
		if (grants === undefined) return send(error(401, `Invalid API Key provided: ${redactKey(bearer)}`));

		const down = currentOutage(method);
		if (down && !down.afterApply) return strike(down.kind, down.hangMs, 'outage');
		const fault = faults.pick();
		if (fault.kind !== 'none' && !(fault.kind !== 'status429' && fault.afterApply)) return strike(fault.kind, undefined, 'fault');
		if (limiter && !limiter.take().allowed) {
			return send(error(429, 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', { code: 'rate_limit' }), { headers: retryable });
		}

		const matched = matchRoute(method, url.pathname);
		if (!matched) return send(error(404, `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`));
		if (!allows(grants, matched.route.permission)) {
			return send(error(403, `The provided key '${redactKey(bearer)}' does not have the required permissions for this endpoint on account '${ACCOUNT_ID}'. Having the '${matched.route.permission}' permission would allow this request to continue.`));
		}

		let params: FormObject;
		try {
			params = { ...parseStripeParams(url.search.slice(1)), ...(method === 'POST' ? parseStripeParams(raw) : {}) };
		} catch {
			return send(error(400, 'Invalid request parameters.'));
		}

		const expandDenied = expandPermissions(params).find((permission) => !allows(grants, permission));
		if (expandDenied !== undefined) {
			return send(error(403, `The provided key '${redactKey(bearer)}' does not have the required permissions to expand this object on account '${ACCOUNT_ID}'. Having the '${expandDenied}' permission would allow this request to continue.`));
		}

		const replayKey = idempotencyKey === undefined || method !== 'POST' ? undefined : `${bearer} ${idempotencyKey}`;
		const previous = replayKey === undefined ? undefined : idempotent.get(replayKey);
		let answered: ApiAnswer;
		if (previous && started - previous.at < IDEMPOTENCY_WINDOW_MS) {
			if (previous.method !== method || previous.path !== url.pathname) {
				return send(error(400, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`, { code: 'idempotency_key_in_use', type: 'idempotency_error' }));
			}
			answered = previous.answered;
		} else {
			answered = answer(store, matched.route, matched.id, params);
			if (replayKey !== undefined && answered.status < 500) idempotent.set(replayKey, { at: started, method, path: url.pathname, answered });
		}
		const delay = faults.delayMs();
		if (delay > 0) await sleep(delay);
		if (down) return strike(down.kind, down.hangMs, 'outage after apply');
		if (fault.kind !== 'none') return strike(fault.kind, undefined, 'fault after apply');
		return send(answered);

		function strike(kind: Outage['kind'], hangMs: number | undefined, why: string): void {
			switch (kind) {
				case 'status429':
					return send(error(429, 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.', { code: 'rate_limit' }), { fault: `${why}: 429`, headers: retryable });
				case 'status500':
					return send(error(500, 'An unknown error occurred', { type: 'api_error' }), { fault: `${why}: 500`, headers: retryable });
				case 'status503':
					return send({ status: 503, body: { error: { message: 'Service unavailable', type: 'api_error' } } }, { fault: `${why}: 503`, headers: retryable });
				case 'reset':
				case 'hang': {
					const drop = () => {
						record({ ...entry, status: 'reset', fault: `${why}: ${kind}` });
						log(`${method} ${url.pathname} → ${kind} (${why})`);
						req.socket.resetAndDestroy();
					};
					if (kind === 'hang') {
						const timer = setTimeout(drop, hangMs ?? 30_000);
						req.socket.once('close', () => clearTimeout(timer));
						return;
					}
					return drop();
				}
			}
		}
	}

	function record(entry: StripeRequestRecord) {
		requestLog.push(entry);
		if (requestLog.length > LOG_LIMIT) requestLog = requestLog.slice(-LOG_LIMIT / 2);
	}

	function adminRoute(method: string, pathname: string, raw: string, res: ServerResponse) {
		const json = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body, null, 2));
		};
		let body: Json = {};
		try {
			body = raw.trim() === '' ? {} : (JSON.parse(raw) as Json);
		} catch {
			return json(400, { error: 'The body must be JSON.' });
		}
		try {
			if (method === 'GET' && pathname === '/_contract/state') return json(200, state.snapshot());
			if (method === 'POST' && pathname === '/_contract/reset') {
				server.reset();
				return json(200, { ok: true });
			}
			// POST /_contract/objects/customer {fields} stores one object built from Stripe's fixture.
			const put = /^\/_contract\/objects\/([a-z]+)$/.exec(pathname);
			if (method === 'POST' && put && (OBJECT_TYPES as readonly string[]).includes(put[1])) {
				return json(200, store.put(put[1] as ObjectType, body));
			}
			const deleted = /^\/_contract\/customers\/([^/]+)$/.exec(pathname);
			if (method === 'DELETE' && deleted) {
				store.deleteCustomer(decodeURIComponent(deleted[1]));
				return json(200, { ok: true });
			}
			if (method === 'POST' && pathname === '/_contract/faults') {
				faults.set(body as FaultOptions);
				return json(200, { ok: true, faults: faults.current });
			}
			if (method === 'POST' && pathname === '/_contract/outage') {
				server.setOutage(body as unknown as Outage);
				return json(200, { ok: true, outage });
			}
			if (method === 'DELETE' && pathname === '/_contract/outage') {
				server.setOutage(undefined);
				return json(200, { ok: true });
			}
		} catch (error) {
			return json(400, { error: (error as Error).message });
		}
		return json(404, { error: `No admin route ${method} ${pathname}.` });
	}

	const httpServer = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			log(`internal error: ${error.stack ?? error.message}`);
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: { type: 'api_error', message: 'Contract server error.' } }));
		});
	});
	await new Promise<void>((resolve, reject) => {
		httpServer.once('error', reject);
		httpServer.listen(options.port ?? 0, host, () => resolve());
	});
	const port = (httpServer.address() as AddressInfo).port;

	const server: StripeApiContractServer = {
		url: `http://${host}:${port}`,
		port,
		state,
		put: (type, fields) => store.put(type, fields),
		deleteCustomer: (id) => store.deleteCustomer(id),
		setKeys: (table) => {
			keys = checkKeyTable(table);
		},
		setFaults: (f) => faults.set(f),
		setOutage: (next) => {
			if (next === undefined) {
				outage = undefined;
				return;
			}
			if (!['status429', 'status500', 'status503', 'reset', 'hang'].includes(next.kind)) {
				throw new RangeError(`Unknown outage kind ${String(next.kind)}`);
			}
			outage = { ...next, ...(next.durationMs !== undefined ? { until: Date.now() + next.durationMs } : {}) };
		},
		reset: () => {
			keys = initialKeys;
			store.reset();
			limiter?.reset();
			outage = undefined;
			faults.set({});
			requestLog = [];
			idempotent = new Map();
		},
		close: () =>
			new Promise<void>((resolve, reject) => {
				httpServer.close((error) => (error ? reject(error) : resolve()));
				httpServer.closeAllConnections();
			}),
	};
	return server;
}


function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
