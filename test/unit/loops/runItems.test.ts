import { runItems } from '../../../nodes/Loops/helpers/runItems';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runItems', () => {
	it('returns results in input order whatever order tasks finish in', async () => {
		const finishOrder: number[] = [];
		const results = await runItems({
			count: 6,
			concurrency: 6,
			keyOf: () => undefined,
			run: async (i) => {
				for (let t = 0; t < 6 - i; t++) await tick();
				finishOrder.push(i);
				return `r${i}`;
			},
			onError: (e) => {
				throw e;
			},
		});
		expect(results).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
		expect(finishOrder).toEqual([5, 4, 3, 2, 1, 0]);
	});

	it('never runs two items with the same key at once, and runs them in input order', async () => {
		const running = new Set<string>();
		const seen: Array<[string, number]> = [];
		await runItems({
			count: 12,
			concurrency: 4,
			keyOf: (i) => `k${i % 3}`,
			run: async (i) => {
				const key = `k${i % 3}`;
				expect(running.has(key)).toBe(false);
				running.add(key);
				seen.push([key, i]);
				for (let t = 0; t < (i * 7) % 5; t++) await tick();
				running.delete(key);
			},
			onError: (e) => {
				throw e;
			},
		});
		for (const key of ['k0', 'k1', 'k2']) {
			const order = seen.filter(([k]) => k === key).map(([, i]) => i);
			expect(order).toEqual([...order].sort((a, b) => a - b));
		}
	});

	it('keeps at most `concurrency` items in flight', async () => {
		let inFlight = 0;
		let peak = 0;
		await runItems({
			count: 20,
			concurrency: 3,
			keyOf: () => undefined,
			run: async () => {
				peak = Math.max(peak, ++inFlight);
				await tick();
				inFlight--;
			},
			onError: (e) => {
				throw e;
			},
		});
		expect(peak).toBe(3);
	});

	it('turns failures into results via onError (continueOnFail)', async () => {
		const results = await runItems({
			count: 3,
			concurrency: 2,
			keyOf: () => undefined,
			run: async (i) => {
				if (i === 1) throw new Error('boom');
				return `ok${i}`;
			},
			onError: (e, i) => `error${i}:${e.message}`,
		});
		expect(results).toEqual(['ok0', 'error1:boom', 'ok2']);
	});

	it('stops starting items after a fatal error, lets in-flight ones finish, then throws it', async () => {
		const started: number[] = [];
		let finished = 0;
		const run = runItems({
			count: 10,
			concurrency: 2,
			keyOf: () => undefined,
			run: async (i) => {
				started.push(i);
				await tick();
				if (i === 1) throw new Error('fatal');
				finished++;
			},
			onError: (e) => {
				throw e;
			},
		});
		await expect(run).rejects.toThrow('fatal');
		expect(started).toEqual([0, 1, 2]);
		expect(finished).toBe(2);
	});

	it('a key function that throws leaves the item unordered (the operation reports the problem)', async () => {
		const results = await runItems({
			count: 2,
			concurrency: 1,
			keyOf: () => {
				throw new Error('bad parameter');
			},
			run: async (i) => i,
			onError: (e) => {
				throw e;
			},
		});
		expect(results).toEqual([0, 1]);
	});
});
