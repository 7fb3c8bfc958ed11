/**
 * The one Stripe API client: small calls over an injected request function,
 * every failure classified into a StripeApiError whose `kind` says what the
 * caller should do (a webhook answers 503 to `unavailable`, ignores `missing`,
 * reports `forbidden` / `invalidKey` as a configuration error).
 */
import { randomUUID } from 'crypto';
import type { IDataObject, IHookFunctions, IHttpRequestOptions, IWebhookFunctions } from 'n8n-workflow';
import { sleep as n8nSleep } from 'n8n-workflow';

import { isConnectionError } from '../Loops/transport';
import { isObject } from '../shared/isObject';

/**
 * The API version every request is made in (Stripe-Version header) and every
 * registered endpoint is created with: the version the normalizer is tested against.
 */
export const STRIPE_API_VERSION = '2025-10-29.clover';

export const STRIPE_CREDENTIAL_TYPE = 'stripeRestrictedKeyApi';
export const DEFAULT_STRIPE_BASE_URL = 'https://api.stripe.com';
/** Per attempt; with the one retry a lookup stays well inside the time Stripe waits for a webhook answer. */
const DEFAULT_TIMEOUT_MS = 4_000;

export type StripeMethod = 'GET' | 'POST' | 'DELETE';

export interface StripeHttpRequest {
	method: StripeMethod;
	/** Path under the base URL, e.g. /v1/customers/cus_123. */
	path: string;
	query?: Record<string, string | number | string[]>;
	/** Sent form-encoded, the way Stripe's API takes parameters. */
	form?: FormParams;
	/** Stripe answers a repeat with this key with the first answer, so a retried create creates once. */
	idempotencyKey?: string;
}

export interface StripeHttpResponse {
	status: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** Sends one request; throws only when no HTTP answer came (connection error, timeout). */
export type StripeRequestFunction = (request: StripeHttpRequest) => Promise<StripeHttpResponse>;

export type FormValue = string | number | boolean | null | undefined | FormValue[] | { [key: string]: FormValue };
export type FormParams = Record<string, FormValue>;

export type StripeFailureKind =
	/** 429, 5xx, 409 lock timeouts, Stripe-Should-Retry: true, timeouts, connection errors: try again later. */
	| 'unavailable'
	/** 404 resource_missing, or a deleted customer. */
	| 'missing'
	/** 403: the key lacks a permission; the message is Stripe's and names it. */
	| 'forbidden'
	/** 401: the key is wrong, expired or revoked. */
	| 'invalidKey'
	/** Any other answer Stripe does not want repeated (400, 402, 405 …). */
	| 'rejected'
	/** The request could not be made at all (no credential, a URL n8n refuses …). */
	| 'failed';

export class StripeApiError extends Error {
	constructor(
		readonly kind: StripeFailureKind,
		message: string,
		readonly details: {
			status?: number;
			/** Stripe's error.code, e.g. resource_missing, rate_limit. */
			code?: string;
			/** Milliseconds Stripe asked to wait (Retry-After), when it said. */
			retryAfterMs?: number;
			/** Set for a customer that exists only as a deleted stub. */
			deleted?: boolean;
			/** Stripe-Should-Retry: false on an `unavailable` answer: do not repeat it right away. */
			noRetry?: boolean;
			cause?: unknown;
		} = {},
	) {
		super(message);
		this.name = 'StripeApiError';
	}

	/** Whether repeating the same request in a moment may succeed. */
	get retryable(): boolean {
		return this.kind === 'unavailable' && this.details.noRetry !== true;
	}
}

export interface StripeObject extends IDataObject {
	id: string;
	object: string;
}

export interface WebhookEndpoint extends StripeObject {
	url: string;
	enabled_events: string[];
	/** Only in the answer to create. */
	secret?: string;
	api_version?: string | null;
	status?: string;
	metadata?: IDataObject;
}

export interface WebhookEndpointParams {
	url?: string;
	enabled_events?: string[];
	api_version?: string;
	description?: string;
	metadata?: Record<string, string>;
	disabled?: boolean;
}

export interface RetrieveOptions {
	/** Related objects to return whole instead of as ids, e.g. ['customer']. */
	expand?: string[];
}

export interface StripeClientOptions {
	/** Further attempts for an `unavailable` answer that Stripe does not forbid retrying. Default 1. */
	retries?: number;
	/** Wait before retry n (1-based) when Stripe gave no Retry-After. Default 250 ms · 2^(n-1). */
	retryDelayMs?: (retry: number) => number;
	/** Longest wait honoured before a retry; a longer Retry-After ends the attempts. Default 2 000 ms. */
	maxRetryDelayMs?: number;
	sleep?: (ms: number) => Promise<void>;
}

export interface StripeClient {
	retrieveCustomer(id: string, options?: RetrieveOptions): Promise<StripeObject>;
	retrieveCharge(id: string, options?: RetrieveOptions): Promise<StripeObject>;
	retrieveSubscription(id: string, options?: RetrieveOptions): Promise<StripeObject>;
	retrieveQuote(id: string, options?: RetrieveOptions): Promise<StripeObject>;
	/** Every webhook endpoint of the account, following Stripe's pagination. */
	listWebhookEndpoints(): Promise<WebhookEndpoint[]>;
	createWebhookEndpoint(params: WebhookEndpointParams & { url: string; enabled_events: string[] }): Promise<WebhookEndpoint>;
	updateWebhookEndpoint(id: string, params: WebhookEndpointParams): Promise<WebhookEndpoint>;
	/** True when deleted now, false when Stripe no longer had it. */
	deleteWebhookEndpoint(id: string): Promise<boolean>;
}

const PAGE_SIZE = 100;
/** Stripe caps an account at 16 endpoints; this only stops a server that never ends its list. */
const MAX_PAGES = 50;

export function createStripeClient(send: StripeRequestFunction, options: StripeClientOptions = {}): StripeClient {
	const retries = options.retries ?? 1;
	const retryDelayMs = options.retryDelayMs ?? ((retry: number) => 250 * 2 ** (retry - 1));
	const maxRetryDelayMs = options.maxRetryDelayMs ?? 2_000;
	const sleep = options.sleep ?? n8nSleep;

	async function call(request: StripeHttpRequest, what: string): Promise<IDataObject> {
		if (request.method === 'POST') request = { ...request, idempotencyKey: randomUUID() };
		for (let retry = 0; ; retry++) {
			const outcome = await attempt(request, what);
			if (!(outcome instanceof StripeApiError)) return outcome;
			const wait = outcome.details.retryAfterMs ?? retryDelayMs(retry + 1);
			if (!outcome.retryable || retry >= retries || wait > maxRetryDelayMs) throw outcome;
			await sleep(wait);
		}
	}

	async function attempt(request: StripeHttpRequest, what: string): Promise<IDataObject | StripeApiError> {
		let response: StripeHttpResponse;
		try {
			response = await send(request);
		} catch (error) {
			if (isConnectionError(error) || isTimeout(error)) {
				return new StripeApiError('unavailable', `Stripe did not answer ${what}: ${describe(error)}`, { cause: error });
			}
			return new StripeApiError('failed', `Could not ask Stripe for ${what}: ${describe(error)}`, { cause: error });
		}
		return classify(response, what);
	}

	const retrieve = (path: string, noun: string) => async (id: string, retrieveOptions: RetrieveOptions = {}) => {
		const object = await call(
			{ method: 'GET', path: `${path}/${encodeURIComponent(id)}`, query: expandQuery(retrieveOptions.expand) },
			`the ${noun} ${id}`,
		);
		if (object.deleted === true) {
			throw new StripeApiError('missing', `The Stripe ${noun} ${id} has been deleted`, { status: 200, deleted: true });
		}
		return object as StripeObject;
	};

	return {
		retrieveCustomer: retrieve('/v1/customers', 'customer'),
		retrieveCharge: retrieve('/v1/charges', 'charge'),
		retrieveSubscription: retrieve('/v1/subscriptions', 'subscription'),
		retrieveQuote: retrieve('/v1/quotes', 'quote'),

		async listWebhookEndpoints() {
			const endpoints: WebhookEndpoint[] = [];
			let startingAfter: string | undefined;
			for (let page = 0; page < MAX_PAGES; page++) {
				const query: Record<string, string | number> = { limit: PAGE_SIZE };
				if (startingAfter !== undefined) query.starting_after = startingAfter;
				const list = await call({ method: 'GET', path: '/v1/webhook_endpoints', query }, 'the webhook endpoints');
				const data = Array.isArray(list.data) ? (list.data as WebhookEndpoint[]) : [];
				endpoints.push(...data);
				if (list.has_more !== true || data.length === 0) return endpoints;
				startingAfter = data[data.length - 1].id;
			}
			return endpoints;
		},

		async createWebhookEndpoint(params) {
			return (await call(
				{ method: 'POST', path: '/v1/webhook_endpoints', form: params as unknown as FormParams },
				`a webhook endpoint for ${params.url}`,
			)) as WebhookEndpoint;
		},

		async updateWebhookEndpoint(id, params) {
			return (await call(
				{ method: 'POST', path: `/v1/webhook_endpoints/${encodeURIComponent(id)}`, form: params as unknown as FormParams },
				`the webhook endpoint ${id}`,
			)) as WebhookEndpoint;
		},

		async deleteWebhookEndpoint(id) {
			const outcome = await call(
				{ method: 'DELETE', path: `/v1/webhook_endpoints/${encodeURIComponent(id)}` },
				`the webhook endpoint ${id}`,
			).catch((error: unknown) => error);
			if (outcome instanceof StripeApiError && outcome.kind === 'missing') return false;
			if (outcome instanceof Error) throw outcome;
			return true;
		},
	};
}

/** Stripe's answer → the object, or the StripeApiError that says what went wrong. */
export function classify(response: StripeHttpResponse, what: string): IDataObject | StripeApiError {
	const { status } = response;
	const body = isObject(response.body) ? (response.body as IDataObject) : undefined;
	if (status >= 200 && status < 300) {
		if (body === undefined) {
			return new StripeApiError('unavailable', `Stripe answered ${what} with a body that is not a JSON object`, { status });
		}
		return body;
	}

	const error = isObject(body?.error) ? (body?.error as IDataObject) : {};
	const code = typeof error.code === 'string' ? error.code : undefined;
	const stripeMessage = typeof error.message === 'string' && error.message !== '' ? error.message : undefined;
	const shouldRetry = headerValue(response.headers, 'stripe-should-retry');
	const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'));
	const details = { status, ...(code !== undefined ? { code } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
	const because = stripeMessage ?? `HTTP ${status}`;

	const transient = status === 429 || status >= 500 || (status === 409 && code === 'lock_timeout');
	if (transient || shouldRetry === 'true') {
		const noRetry = shouldRetry === 'false' ? { noRetry: true } : {};
		return new StripeApiError('unavailable', `Stripe could not answer ${what} now (${status}): ${because}`, { ...details, ...noRetry });
	}
	if (status === 401) {
		return new StripeApiError('invalidKey', `Stripe rejected the API key of the ${STRIPE_CREDENTIAL_TYPE} credential: ${because}`, details);
	}
	if (status === 403) {
		return new StripeApiError('forbidden', `The Stripe API key may not read ${what}: ${because}`, details);
	}
	if (status === 404) {
		return new StripeApiError('missing', `Stripe has no ${what.replace(/^the /, '')}: ${because}`, details);
	}
	return new StripeApiError('rejected', `Stripe refused ${what} (${status}): ${because}`, details);
}

function expandQuery(expand: string[] | undefined): Record<string, string[]> | undefined {
	return expand && expand.length > 0 ? { 'expand[]': expand } : undefined;
}

/** Stripe's form encoding: nested objects as a[b]=c, arrays as a[0]=x, null as an empty value. */
export function encodeForm(params: FormParams): string {
	const pairs: string[] = [];
	const add = (key: string, value: FormValue) => {
		if (value === undefined) return;
		if (Array.isArray(value)) {
			value.forEach((item, index) => add(`${key}[${index}]`, item));
		} else if (value !== null && typeof value === 'object') {
			for (const [inner, item] of Object.entries(value)) add(`${key}[${inner}]`, item);
		} else {
			pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value === null ? '' : String(value))}`);
		}
	};
	for (const [key, value] of Object.entries(params)) add(key, value);
	return pairs.join('&');
}

/** Query string with repeated keys for arrays (expand[]=a&expand[]=b), as Stripe reads them. */
export function encodeQuery(query: StripeHttpRequest['query']): string {
	if (!query) return '';
	const pairs: string[] = [];
	for (const [key, value] of Object.entries(query)) {
		for (const item of Array.isArray(value) ? value : [value]) {
			pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
		}
	}
	return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/**
 * The request function over n8n's helpers: the credential's `authenticate`
 * adds the key, the base URL comes from the same credential.
 */
export function n8nStripeRequest(
	context: {
		helpers: { httpRequestWithAuthentication(this: unknown, type: string, options: IHttpRequestOptions): Promise<unknown> };
	},
	baseUrl: string,
	timeoutMs = DEFAULT_TIMEOUT_MS,
): StripeRequestFunction {
	const base = (baseUrl || DEFAULT_STRIPE_BASE_URL).replace(/\/+$/, '');
	return async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${base}${request.path}${encodeQuery(request.query)}`,
			headers: {
				'Stripe-Version': STRIPE_API_VERSION,
				...(request.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
				...(request.idempotencyKey ? { 'Idempotency-Key': request.idempotencyKey } : {}),
			},
			...(request.form ? { body: encodeForm(request.form) } : {}),
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
		};
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			STRIPE_CREDENTIAL_TYPE,
			options,
		)) as { statusCode: number; headers: Record<string, unknown>; body: unknown };
		return { status: response.statusCode, headers: response.headers ?? {}, body: parseBody(response.body) };
	};
}

/**
 * The client for the node's stripeRestrictedKeyApi credential, or undefined
 * when the node has none selected.
 */
export async function stripeClientFor(
	context: IWebhookFunctions | IHookFunctions,
	options?: StripeClientOptions & { timeoutMs?: number },
): Promise<StripeClient | undefined> {
	if (context.getNode().credentials?.[STRIPE_CREDENTIAL_TYPE] === undefined) return undefined;
	const credentials = await context.getCredentials<{ baseUrl?: string }>(STRIPE_CREDENTIAL_TYPE);
	return createStripeClient(
		n8nStripeRequest(context, String(credentials.baseUrl ?? ''), options?.timeoutMs),
		options,
	);
}

function parseBody(body: unknown): unknown {
	const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : body;
	if (typeof text !== 'string') return text;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== name) continue;
		const first = Array.isArray(value) ? value[0] : value;
		return first === undefined || first === null ? undefined : String(first).trim().toLowerCase();
	}
	return undefined;
}

function parseRetryAfter(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const seconds = Number(value);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function isTimeout(error: unknown): boolean {
	let current = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 6; depth++) {
		if (current.code === 'ETIMEDOUT' || current.code === 'ECONNABORTED' || current.code === 'ERR_CANCELED') return true;
		if (typeof current.message === 'string' && /timeout .*exceeded|timed out/i.test(current.message)) return true;
		current = current.cause as typeof current;
	}
	return false;
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
