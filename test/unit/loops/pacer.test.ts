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
