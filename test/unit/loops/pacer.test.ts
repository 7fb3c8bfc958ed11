import { forgetPacers, LoopsPacer, pacerForTeam, RetryBudgetSpent, WaitCancelled } from '../../../nodes/Loops/pacer';
import { isConnectionError } from '../../../nodes/Loops/transport';
import { VirtualClock } from '../../helpers/virtualClock';
import { runTeam, SETTINGS } from './teamPacing.sim';

const drainRatio = (run: { drainMs: number; accepted: number }, limit: number) => run.drainMs / ((run.accepted / limit) * 1000);
const rejectedShare = (run: { accepted: number; rejected: number }) => run.rejected / (run.accepted + run.rejected);

describe('LoopsPacer', () => {
	it('paces at a share of the advertised limit, 10/s until told otherwise', async () => {
		const clock = new VirtualClock();
		const pacer = new LoopsPacer(SETTINGS, clock);
		expect(pacer.intervalMs).toBeCloseTo(1000 / 9.7);
		const turn = await clock.run(pacer.acquire({ budgetMs: 1000 }));
		turn.done({ kind: 'answered', limit: '50', remaining: '49' });
		expect(pacer.limit).toBe(50);
		expect(pacer.intervalMs).toBeCloseTo(1000 / 48.5);
	});

	it('ignores missing or nonsense headers', async () => {
		const clock = new VirtualClock();
		const pacer = new LoopsPacer(SETTINGS, clock);
		for (const [limit, remaining] of [[undefined, undefined], ['abc', 'x'], ['0', undefined]]) {
			(await clock.run(pacer.acquire({ budgetMs: 1000 }))).done({ kind: 'answered', limit, remaining });
		}
		expect(pacer.limit).toBe(10);
		expect(pacer.share).toBe(1);
	});

	it('releases waiting requests in arrival order, never more than the limit within one window', async () => {
		const clock = new VirtualClock();
		const pacer = new LoopsPacer(SETTINGS, clock);
		const starts: Array<[number, number]> = [];
		const all = Promise.all(
			Array.from({ length: 40 }, async (_, i) => {
				const turn = await pacer.acquire({ budgetMs: 1000 });
				starts.push([i, clock.now()]);
				turn.done({ kind: 'answered' });
			}),
		);
		await clock.run(all);
		expect(starts.map(([i]) => i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
		const at = starts.map(([, time]) => time);
		const tightest = Math.min(...at.slice(10).map((time, i) => time - at[i]));
		expect(tightest).toBeGreaterThanOrEqual(pacer.windowMs);
	});

	it('a 429 holds every waiting request back and lowers the share, not only the one retrying', async () => {
		const clock = new VirtualClock();
		const pacer = new LoopsPacer(SETTINGS, clock);
		const first = await clock.run(pacer.acquire({ budgetMs: 1000 }));
		const next = pacer.acquire({ budgetMs: 1000 });
		first.done({ kind: 'rateLimited', limit: '10', retryAfterMs: 2000 });
		const turn = await clock.run(next);
		expect(turn.startedAt).toBeGreaterThanOrEqual(2000);
		expect(pacer.share).toBeLessThan(1);
	});

	it('one burst through one pacer: no 429 and within 5 % of the limit', async () => {
		const run = await runTeam({ clients: 1, workersPerClient: 300, jobs: 300, limit: 10 });
		expect(run.rejected).toBe(0);
		expect(drainRatio(run, 10)).toBeLessThanOrEqual(1.05);
	});

	it.each([
		[2, 10],
		[2, 40],
		[3, 10],
	])('%i processes sharing one team (%i executions each) find their shares: few 429s, the team limit used', async (clients, workers) => {
		const run = await runTeam({ clients, workersPerClient: workers, jobs: 400, limit: 10 });
		expect(run.accepted).toBe(800);
		expect(run.lowestShares.every((share) => share < 0.6)).toBe(true);
		expect(rejectedShare(run)).toBeLessThan(0.05);
		expect(drainRatio(run, 10)).toBeLessThanOrEqual(1.25);
	});

	it('while Loops fails, one probe at a time after a growing pause; the first success releases everyone', async () => {
		const clock = new VirtualClock();
		const pacer = new LoopsPacer(SETTINGS, clock);
		const starts: number[] = [];
		let down = true;
		const all = Promise.all(
			Array.from({ length: 20 }, async () => {
				for (;;) {
					const turn = await pacer.acquire({ budgetMs: 600_000 });
					starts.push(clock.now());
					await clock.sleep(20);
					if (!down) return turn.done({ kind: 'answered' });
					turn.done({ kind: 'unavailable', problem: '503 Service unavailable' });
				}
			}),
		);
		void clock.sleep(60_000).then(() => (down = false));
		await clock.run(all);
		const duringOutage = starts.filter((at) => at < 60_000);
		// One in flight at a time, pauses growing to 30 s: a handful of probes, not 10/s for a minute.
		expect(duringOutage.length).toBeLessThan(20);
		const recovered = starts.filter((at) => at >= 60_000);
		expect(recovered.length).toBeGreaterThanOrEqual(20);
	});

	it('a waiter gives up once Loops has failed for longer than its budget, and says since when', async () => {
		const clock = new VirtualClock();
		const pacer = new LoopsPacer(SETTINGS, clock);
		const failed = await clock.run(pacer.acquire({ budgetMs: 5_000 }));
		const probe = pacer.acquire({ budgetMs: 5_000 });
		const waiting = pacer.acquire({ budgetMs: 5_000 }).catch((error: unknown) => error);
		failed.done({ kind: 'unavailable', problem: 'connection failed (ECONNRESET)' });
		await clock.run(probe); // the probe hangs: it never reports back
		const error = (await clock.run(waiting)) as RetryBudgetSpent;
		expect(error).toBeInstanceOf(RetryBudgetSpent);
		expect(error.since).toBe(0);
		expect(error.lastProblem).toBe('connection failed (ECONNRESET)');
		expect(clock.now()).toBeGreaterThan(5_000);
		expect(clock.now()).toBeLessThanOrEqual(6_000);
	});

	it('a cancelled execution leaves the queue', async () => {
		const clock = new VirtualClock();
		const pacer = new LoopsPacer(SETTINGS, clock);
		pacer.holdOff(10_000);
		const cancel = new AbortController();
		const waiting = pacer.acquire({ budgetMs: 1_000, signal: cancel.signal }).catch((error: unknown) => error);
		cancel.abort();
		expect(await waiting).toBeInstanceOf(WaitCancelled);
		expect(pacer.waiting).toBe(0);
	});
});

describe('pacerForTeam', () => {
	afterEach(() => forgetPacers());

	it('one pacer per base URL and API key, shared by every caller in the process', () => {
		const a = pacerForTeam('https://app.loops.so/api/v1', 'key_a', SETTINGS);
		expect(pacerForTeam('https://app.loops.so/api/v1', 'key_a', SETTINGS)).toBe(a);
		expect(pacerForTeam('https://app.loops.so/api/v1', 'key_b', SETTINGS)).not.toBe(a);
		expect(pacerForTeam('http://127.0.0.1:5679/api/v1', 'key_a', SETTINGS)).not.toBe(a);
	});
});

describe('isConnectionError', () => {
	it('finds a connection code anywhere in the cause chain, and nothing else', () => {
		const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		expect(isConnectionError(Object.assign(new Error('wrapped'), { cause: reset }))).toBe(true);
		expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
		expect(isConnectionError(new Error('socket hang up'))).toBe(true);
		expect(isConnectionError(Object.assign(new Error('cancelled'), { code: 'ERR_CANCELED' }))).toBe(false);
		expect(isConnectionError(new Error('Bad request'))).toBe(false);
	});
});
