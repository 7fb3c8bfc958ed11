/**
 * Delivers Stripe webhook events to an endpoint the way Stripe does, for tests
 * and benchmarks:
 *
 *   const report = await simulateStripeDeliveries({
 *     url, secret: 'whsec_…',
 *     events: [{ id: 'evt_1', body: JSON.stringify(event) }, …],
 *     concurrency: 20,            // deliveries in flight at once
 *     duplicateShare: 0.05,       // this share of events is delivered a second time, later
 *     outOfOrderShare: 0.05,      // this share swaps places with a later event
 *     onProgress: (p) => console.log(p.acked, p.pending), progressEveryMs: 10_000,
 *   });
 *   report.acked / report.gaveUp / report.ackLatenciesMs / report.attempts …
 *
 * Each attempt is signed afresh (a new Stripe-Signature timestamp, as Stripe
 * does), waits at most `attemptTimeoutMs` (20 s) for an answer, and anything
 * but a 2xx (another status, a timeout, a connection error) is redelivered on
 * `retryScheduleMs`: Stripe's three days of exponential backoff, compressed to
 * minutes. A delivery that exhausts the schedule is reported under `gaveUp`.
 * Deterministic for a given `seed` (which events are duplicated or moved).
 */
import Stripe from 'stripe';

import { seededRandom } from '../loops-contract-server/faults';

export interface SimulatedEvent {
	/** The Stripe event id (evt_…). */
	id: string;
	/** The exact JSON body Stripe would POST. */
	body: string;
}

export interface DeliveryScenario {
	url: string;
	/** The endpoint's signing secret (whsec_…). */
	secret: string;
	events: SimulatedEvent[];
	/** Deliveries in flight at once. Default 20. */
	concurrency?: number;
	/** Per attempt. Default 20 000 ms. */
	attemptTimeoutMs?: number;
	/** Wait before retry n (n = 1, 2, …); its length bounds the attempts. Default DEFAULT_RETRY_SCHEDULE_MS. */
	retryScheduleMs?: number[];
	/** Share of events delivered twice (the second time later in the run). Default 0. */
	duplicateShare?: number;
	/** Share of events that swap places with a later one. Default 0. */
	outOfOrderShare?: number;
	seed?: number;
	onProgress?: (progress: DeliveryProgress) => void;
	/** Default 10 000 ms. */
	progressEveryMs?: number;
	/** Stops starting attempts; the promise resolves with what happened so far. */
	signal?: AbortSignal;
}

/** 2, 4, 8, 15 s, then every 30 s for about a quarter of an hour: Stripe's schedule, compressed. */
export const DEFAULT_RETRY_SCHEDULE_MS = [2_000, 4_000, 8_000, 15_000, ...Array.from({ length: 30 }, () => 30_000)];

export type AttemptResult = number | 'timeout' | `error ${string}`;

export interface Attempt {
	startedAt: number;
	endedAt: number;
	result: AttemptResult;
}

export interface Delivery {
	eventId: string;
	/** true for the second delivery of a duplicated event. */
	duplicate: boolean;
	attempts: Attempt[];
	/** When a 2xx answered it. */
	ackedAt?: number;
}

export interface DeliveryProgress {
	elapsedMs: number;
	deliveries: number;
	acked: number;
	/** Not acked yet and not given up. */
	pending: number;
	inFlight: number;
	attempts: number;
	/** Attempts answered other than 2xx, timed out or failed to connect. */
	failedAttempts: number;
}

export interface DeliveryReport extends DeliveryProgress {
	deliveryLog: Delivery[];
	gaveUp: number;
	/** From the start of an attempt to its 2xx, for every acked delivery. */
	ackLatenciesMs: number[];
	firstAttemptAt: number | undefined;
	lastAckAt: number | undefined;
	/** Attempt results counted: { "200": 980, "500": 3, "timeout": 2, "error ECONNREFUSED": 15 }. */
	results: Record<string, number>;
}

interface Due {
	at: number;
	delivery: Delivery;
	body: string;
}

export async function simulateStripeDeliveries(scenario: DeliveryScenario): Promise<DeliveryReport> {
	const concurrency = Math.max(1, Math.floor(scenario.concurrency ?? 20));
	const timeoutMs = scenario.attemptTimeoutMs ?? 20_000;
	const schedule = scenario.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
	const random = seededRandom(scenario.seed ?? 1);
	const started = Date.now();

	const deliveries: Delivery[] = [];
	const queue: Due[] = deliveryOrder(scenario, random).map(({ event, duplicate }) => {
		const delivery: Delivery = { eventId: event.id, duplicate, attempts: [] };
		deliveries.push(delivery);
		return { at: started, delivery, body: event.body };
	});
	let inFlight = 0;
	let gaveUp = 0;

	const progress = (): DeliveryProgress => {
		const acked = deliveries.filter((d) => d.ackedAt !== undefined).length;
		const attempts = deliveries.reduce((sum, d) => sum + d.attempts.length, 0);
		const failedAttempts = deliveries.reduce((sum, d) => sum + d.attempts.filter((a) => !isSuccess(a.result)).length, 0);
		return {
			elapsedMs: Date.now() - started,
			deliveries: deliveries.length,
			acked,
			pending: deliveries.length - acked - gaveUp,
			inFlight,
			attempts,
			failedAttempts,
		};
	};
	const ticker = scenario.onProgress
		? setInterval(() => scenario.onProgress?.(progress()), scenario.progressEveryMs ?? 10_000)
		: undefined;

	const attempt = async (due: Due): Promise<void> => {
		const { delivery } = due;
		const header = Stripe.webhooks.generateTestHeaderString({ payload: due.body, secret: scenario.secret });
		const startedAt = Date.now();
		const result = await post(scenario.url, due.body, header, timeoutMs);
		delivery.attempts.push({ startedAt, endedAt: Date.now(), result });
		if (isSuccess(result)) {
			delivery.ackedAt = Date.now();
			return;
		}
		const wait = schedule[delivery.attempts.length - 1];
		if (wait === undefined) gaveUp++;
		else queue.push({ ...due, at: Date.now() + wait });
	};

	try {
		await new Promise<void>((resolve) => {
			let timer: NodeJS.Timeout | undefined;
			const pump = () => {
				if (scenario.signal?.aborted) {
					if (inFlight === 0) resolve();
					return;
				}
				queue.sort((a, b) => a.at - b.at);
				const now = Date.now();
				while (inFlight < concurrency && queue.length > 0 && queue[0].at <= now) {
					const due = queue.shift() as Due;
					inFlight++;
					void attempt(due).finally(() => {
						inFlight--;
						pump();
					});
				}
				if (queue.length === 0 && inFlight === 0) return resolve();
				if (timer !== undefined) clearTimeout(timer);
				timer = undefined;
				if (queue.length > 0 && inFlight < concurrency) timer = setTimeout(pump, Math.max(1, queue[0].at - now));
			};
			scenario.signal?.addEventListener('abort', pump, { once: true });
			pump();
		});
	} finally {
		if (ticker) clearInterval(ticker);
	}

	const results: Record<string, number> = {};
	for (const { result } of deliveries.flatMap((d) => d.attempts)) results[String(result)] = (results[String(result)] ?? 0) + 1;
	const acks = deliveries.flatMap((d) => d.attempts.filter((a) => isSuccess(a.result)));
	const firstAttempts = deliveries.map((d) => d.attempts[0]?.startedAt).filter((at): at is number => at !== undefined);
	const ackTimes = deliveries.map((d) => d.ackedAt).filter((at): at is number => at !== undefined);
	return {
		...progress(),
		deliveryLog: deliveries,
		gaveUp,
		ackLatenciesMs: acks.map((a) => a.endedAt - a.startedAt),
		firstAttemptAt: firstAttempts.length > 0 ? Math.min(...firstAttempts) : undefined,
		lastAckAt: ackTimes.length > 0 ? Math.max(...ackTimes) : undefined,
		results,
	};
}

/** Every event once, some swapped with a later one, some repeated later on. */
function deliveryOrder(scenario: DeliveryScenario, random: () => number): Array<{ event: SimulatedEvent; duplicate: boolean }> {
	const order = scenario.events.map((event) => ({ event, duplicate: false }));
	const outOfOrder = scenario.outOfOrderShare ?? 0;
	for (let i = 0; i < order.length - 1; i++) {
		if (random() < outOfOrder) {
			const j = i + 1 + Math.floor(random() * Math.min(20, order.length - i - 1));
			[order[i], order[j]] = [order[j], order[i]];
		}
	}
	const duplicateShare = scenario.duplicateShare ?? 0;
	for (const event of scenario.events) {
		if (random() < duplicateShare) {
			const at = Math.floor(random() * (order.length + 1));
			order.splice(at, 0, { event, duplicate: true });
		}
	}
	return order;
}

async function post(url: string, body: string, signature: string, timeoutMs: number): Promise<AttemptResult> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
			body,
			signal: AbortSignal.timeout(timeoutMs),
		});
		await response.arrayBuffer();
		return response.status;
	} catch (error) {
		const { name, cause } = error as { name?: string; cause?: { code?: string } };
		if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
		return `error ${cause?.code ?? (error as Error).message}`;
	}
}

function isSuccess(result: AttemptResult): boolean {
	return typeof result === 'number' && result >= 200 && result < 300;
}
