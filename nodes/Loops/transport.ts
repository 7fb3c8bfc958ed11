/**
 * The one place that talks to Loops: authentication (the loopsApi credential),
 * pacing request starts to the team's rate limit (pacer.ts: one pacer per
 * team, shared by every execution in the process), retrying what can succeed
 * on a second try for as long as the retry budget allows, and turning Loops'
 * answers into n8n errors.
 *
 * Nothing here is correctness state: a LoopsClient is made per execution, and
 * the shared pacer is only a throttle.
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
import {
	forgetPacers,
	pacerForTeam,
	RetryBudgetSpent,
	WaitCancelled,
	type AttemptOutcome,
	type LoopsPacer,
	type PacerSettings,
	type Turn,
} from './pacer';

export interface LoopsTransportSettings extends PacerSettings {
	/**
	 * How long a request keeps retrying 429s, 5xx, timeouts and connection
	 * errors, counted from the first one it meets. 0 tries once.
	 */
	retryBudgetMs: number;
	/** Items in flight at once (request starts are paced regardless). */
	concurrency: number;
	requestTimeoutMs: number;
}

/** Long enough to ride out a few minutes of Loops outage. */
export const DEFAULT_RETRY_BUDGET_MS = 10 * 60_000;

const DEFAULT_SETTINGS: LoopsTransportSettings = {
	retryBudgetMs: DEFAULT_RETRY_BUDGET_MS,
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
 * Shared pacers are rebuilt with the new settings.
 */
export function configureLoopsTransport(overrides: Partial<LoopsTransportSettings>): () => void {
	const previous = settings;
	settings = { ...settings, ...overrides };
	forgetPacers();
	return () => {
		settings = previous;
		forgetPacers();
	};
}

function loopsTransportSettings(): Readonly<LoopsTransportSettings> {
	return settings;
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
	private team: Promise<{ baseUrl: string; pacer: LoopsPacer }> | undefined;

	readonly settings: Readonly<LoopsTransportSettings>;

	/** `overrides`: per-node choices (the Keep Retrying For option) over the process's settings. */
	constructor(
		private readonly context: LoopsContext,
		overrides: Partial<LoopsTransportSettings> = {},
	) {
		this.settings = { ...loopsTransportSettings(), ...overrides };
	}

	async request<T = IDataObject>(request: LoopsRequest): Promise<LoopsResponse<T>> {
		const { baseUrl, pacer } = await this.resolveTeam();
		const options: IHttpRequestOptions = {
			method: request.method,
			url: `${baseUrl}${request.path}`,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.settings.requestTimeoutMs,
			headers: request.idempotencyKey ? { 'Idempotency-Key': request.idempotencyKey } : {},
			...(request.body !== undefined ? { body: request.body } : {}),
			...(request.qs !== undefined ? { qs: request.qs } : {}),
		};
		const budgetMs = Math.max(0, this.settings.retryBudgetMs);
		const trouble: Trouble = { attempts: 0 };

		for (;;) {
			const turn = await this.waitForTurn(pacer, budgetMs, trouble, request);
			trouble.attempts++;
			let response: FullResponse;
			try {
				response = (await this.context.helpers.httpRequestWithAuthentication.call(
					this.context,
					'loopsApi',
					{ ...options, headers: { ...options.headers } },
				)) as FullResponse;
			} catch (error) {
				if (!isConnectionError(error)) {
					turn.done({ kind: 'abandoned' });
					throw error;
				}
				const problem = `connection failed (${connectionErrorCode(error) ?? 'unknown'})`;
				turn.done({ kind: 'unavailable', problem });
				await this.pauseBeforeRetry(turn, trouble, { problem }, budgetMs, request);
				continue;
			}

			const { statusCode } = response;
			const limit = header(response, 'x-ratelimit-limit');
			if ((statusCode >= 200 && statusCode < 300) || request.accept?.includes(statusCode)) {
				turn.done({ kind: 'answered', limit, remaining: header(response, 'x-ratelimit-remaining') });
				return { statusCode, body: response.body as T, attempts: trouble.attempts };
			}
			if (statusCode !== 429 && statusCode < 500) {
				turn.done({ kind: 'answered', limit, remaining: header(response, 'x-ratelimit-remaining') });
				throw this.apiError(response, request);
			}
			const retryAfter = retryAfterMs(header(response, 'retry-after'));
			const outcome: AttemptOutcome =
				statusCode === 429
					? { kind: 'rateLimited', limit, retryAfterMs: retryAfter }
					: { kind: 'unavailable', problem: answerText(response), retryAfterMs: retryAfter };
			turn.done(outcome);
			await this.pauseBeforeRetry(turn, trouble, { response, retryAfterMs: retryAfter }, budgetMs, request);
		}
	}

	/** Waits in the team's queue; a spent budget or a cancelled execution ends the request. */
	private async waitForTurn(pacer: LoopsPacer, budgetMs: number, trouble: Trouble, request: LoopsRequest): Promise<Turn> {
		try {
			return await pacer.acquire({ budgetMs, troubleSince: trouble.since, signal: this.cancelSignal() });
		} catch (error) {
			if (error instanceof WaitCancelled) throw this.cancelledError();
			if (error instanceof RetryBudgetSpent) {
				trouble.since ??= error.since;
				trouble.last ??= { problem: error.lastProblem ?? 'Loops did not answer' };
				throw this.exhaustedError(trouble, request);
			}
			throw error;
		}
	}

	/** Backs off before the next attempt, or throws when the retry budget is spent. */
	private async pauseBeforeRetry(
		turn: Turn,
		trouble: Trouble,
		last: Trouble['last'],
		budgetMs: number,
		request: LoopsRequest,
	): Promise<void> {
		trouble.since ??= turn.startedAt;
		trouble.last = last;
		const deadline = trouble.since + budgetMs;
		const now = Date.now();
		if (now >= deadline) throw this.exhaustedError(trouble, request);
		const delay = last?.retryAfterMs ?? this.backoffMs(trouble.attempts);
		await sleep(Math.min(delay, deadline - now));
		if (this.cancelSignal()?.aborted) throw this.cancelledError();
	}

	private async resolveTeam(): Promise<{ baseUrl: string; pacer: LoopsPacer }> {
		this.team ??= this.context.getCredentials('loopsApi').then((credentials) => {
			const baseUrl = String(credentials.baseUrl || 'https://app.loops.so/api/v1').replace(/\/+$/, '');
			return { baseUrl, pacer: pacerForTeam(baseUrl, String(credentials.apiKey ?? ''), this.settings) };
		});
		return await this.team;
	}

	/** Exponential backoff with "equal jitter": half fixed, half random. */
	private backoffMs(attempt: number): number {
		const ceiling = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (attempt - 1));
		return ceiling / 2 + Math.random() * (ceiling / 2);
	}

	private cancelSignal(): AbortSignal | undefined {
		return 'getExecutionCancelSignal' in this.context ? this.context.getExecutionCancelSignal() : undefined;
	}

	private cancelledError(): NodeApiError {
		return new NodeApiError(this.context.getNode(), {}, { message: 'The execution was cancelled' });
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

	private exhaustedError(trouble: Trouble, request: LoopsRequest): NodeApiError {
		const where = `${request.method} ${request.path}`;
		const since = trouble.since ?? Date.now();
		const response = trouble.last?.response;
		const lastAnswer = response ? answerText(response) : (trouble.last?.problem ?? 'none');
		const rateLimited = response?.statusCode === 429;
		const tries = trouble.attempts === 1 ? '1 attempt' : `${trouble.attempts} attempts`;
		return new NodeApiError(this.context.getNode(), asJson(response?.body), {
			message: rateLimited
				? `Loops kept rate-limiting ${where} for ${formatDuration(Date.now() - since)}`
				: `Loops was unavailable for ${formatDuration(Date.now() - since)}: ${where} did not succeed`,
			description: `Last answer: ${lastAnswer}. ${tries} since ${new Date(since).toISOString()}; the retry budget is ${formatDuration(
				this.settings.retryBudgetMs,
			)}. ${
				rateLimited ? 'Other clients may share this API key. ' : ''
			}Running the execution again is safe: contacts are upserted and an event or email with an idempotency key is sent at most once.`,
			...(response ? { httpCode: String(response.statusCode) } : {}),
			itemIndex: request.itemIndex,
			failure: { cause: rateLimited ? 'rate-limited' : 'temporarily-unavailable' },
		});
	}
}

interface Trouble {
	attempts: number;
	/** When this request first met a failing Loops. */
	since?: number;
	last?: { response?: FullResponse; problem?: string; retryAfterMs?: number };
}

function answerText(response: FullResponse): string {
	const message = messageOf(response.body);
	return `${response.statusCode}${message ? ` ${message}` : ''}`;
}

/** 95 000 → "1 min 35 s". */
export function formatDuration(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	const minutes = Math.floor(seconds / 60);
	if (minutes === 0) return `${seconds} s`;
	return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

function header(response: FullResponse, name: string): unknown {
	const value = response.headers?.[name];
	return Array.isArray(value) ? value[0] : value;
}

function retryAfterMs(value: unknown): number | undefined {
	const seconds = Number(value);
	return value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function messageOf(body: unknown): string | undefined {
	if (typeof body === 'object' && body !== null) {
		const { message, error } = body as IDataObject;
		if (typeof message === 'string' && message) return message;
		if (typeof error === 'string' && error) return error;
	}
	return typeof body === 'string' && body.length > 0 && body.length < 300 ? body : undefined;
}

function pathOf(body: unknown): string | undefined {
	const path = typeof body === 'object' && body !== null ? (body as IDataObject).path : undefined;
	return typeof path === 'string' ? path : undefined;
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
