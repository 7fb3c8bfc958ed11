import { FaultInjector, seededRandom } from '../../../tools/loops-contract-server/faults';
import { SlidingWindowLimiter } from '../../../tools/loops-contract-server/rateLimit';
import { IDEMPOTENCY_WINDOW_MS, LoopsStore } from '../../../tools/loops-contract-server/store';
import { startLoopsContractServer } from '../../../tools/loops-contract-server';

describe('contract server · store rules', () => {
	it('create answers 409 for an existing email; upsert creates then updates', () => {
		const store = new LoopsStore();
		expect(store.upsertContact({ email: 'A@x.co', firstName: 'A' }).created).toBe(true);
		expect(store.upsertContact({ email: 'a@x.co', lastName: 'B' }).created).toBe(false);
		expect(store.findByEmail('a@x.co')).toMatchObject({ firstName: 'A', lastName: 'B', subscribed: true });
		expect(() => store.createContact({ email: 'a@x.co' })).toThrow('Email or userId is already on list.');
	});

	it('rejects a request whole: a bad field changes nothing', () => {
		const store = new LoopsStore();
		expect(() => store.upsertContact({ email: 'a@x.co', firstName: 'A', lifetimeValue: 'lots' })).toThrow(
			'Invalid value for contact property "lifetimeValue": expected a number.',
		);
		expect(() => store.upsertContact({ email: 'a@x.co', nope: 1 })).toThrow('Contact property "nope" does not exist');
		expect(store.contacts.size).toBe(0);
	});

	it('delete answers 404 for an absent contact', () => {
		expect(() => new LoopsStore().deleteContact({ email: 'a@x.co' })).toThrow('Contact not found.');
	});

	it('an idempotency key is refused for 24 hours, then accepted again', () => {
		let now = 0;
		const store = new LoopsStore(() => now);
		store.sendEvent({ email: 'a@x.co', eventName: 'e' }, 'k');
		expect(() => store.sendEvent({ email: 'a@x.co', eventName: 'e' }, 'k')).toThrow('already been used');
		now = IDEMPOTENCY_WINDOW_MS;
		store.sendEvent({ email: 'a@x.co', eventName: 'e' }, 'k');
		expect(store.events).toHaveLength(2);
		expect(() => store.sendEvent({ email: 'a@x.co', eventName: 'e' }, 'x'.repeat(101))).toThrow('100 characters or fewer');
	});

	it('a refused event does not use up its idempotency key', () => {
		const store = new LoopsStore();
		expect(() => store.sendEvent({ email: 'a@x.co', eventName: 'e', eventProperties: { nested: {} } }, 'k')).toThrow();
		store.sendEvent({ email: 'a@x.co', eventName: 'e' }, 'k');
		expect(store.events).toHaveLength(1);
	});
});

describe('contract server · limiter and faults', () => {
	it('allows `limit` requests in any one-second window and counts down remaining', () => {
		let now = 0;
		const limiter = new SlidingWindowLimiter(3, () => now);
		expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
			{ allowed: true, remaining: 2 },
			{ allowed: true, remaining: 1 },
			{ allowed: true, remaining: 0 },
			{ allowed: false, remaining: 0 },
		]);
		now = 999;
		expect(limiter.take().allowed).toBe(false);
		now = 1000;
		expect(limiter.take()).toEqual({ allowed: true, remaining: 2 });
	});

	it('a seed replays the same fault schedule; rates are validated', () => {
		const schedule = (seed: number) => {
			const faults = new FaultInjector({ rate429: 0.2, rate500: 0.2, rateReset: 0.2 }, seededRandom(seed));
			return Array.from({ length: 50 }, () => faults.pick().kind);
		};
		expect(schedule(3)).toEqual(schedule(3));
		expect(new Set(schedule(3))).toEqual(new Set(['none', 'status429', 'status500', 'reset']));
		expect(() => new FaultInjector({ rate500: 1.5 })).toThrow('faults.rate500 must be between 0 and 1');
		expect(() => new FaultInjector({ rate429: 0.6, rate500: 0.6 })).toThrow('must not exceed 1');
	});
});

describe('contract server · HTTP', () => {
	it('answers with rate-limit headers, 401 without a key, and serves its state outside /api/v1', async () => {
		const server = await startLoopsContractServer({ apiKeys: ['k'], rateLimitPerSecond: 2 });
		try {
			const call = (path: string, key?: string) => fetch(`${server.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
			const ok = await call('/api-key', 'k');
			expect(ok.status).toBe(200);
			expect(await ok.json()).toEqual({ success: true, teamName: 'Contract Team' });
			expect(ok.headers.get('x-ratelimit-limit')).toBe('2');
			expect(ok.headers.get('x-ratelimit-remaining')).toBe('1');
			const denied = await call('/api-key', 'wrong');
			expect(denied.status).toBe(401);
			expect(await denied.json()).toEqual({ success: false, message: 'Invalid API key' });
			await call('/lists', 'k');
			const limited = await call('/lists', 'k');
			expect(limited.status).toBe(429);
			expect(await limited.json()).toEqual({ success: false, message: 'Rate limit exceeded.' });

			const state = (await (await fetch(`${server.url.replace('/api/v1', '')}/_contract/state`)).json()) as { requests: unknown; mailingLists: unknown[] };
			expect(state.requests).toMatchObject({ total: 4, rateLimited: 1 });
			expect(state.mailingLists).toHaveLength(2);
		} finally {
			await server.close();
		}
	});

	it('answers /transactional refusals nested under error, as Loops does; other endpoints keep the flat message', async () => {
		const server = await startLoopsContractServer({ apiKeys: ['k'] });
		try {
			const post = (path: string, body: object) =>
				fetch(`${server.url}${path}`, {
					method: 'POST',
					headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
			const missing = await post('/transactional', { transactionalId: 'cm0welcome000000000000000', email: 'a@x.co', dataVariables: { firstName: 'A' } });
			expect(missing.status).toBe(400);
			expect(await missing.json()).toEqual({ success: false, error: { path: 'dataVariables', message: 'Missing required fields: loginUrl' } });
			const unknown = await post('/transactional', { transactionalId: 'cm0nope', email: 'a@x.co' });
			expect(unknown.status).toBe(404);
			expect(await unknown.json()).toEqual({ success: false, error: { path: 'transactionalId', message: 'Transactional email not found.' } });
			const event = await post('/events/send', { email: 'a@x.co' });
			expect(await event.json()).toEqual({ success: false, message: 'eventName is required.' });
			expect(server.state.transactionalSends()).toEqual([]);
		} finally {
			await server.close();
		}
	});
});

describe('contract server · scheduled outage', () => {
	it('answers 503, then resets connections, then serves again; reset() cancels it', async () => {
		const server = await startLoopsContractServer({ apiKeys: ['k'] });
		const get = async () => {
			try {
				const response = await fetch(`${server.url}/lists`, { headers: { authorization: 'Bearer k' } });
				return response.status;
			} catch {
				return 'reset';
			}
		};
		try {
			server.scheduleOutage({ startsInMs: 0, durationMs: 400 });
			expect(await get()).toBe(503);
			await new Promise((resolve) => setTimeout(resolve, 250));
			expect(await get()).toBe('reset');
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(await get()).toBe(200);
			expect(server.state.requests().outage).toEqual({ status503: 1, reset: 1 });

			server.scheduleOutage({ startsInMs: 0, durationMs: 60_000 });
			server.reset();
			expect(await get()).toBe(200);
		} finally {
			await server.close();
		}
	});

	it('can be scheduled over HTTP, as another process would', async () => {
		const server = await startLoopsContractServer({ apiKeys: ['k'] });
		try {
			const admin = server.url.replace(/\/api\/v1$/, '/_contract/outage');
			const answer = await fetch(admin, { method: 'POST', body: JSON.stringify({ startsInMs: 0, durationMs: 1000, answeredShare: 1 }) });
			expect(answer.status).toBe(200);
			const response = await fetch(`${server.url}/lists`, { headers: { authorization: 'Bearer k' } });
			expect(response.status).toBe(503);
			expect(await response.json()).toEqual({ success: false, message: 'Service unavailable.' });
		} finally {
			await server.close();
		}
	});
});
