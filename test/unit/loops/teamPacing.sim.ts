/**
 * Simulated Loops clients for pacer tests: workers pull jobs (two requests
 * each, one after the other, like one Stripe Sync item) and send them through
 * a pacer to the contract server's sliding-window limiter, all on a virtual clock.
 */
import { LoopsPacer, type PacerSettings } from '../../../nodes/Loops/pacer';
import { SlidingWindowLimiter } from '../../../tools/loops-contract-server/rateLimit';
import { VirtualClock } from '../../helpers/virtualClock';

export const SETTINGS: PacerSettings = { initialRatePerSecond: 10, paceShare: 0.97, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface TeamRun {
	/** Virtual ms from the first start to the last accepted request. */
	drainMs: number;
	accepted: number;
	rejected: number;
	/** Lowest share each pacer went down to. */
	lowestShares: number[];
}

/**
 * `clients` processes, each with its own pacer and `workersPerClient` concurrent
 * executions, drain `jobs` shared jobs against one team limited to `limit`/s.
 */
export async function runTeam(options: { clients: number; workersPerClient: number; jobs: number; limit: number; latencyMs?: number }): Promise<TeamRun> {
	const clock = new VirtualClock();
	const limiter = new SlidingWindowLimiter(options.limit, clock.now);
	const latency = options.latencyMs ?? 40;
	const pacers = Array.from({ length: options.clients }, () => new LoopsPacer(SETTINGS, clock));
	const lowestShares = pacers.map(() => 1);
	let nextJob = 0;
	let accepted = 0;
	let rejected = 0;
	let lastAccepted = 0;

	const send = async (client: number): Promise<void> => {
		const pacer = pacers[client];
		for (;;) {
			const turn = await pacer.acquire({ budgetMs: 600_000 });
			await clock.sleep(latency / 2);
			const slot = limiter.take();
			await clock.sleep(latency / 2);
			if (slot.allowed) {
				accepted++;
				lastAccepted = Math.max(lastAccepted, clock.now() - latency / 2);
				turn.done({ kind: 'answered', limit: String(options.limit), remaining: String(slot.remaining) });
			} else {
				rejected++;
				turn.done({ kind: 'rateLimited', limit: String(options.limit) });
			}
			lowestShares[client] = Math.min(lowestShares[client], pacer.share);
			if (slot.allowed) return;
			await clock.sleep(250 + ((rejected * 37) % 250)); // the client's own backoff
		}
	};
	const worker = async (client: number) => {
		while (nextJob < options.jobs) {
			nextJob++;
			await send(client);
			await send(client);
		}
	};
	const all = Promise.all(
		pacers.flatMap((_, client) => Array.from({ length: options.workersPerClient }, () => worker(client))),
	);
	await clock.run(all);
	return { drainMs: lastAccepted, accepted, rejected, lowestShares };
}
