import { RequestPacer, isConnectionError } from '../../../nodes/Loops/transport';

describe('RequestPacer', () => {
	it('paces at a share of the advertised limit, 10/s until told otherwise', () => {
		const pacer = new RequestPacer(10, 0.97);
		expect(pacer.intervalMs).toBeCloseTo(1000 / 9.7);
		pacer.observe('50', '49');
		expect(pacer.limit).toBe(50);
		expect(pacer.intervalMs).toBeCloseTo(1000 / 48.5);
	});

	it('ignores missing or nonsense headers', () => {
		const pacer = new RequestPacer(10, 1);
		pacer.observe(undefined, undefined);
		pacer.observe('abc', 'x');
		pacer.observe('0', undefined);
		expect(pacer.limit).toBe(10);
	});

	it('holds every start back after a hold-off, and after a full window (remaining 0)', () => {
		let now = 1_000;
		const pacer = new RequestPacer(10, 1, () => now);
		pacer.holdOff(500);
		expect(pacer.nextStartAt).toBe(1_500);
		now = 2_000;
		pacer.observe('10', '0');
		expect(pacer.nextStartAt).toBe(2_100);
		pacer.holdOff(10); // a shorter hold-off never shortens a longer one
		expect(pacer.nextStartAt).toBe(2_100);
	});

	it('releases waiting requests in the order they asked, one grid slot apart', async () => {
		let now = 0;
		const pacer = new RequestPacer(1000, 1, () => now);
		const order: number[] = [];
		const waits = [0, 1, 2, 3].map((i) => pacer.acquire().then(() => order.push(i)));
		// Advance the injected clock; the pacer re-reads it on each short nap.
		const clock = setInterval(() => (now += 1), 1);
		await Promise.all(waits);
		clearInterval(clock);
		expect(order).toEqual([0, 1, 2, 3]);
	});
});

describe('RequestPacer on a simulated clock', () => {
	beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
	afterEach(() => jest.useRealTimers());

	/** Moves the clock without firing timers (a busy event loop), then lets due timers fire. */
	async function stall(ms: number): Promise<void> {
		jest.setSystemTime(Date.now() + ms);
		await jest.advanceTimersByTimeAsync(1);
	}

	it('never lets more than `limit` starts fall within 1000 / paceShare ms, however late the pump runs', async () => {
		const limit = 10;
		const pacer = new RequestPacer(limit, 0.8); // window 1250 ms, grid 125 ms, catch-up up to 250 ms late
		const starts: number[] = [];
		const waits = Array.from({ length: 40 }, () => pacer.acquire().then(() => starts.push(Date.now())));
		// Now and then the pump runs late: by less than the catch-up bound, at it, and far beyond.
		const lateness = [240, 7, 130, 249, 600, 90, 180];
		for (let step = 1; starts.length < 40; step++) {
			if (step % 40 === 0) await stall(lateness[(step / 40) % lateness.length]);
			await jest.advanceTimersByTimeAsync(5);
		}
		await Promise.all(waits);
		const tightest = Math.min(...starts.slice(limit).map((at, i) => at - starts[i]));
		expect(tightest).toBeGreaterThanOrEqual(1250);
	});

	it('starts a waiting request as soon as a raised limit allows, not at the old slot', async () => {
		const pacer = new RequestPacer(1, 1); // one start per second until told otherwise
		await pacer.acquire();
		let second = false;
		const waiting = pacer.acquire().then(() => (second = true));
		await jest.advanceTimersByTimeAsync(5);
		expect(second).toBe(false);
		pacer.observe('100', '99'); // the first answer: 100/s, one slot every 10 ms
		await jest.advanceTimersByTimeAsync(5);
		expect(second).toBe(true);
		await waiting;
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
