/**
 * One pace per Loops team. Every execution in this process that uses the same
 * Loops credential (base URL + API key) waits in one queue, so a renewal run
 * of hundreds of one-item executions is one paced stream, not hundreds.
 *
 * - Starts are released in arrival order on a grid of 1000 / (limit · share ·
 *   paceShare) ms, and never more than limit · share within 1000 / paceShare ms
 *   (the window counts real start times, so a late start cannot crowd the next
 *   second). The limit is learnt from x-ratelimit-limit.
 * - `share` is this process's part of the team's limit. Other clients on the
 *   same team (n8n queue-mode workers each have their own process) show up as
 *   x-ratelimit-remaining falling faster than our own starts explain: when the
 *   team's window is nearly full and others use it, the share shrinks by a
 *   factor; otherwise it grows a little each second (AIMD, which converges to
 *   equal shares), and quickly back to 1 when nobody else is seen. A 429 also
 *   shrinks it and holds every start back for a moment, not only the retry's.
 * - While Loops is failing (5xx, timeouts, connection errors) only one request
 *   is in flight at a time, after a growing pause: a probe. Its first success
 *   releases the queue at full pace again.
 * - A waiter gives up once Loops has been failing for longer than its retry
 *   budget (counted from the first failure it met, or since it began waiting
 *   while Loops was already failing).
 */
import { createHash } from 'node:crypto';
import { sleep } from 'n8n-workflow';

export interface PacerClock {
	now(): number;
	/** Resolves after `ms`, or rejects early when `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: PacerClock = {
	now: () => Date.now(),
	sleep: async (ms, signal) => await sleep(ms, signal),
};

export interface PacerSettings {
	/** Assumed until Loops' x-ratelimit-limit header says otherwise. */
	initialRatePerSecond: number;
	/** Share of the advertised limit to pace at, leaving room for network jitter. */
	paceShare: number;
	/** Pause after the second consecutive failure; doubles with each further one. */
	baseDelayMs: number;
	maxDelayMs: number;
}

/** What one attempt met, reported through its turn. */
export type AttemptOutcome =
	/** Loops answered (2xx, or a 4xx other than 429). */
	| { kind: 'answered'; limit?: unknown; remaining?: unknown }
	| { kind: 'rateLimited'; limit?: unknown; retryAfterMs?: number }
	/** 5xx, timeout or connection error. */
	| { kind: 'unavailable'; problem: string; retryAfterMs?: number }
	/** Nothing to learn from (a local error). */
	| { kind: 'abandoned' };

export interface Turn {
	startedAt: number;
	/** Report how the attempt went; only the first call counts. */
	done(outcome: AttemptOutcome): void;
}

export interface WaitOptions {
	/** How long this request may meet a failing Loops before it gives up. */
	budgetMs: number;
	/** When this request first met trouble (its own failed attempt), if it has. */
	troubleSince?: number;
	/** Aborting removes the request from the queue (n8n's execution cancel signal). */
	signal?: AbortSignal;
}

/** A waiter's retry budget ran out while Loops was failing. */
export class RetryBudgetSpent extends Error {
	constructor(
		readonly since: number,
		readonly lastProblem: string | undefined,
	) {
		super('Loops stayed unavailable for longer than the retry budget');
	}
}

export class WaitCancelled extends Error {
	constructor() {
		super('The execution was cancelled');
	}
}

interface Waiter {
	resolve(turn: Turn): void;
	reject(error: Error): void;
	enqueuedAt: number;
	options: WaitOptions;
}

/** Others must use this many of the window (smoothed) before we count as sharing the team. */
const SHARING_THRESHOLD = 1.5;
/** The share never drops below this, so every process keeps making progress. */
const MIN_SHARE = 0.05;
/** After a 429 the share shrinks by this factor (at most once per window). */
const DECREASE = 0.85;
/** Sharing the team, all clients together aim at this part of its limit. */
const SHARED_PACE = 0.9;
/** How far each answer moves the share toward that aim. */
const APPROACH = 0.1;
/** Alone again, the share grows back by this part of the limit per second. */
const INCREASE_ALONE = 0.5;
/** How long everyone waits after a 429 that came without Retry-After. */
const RATE_LIMITED_HOLD_MS = 500;
/** While Loops fails, waiters re-check their budgets at least this often. */
const BUDGET_CHECK_MS = 1000;

export class LoopsPacer {
	private limitPerSecond: number;

	private shareOfLimit = 1;

	/** Smoothed count of other clients' requests in the team's window. */
	private others = 0;

	private lastDecreaseAt = Number.NEGATIVE_INFINITY;

	private lastAdjustAt: number | undefined;

	private lastSlotAt = Number.NEGATIVE_INFINITY;

	/** Our starts in about the last two seconds, oldest first. */
	private readonly starts: number[] = [];

	private holdUntil = 0;

	private failures = 0;

	private unavailableSince: number | undefined;

	private lastProblem: string | undefined;

	private probeInFlight = false;

	private readonly queue: Waiter[] = [];

	private pumping = false;

	private wake: AbortController | undefined;

	constructor(
		private readonly settings: PacerSettings,
		private readonly clock: PacerClock = realClock,
	) {
		this.limitPerSecond = settings.initialRatePerSecond;
	}

	get limit(): number {
		return this.limitPerSecond;
	}

	/** This process's part of the team's limit, 0..1. */
	get share(): number {
		return this.shareOfLimit;
	}

	get waiting(): number {
		return this.queue.length;
	}

	/** No more than `startsPerWindow` starts fall within this span. */
	get windowMs(): number {
		return 1000 / this.settings.paceShare;
	}

	get intervalMs(): number {
		return this.windowMs / (this.limitPerSecond * this.shareOfLimit);
	}

	private get startsPerWindow(): number {
		return Math.max(1, Math.floor(this.limitPerSecond * this.shareOfLimit));
	}

	/** When the next request may start. */
	get nextStartAt(): number {
		const recent = this.startsWithin(this.windowMs, this.clock.now());
		const limitAgo = recent.length - this.startsPerWindow;
		const windowOpensAt = limitAgo >= 0 ? recent[limitAgo] + this.windowMs : Number.NEGATIVE_INFINITY;
		return Math.max(this.lastSlotAt + this.intervalMs, windowOpensAt, this.holdUntil);
	}

	/** Resolves with a turn when this request may start; rejects when its budget runs out or it is cancelled. */
	async acquire(options: WaitOptions): Promise<Turn> {
		if (options.signal?.aborted) throw new WaitCancelled();
		const turn = new Promise<Turn>((resolve, reject) => {
			const waiter: Waiter = { resolve, reject, enqueuedAt: this.clock.now(), options };
			this.queue.push(waiter);
			options.signal?.addEventListener('abort', () => this.drop(waiter, new WaitCancelled()), { once: true });
		});
		void this.pump();
		return await turn;
	}

	/** No request starts for `ms`. */
	holdOff(ms: number): void {
		this.holdUntil = Math.max(this.holdUntil, this.clock.now() + ms);
	}

	private drop(waiter: Waiter, error: Error): void {
		const index = this.queue.indexOf(waiter);
		if (index < 0) return;
		this.queue.splice(index, 1);
		waiter.reject(error);
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const now = this.clock.now();
				this.expireWaiters(now);
				if (this.queue.length === 0) break;
				const failing = this.unavailableSince !== undefined;
				if (failing && this.probeInFlight) {
					await this.nap(BUDGET_CHECK_MS);
					continue;
				}
				const due = this.nextStartAt;
				if (now < due) {
					await this.nap(failing ? Math.min(due - now, BUDGET_CHECK_MS) : due - now);
					continue;
				}
				this.recordStart(now, due);
				const waiter = this.queue.shift() as Waiter;
				waiter.resolve(this.turn(now, failing));
			}
		} finally {
			this.pumping = false;
		}
	}

	private turn(startedAt: number, probe: boolean): Turn {
		if (probe) this.probeInFlight = true;
		let settled = false;
		return {
			startedAt,
			done: (outcome) => {
				if (settled) return;
				settled = true;
				if (probe) this.probeInFlight = false;
				this.settle(outcome, startedAt);
				this.wake?.abort();
			},
		};
	}

	private settle(outcome: AttemptOutcome, startedAt: number): void {
		const now = this.clock.now();
		if (outcome.kind === 'abandoned') return;
		if (outcome.kind === 'unavailable') {
			this.lastProblem = outcome.problem;
			// Failures of requests that started before the current pause do not deepen it.
			if (this.unavailableSince === undefined || now >= this.holdUntil) this.failures++;
			this.unavailableSince ??= now;
			const pause = this.failures >= 2 ? this.backoffMs(this.failures - 1) : 0;
			this.holdOff(Math.max(pause, outcome.retryAfterMs ?? 0));
			return;
		}
		// Loops answered: it is available again.
		this.failures = 0;
		this.unavailableSince = undefined;
		this.learnLimit(outcome.limit);
		if (outcome.kind === 'rateLimited') {
			this.decrease(now);
			this.holdOff(outcome.retryAfterMs ?? Math.min(RATE_LIMITED_HOLD_MS, this.settings.maxDelayMs));
			return;
		}
		this.learnShare(outcome.remaining, startedAt, now);
	}

	private learnLimit(header: unknown): void {
		const limit = Number(header);
		if (header !== undefined && header !== null && Number.isFinite(limit) && limit > 0 && limit !== this.limitPerSecond) {
			this.limitPerSecond = limit;
		}
	}

	/**
	 * Loops counts every request of the team in its window; the ones we did not
	 * start there belong to other clients.
	 */
	private learnShare(header: unknown, startedAt: number, now: number): void {
		const remaining = Number(header);
		if (header === undefined || header === null || !Number.isFinite(remaining) || remaining < 0) return;
		if (now - startedAt <= 1000) {
			// Too old an answer cannot be compared with our own starts.
			const ours = this.starts.filter((at) => at > startedAt - 1000 && at <= startedAt).length;
			const others = Math.max(0, this.limitPerSecond - remaining - ours);
			this.others = 0.7 * this.others + 0.3 * others;
		}
		const sharing = this.others >= SHARING_THRESHOLD;
		// A full window shared with others: the next slot opens no sooner than one
		// interval from now (alone, our own window already accounts for it).
		if (remaining === 0 && sharing) this.holdOff(this.intervalMs);
		if (sharing) this.approach(this.sharedTarget(), now);
		else this.increase(now);
	}

	/** The share that, with what others use, fills SHARED_PACE of the team's limit. */
	private sharedTarget(): number {
		const ours = SHARED_PACE * this.limitPerSecond - this.others;
		return Math.min(1, Math.max(MIN_SHARE, ours / (this.limitPerSecond * this.settings.paceShare)));
	}

	private approach(target: number, now: number): void {
		this.lastAdjustAt = now;
		this.shareOfLimit += APPROACH * (target - this.shareOfLimit);
	}

	private decrease(now: number): void {
		this.lastAdjustAt = now;
		if (now - this.lastDecreaseAt < this.windowMs) return; // once per window: one crowding, one step
		this.lastDecreaseAt = now;
		this.shareOfLimit = Math.max(MIN_SHARE, this.shareOfLimit * DECREASE);
	}

	private increase(now: number): void {
		const elapsed = this.lastAdjustAt === undefined ? 0 : Math.max(0, now - this.lastAdjustAt);
		this.lastAdjustAt = now;
		if (this.shareOfLimit >= 1) return;
		this.shareOfLimit = Math.min(1, this.shareOfLimit + (INCREASE_ALONE * elapsed) / 1000);
	}

	/** Rejects waiters whose budget ran out while Loops was failing. */
	private expireWaiters(now: number): void {
		for (const waiter of [...this.queue]) {
			const since =
				waiter.options.troubleSince ??
				(this.unavailableSince !== undefined ? Math.max(waiter.enqueuedAt, this.unavailableSince) : undefined);
			if (since !== undefined && now - since > waiter.options.budgetMs) {
				this.drop(waiter, new RetryBudgetSpent(since, this.lastProblem));
			}
		}
	}

	/** Sleeps until `ms` have passed or something changes (an answer, a new limit). */
	private async nap(ms: number): Promise<void> {
		this.wake = new AbortController();
		try {
			await this.clock.sleep(Math.ceil(ms), this.wake.signal);
		} catch {
			// Woken early: the pump re-reads when the next start is due.
		} finally {
			this.wake = undefined;
		}
	}

	private recordStart(now: number, due: number): void {
		// A start a little late keeps the grid, so the next one can catch up
		// (the window still bounds every second); a long pause starts a new grid.
		this.lastSlotAt = now - due <= this.windowMs - 1000 ? due : now;
		this.starts.push(now);
		while (this.starts.length > 0 && this.starts[0] <= now - 2 * this.windowMs) this.starts.shift();
	}

	private startsWithin(ms: number, now: number): number[] {
		return this.starts.filter((at) => at > now - ms);
	}

	/** Exponential backoff with "equal jitter": half fixed, half random. */
	private backoffMs(step: number): number {
		const ceiling = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (step - 1));
		return ceiling / 2 + Math.random() * (ceiling / 2);
	}
}

const pacers = new Map<string, LoopsPacer>();

/**
 * The pacer every execution in this process shares for one Loops team. Keyed by
 * a hash of base URL and API key, so no key is kept in plain text.
 */
export function pacerForTeam(baseUrl: string, apiKey: string, settings: PacerSettings): LoopsPacer {
	const key = createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
	let pacer = pacers.get(key);
	if (!pacer) {
		pacer = new LoopsPacer(settings);
		pacers.set(key, pacer);
	}
	return pacer;
}

/** Drops every shared pacer (the transport settings changed). */
export function forgetPacers(): void {
	pacers.clear();
}
