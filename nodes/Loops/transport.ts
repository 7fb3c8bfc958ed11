/**
 * The one place that talks to Loops: authentication (the loopsApi credential),
 * pacing request starts to the team's rate limit, retrying what can succeed
 * on a second try, and turning Loops' answers into n8n errors.
 *
 * State lives in a LoopsClient, made once per execution: n8n may run many
 * executions in one process (or spread them over workers in queue mode), so
 * nothing here is process-global except the tunable settings.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { isObject } from '../shared/isObject';
import { nonBlank } from '../shared/text';

export interface LoopsTransportSettings {
	/** Attempts per request, the first included. */
	maxAttempts: number;
	/** Backoff before retry n is about baseDelayMs · 2^(n-1), with jitter. */
	baseDelayMs: number;
	maxDelayMs: number;
	/** Items in flight at once (request starts are paced regardless). */
	concurrency: number;
	/** Assumed until Loops' x-ratelimit-limit header says otherwise. */
	initialRatePerSecond: number;
	/** Share of the advertised limit to pace at, leaving room for network jitter. */
	paceShare: number;
	requestTimeoutMs: number;
}

const DEFAULT_SETTINGS: LoopsTransportSettings = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	concurrency: 20,
	initialRatePerSecond: 10,
	paceShare: 0.97,
	requestTimeoutMs: 30_000,
};

let settings: LoopsTransportSettings = { ...DEFAULT_SETTINGS };

/**
 * Tunes the transport for this process (tests and benchmarks use it to keep
 * backoff short). Returns a function that restores the previous settings.
 */
export function configureLoopsTransport(overrides: Partial<LoopsTransportSettings>): () => void {
	const previous = settings;
	settings = { ...settings, ...overrides };
	return () => {
		settings = previous;
	};
}

function loopsTransportSettings(): Readonly<LoopsTransportSettings> {
	return settings;
}

/**
 * Spaces request starts so they stay under the limit Loops advertises. Starts
 * are released in arrival order on a grid of 1000 / (limit · paceShare) ms, and
 * never more than `limit` of them within 1000 / paceShare ms of each other. The
 * grid keeps starts even; the window is the guarantee: it counts the real start
 * times, so a late start cannot crowd the next second, and the slack beyond
 * 1000 ms absorbs the varying time from start to arrival at Loops. A limit
 * learnt from an answer applies at once to requests already waiting.
 */
export class RequestPacer {
	private lastSlotAt = Number.NEGATIVE_INFINITY;

	/** The latest starts, oldest first; at most `limit` are kept. */
	private readonly recentStarts: number[] = [];

	private holdUntil = 0;

	private readonly queue: Array<() => void> = [];

	private pumping = false;

	private wake: AbortController | undefined;

	constructor(
		private limitPerSecond: number,
		private readonly paceShare: number,
		private readonly now: () => number = Date.now,
	) {}

	get limit(): number {
		return this.limitPerSecond;
	}

	get intervalMs(): number {
		return this.windowMs / this.limitPerSecond;
	}

	/** No more than `limit` starts fall within this span. */
	get windowMs(): number {
		return 1000 / this.paceShare;
	}

	private get startsPerWindow(): number {
		return Math.max(1, Math.floor(this.limitPerSecond));
	}

	/** When the next request may start. */
	get nextStartAt(): number {
		const limitAgo = this.recentStarts.length - this.startsPerWindow;
		const windowOpensAt = limitAgo >= 0 ? this.recentStarts[limitAgo] + this.windowMs : Number.NEGATIVE_INFINITY;
		return Math.max(this.lastSlotAt + this.intervalMs, windowOpensAt, this.holdUntil);
	}

	/** Resolves when this request may start. */
	async acquire(): Promise<void> {
		const turn = new Promise<void>((resolve) => this.queue.push(resolve));
		void this.pump();
		return await turn;
	}

	/** Learns from x-ratelimit-limit / x-ratelimit-remaining on any answer. */
	observe(limitHeader: unknown, remainingHeader: unknown): void {
		const limit = Number(limitHeader);
		if (limitHeader !== undefined && Number.isFinite(limit) && limit > 0 && limit !== this.limitPerSecond) {
			this.limitPerSecond = limit;
			this.wake?.abort(); // a waiting start may be due sooner now
		}
		// Remaining 0 means the window is full (maybe others share the team):
		// the next slot opens no sooner than one interval from now.
		if (remainingHeader !== undefined && Number(remainingHeader) === 0) this.holdOff(this.intervalMs);
	}

	/** No request starts for `ms` (after a 429 everyone waits, not only the one retrying). */
	holdOff(ms: number): void {
		this.holdUntil = Math.max(this.holdUntil, this.now() + ms);
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const now = this.now();
				const due = this.nextStartAt;
				if (now < due) {
					await this.nap(due - now);
					continue;
				}
				this.recordStart(now, due);
				this.queue.shift()?.();
			}
		} finally {
			this.pumping = false;
		}
	}

	/** Sleeps until `ms` have passed or the limit changes. */
	private async nap(ms: number): Promise<void> {
		this.wake = new AbortController();
		try {
			await sleep(Math.ceil(ms), this.wake.signal);
		} catch {
			// Woken early: the caller re-reads when the next start is due.
		} finally {
			this.wake = undefined;
		}
	}

	private recordStart(now: number, due: number): void {
		// A start a little late keeps the grid, so the next one can catch up
		// (the window still bounds every second); a long pause starts a new grid.
		this.lastSlotAt = now - due <= this.windowMs - 1000 ? due : now;
		this.recentStarts.push(now);
		const excess = this.recentStarts.length - this.startsPerWindow;
		if (excess > 0) this.recentStarts.splice(0, excess);
	}
}

export interface LoopsRequest {
	method: IHttpRequestMethods;
	/** Path under the base URL, e.g. /contacts/update. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	idempotencyKey?: string;
	/** Non-2xx statuses the caller turns into a result itself (e.g. 404 on delete). */
	accept?: number[];
	itemIndex?: number;
}

export interface LoopsResponse<T = unknown> {
	statusCode: number;
	body: T;
	/** How many attempts it took: >1 means an earlier one may have been applied. */
	attempts: number;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

type LoopsContext = IExecuteFunctions | ILoadOptionsFunctions;

const CONNECTION_ERROR_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'UND_ERR_SOCKET',
]);

export class LoopsClient {
	readonly pacer: RequestPacer;

	private baseUrl: Promise<string> | undefined;

	constructor(
		private readonly context: LoopsContext,
		readonly settings: Readonly<LoopsTransportSettings> = loopsTransportSettings(),
	) {
		this.pacer = new RequestPacer(settings.initialRatePerSecond, settings.paceShare);
	}

	async request<T = IDataObject>(request: LoopsRequest): Promise<LoopsResponse<T>> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${await this.resolveBaseUrl()}${request.path}`,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.settings.requestTimeoutMs,
			headers: request.idempotencyKey ? { 'Idempotency-Key': request.idempotencyKey } : {},
			...(request.body !== undefined ? { body: request.body } : {}),
			...(request.qs !== undefined ? { qs: request.qs } : {}),
		};
		const { maxAttempts } = this.settings;
		let last: { response?: FullResponse; error?: Error } = {};

		for (let attempt = 1; attempt <= maxAttempts; attempt++) {
			this.throwIfCancelled();
			await this.pacer.acquire();
			let response: FullResponse;
			try {
				response = (await this.context.helpers.httpRequestWithAuthentication.call(
					this.context,
					'loopsApi',
					{ ...options, headers: { ...options.headers } },
				)) as FullResponse;
			} catch (error) {
				if (!isConnectionError(error)) throw new NodeApiError(this.context.getNode(), error as JsonObject);
				last = { error };
				if (attempt < maxAttempts) await sleep(this.backoffMs(attempt));
				continue;
			}

			this.pacer.observe(header(response, 'x-ratelimit-limit'), header(response, 'x-ratelimit-remaining'));
			const { statusCode } = response;
			if ((statusCode >= 200 && statusCode < 300) || request.accept?.includes(statusCode)) {
				return { statusCode, body: response.body as T, attempts: attempt };
			}
			if (statusCode !== 429 && statusCode < 500) throw this.apiError(response, request);

			last = { response };
			if (attempt < maxAttempts) {
				const delay = retryAfterMs(header(response, 'retry-after')) ?? this.backoffMs(attempt);
				if (statusCode === 429) this.pacer.holdOff(delay);
				await sleep(delay);
			}
		}
		throw this.exhaustedError(maxAttempts, last, request);
	}

	private async resolveBaseUrl(): Promise<string> {
		this.baseUrl ??= this.context.getCredentials('loopsApi').then((credentials) => {
			const url = String(credentials.baseUrl || 'https://app.loops.so/api/v1');
			return url.replace(/\/+$/, '');
		});
		return await this.baseUrl;
	}

	/** Exponential backoff with "equal jitter": half fixed, half random. */
	private backoffMs(attempt: number): number {
		const ceiling = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (attempt - 1));
		return ceiling / 2 + Math.random() * (ceiling / 2);
	}

	private throwIfCancelled(): void {
		if ('getExecutionCancelSignal' in this.context && this.context.getExecutionCancelSignal()?.aborted) {
			throw new NodeApiError(this.context.getNode(), {}, { message: 'The execution was cancelled' });
		}
	}

	private apiError(response: FullResponse, request: LoopsRequest): NodeApiError {
		const loopsMessage = messageOf(response.body);
		const httpCode = String(response.statusCode);
		const where = `${request.method} ${request.path}`;
		if (response.statusCode === 401 || response.statusCode === 403) {
			return new NodeApiError(this.context.getNode(), asJson(response.body), {
				message: 'The Loops API key was rejected — check the Loops API credential',
				description: `Loops answered ${httpCode} to ${where}${loopsMessage ? `: ${loopsMessage}` : ''}`,
				httpCode,
				itemIndex: request.itemIndex,
				failure: { cause: 'credential-invalid' },
			});
		}
		return new NodeApiError(this.context.getNode(), asJson(response.body), {
			message: loopsMessage ? `Loops: ${loopsMessage}` : `Loops answered ${httpCode}`,
			description: `${where} answered ${httpCode}${pathOf(response.body) ? ` (field: ${pathOf(response.body)})` : ''}`,
			httpCode,
			itemIndex: request.itemIndex,
		});
	}

	private exhaustedError(
		attempts: number,
		last: { response?: FullResponse; error?: Error },
		request: LoopsRequest,
	): NodeApiError {
		const where = `${request.method} ${request.path}`;
		const lastAnswer = last.response
			? `${last.response.statusCode}${messageOf(last.response.body) ? ` ${messageOf(last.response.body)}` : ''}`
			: `connection failed (${connectionErrorCode(last.error) ?? last.error?.message ?? 'unknown'})`;
		const rateLimited = last.response?.statusCode === 429;
		return new NodeApiError(this.context.getNode(), asJson(last.response?.body), {
			message: `Loops did not answer ${where} successfully after ${attempts} attempts`,
			description: `Last answer: ${lastAnswer}. ${
				rateLimited ? 'Loops kept rate-limiting: other clients may share this API key.' : 'Loops may be unavailable; try again later.'
			}`,
			...(last.response ? { httpCode: String(last.response.statusCode) } : {}),
			itemIndex: request.itemIndex,
			failure: { cause: rateLimited ? 'rate-limited' : 'temporarily-unavailable' },
		});
	}
}

function header(response: FullResponse, name: string): unknown {
	const value = response.headers?.[name];
	return Array.isArray(value) ? value[0] : value;
}

function retryAfterMs(value: unknown): number | undefined {
	const seconds = Number(value);
	return value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * Loops' words for a failure. Most endpoints answer { message }; the
 * transactional endpoint nests them as { error: { path, message } } (or
 * { error: { path, reason } }), sometimes beside a top-level message.
 */
function messageOf(body: unknown): string | undefined {
	if (isObject(body)) {
		const nested = isObject(body.error) ? body.error : {};
		const texts = [body.message, body.error, nested.message, nested.reason].map(nonBlank);
		const distinct = [...new Set(texts.filter((text): text is string => text !== undefined))];
		if (distinct.length === 0) return undefined;
		return distinct.reduce((all, text) => `${all}${/[.!?]$/.test(all) ? ' ' : ': '}${text}`);
	}
	return typeof body === 'string' && body.length > 0 && body.length < 300 ? body : undefined;
}

/** The request field Loops names as the problem, at the top or nested under `error`. */
function pathOf(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	return nonBlank(body.path) ?? (isObject(body.error) ? nonBlank(body.error.path) : undefined);
}

function asJson(body: unknown): JsonObject {
	return isObject(body) ? (body as JsonObject) : {};
}

function connectionErrorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
	for (let depth = 0; current && depth < 6; depth++) {
		if (typeof current.code === 'string' && CONNECTION_ERROR_CODES.has(current.code)) return current.code;
		if (typeof current.message === 'string' && /socket hang up/i.test(current.message)) return 'ECONNRESET';
		current = current.cause as typeof current;
	}
	return undefined;
}

/** A request that never got an HTTP answer: retrying it is safe with idempotency keys. */
export function isConnectionError(error: unknown): boolean {
	return connectionErrorCode(error) !== undefined;
}
