import { configureLoopsTransport } from '../../../nodes/Loops/transport';
import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import { json, runLoops, startServer } from './setup';

const lists = { resource: 'mailingList', operation: 'getMany' };
const update = (email: string) => ({ resource: 'contact', operation: 'update', email });

describe('Loops node · transport: errors, retries, rate limit', () => {
	let server: LoopsContractServer;
	let restore: () => void;
	beforeAll(async () => {
		server = await startServer();
		restore = configureLoopsTransport({ baseDelayMs: 2, maxDelayMs: 20 });
	});
	afterAll(async () => {
		restore();
		await server.close();
	});
	beforeEach(() => {
		server.reset();
		server.setFaults({});
		server.setRateLimit(200);
	});

	it('a rejected API key reads as a credential problem', async () => {
		const error = await runLoops(server, lists, { apiKey: 'wrong' }).catch((e) => e);
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.message).toBe('The Loops API key was rejected — check the Loops API credential');
		expect(error.httpCode).toBe('401');
		expect(error.description).toContain('Invalid API key');
		expect(server.state.requests().byStatus['401']).toBe(1);
	});

	it('other 4xx are not retried and carry Loops’ message and code', async () => {
		const error = await runLoops(server, { ...update('ada@example.com'), updateFields: { subscribeToLists: ['no-such-list'] } }).catch((e) => e);
		expect(error.message).toBe('Loops: Mailing list no-such-list not found.');
		expect(error.httpCode).toBe('400');
		expect(server.state.requests().total).toBe(1);
	});

	it('retries 500s and connection resets until Loops answers', async () => {
		server.setFaults({ rate500: 0.15, rateReset: 0.15 });
		const items = Array.from({ length: 30 }, (_, i) => ({ json: { email: `r${i}@example.com` } }));
		const out = await runLoops(server, { ...update('={{ $json.email }}') }, { items });

		expect(out).toHaveLength(30);
		expect(server.state.contacts()).toHaveLength(30);
		const { injected } = server.state.requests();
		expect(injected.status500 + injected.reset).toBeGreaterThan(0);
	});

	it('gives up once the retry budget is spent and says how long Loops was unavailable', async () => {
		server.setFaults({ rate500: 1 });
		const undo = configureLoopsTransport({ retryBudgetMs: 300 });
		try {
			const error = await runLoops(server, lists).catch((e) => e);
			expect(error.message).toMatch(/^Loops was unavailable for \d+ s: GET \/lists did not succeed$/);
			expect(error.description).toContain('Last answer: 500 Internal server error.');
			expect(error.description).toContain('Running the execution again is safe');
			expect(server.state.requests().byStatus['500']).toBeGreaterThan(1);
		} finally {
			undo();
		}
	});

	it('a spent budget on connection resets names the connection failure', async () => {
		server.setFaults({ rateReset: 1 });
		const undo = configureLoopsTransport({ retryBudgetMs: 100 });
		try {
			const error = await runLoops(server, lists).catch((e) => e);
			expect(error.message).toMatch(/^Loops was unavailable for/);
			expect(error.description).toMatch(/Last answer: connection failed \(ECONNRESET\)/);
		} finally {
			undo();
		}
	});

	it('the node option Keep Retrying For 0 tries once', async () => {
		server.setFaults({ rate500: 1 });
		const error = await runLoops(server, { ...lists, retryOptions: { retryForSeconds: 0 } }).catch((e) => e);
		expect(error.message).toMatch(/^Loops was unavailable for 0 s/);
		expect(server.state.requests().byStatus['500']).toBe(1);
	});

	it('a team that keeps answering 429 fails the item saying so', async () => {
		server.setFaults({ rate429: 1 });
		const undo = configureLoopsTransport({ retryBudgetMs: 200 });
		try {
			const error = await runLoops(server, lists).catch((e) => e);
			expect(error.message).toMatch(/^Loops kept rate-limiting GET \/lists for/);
			expect(error.description).toContain('Other clients may share this API key');
		} finally {
			undo();
		}
	});

	it('executions running at once share one pace per team: a 10/s team sees no 429', async () => {
		server.setRateLimit(10);
		const run = (n: number) =>
			runLoops(server, update('={{ $json.email }}'), { items: [{ json: { email: `x${n}@example.com` } }] });
		const outputs = await Promise.all(Array.from({ length: 25 }, (_, n) => run(n)));

		expect(outputs.flat().filter((o) => o.json.error)).toEqual([]);
		expect(server.state.contacts()).toHaveLength(25);
		expect(server.state.requests().rateLimited).toBeLessThanOrEqual(1);
	});

	it('continueOnFail: a failing item becomes an error item with Loops’ message; the rest go on', async () => {
		const items = [{ json: { email: 'ok1@example.com' } }, { json: { email: 'not-an-email' } }, { json: { email: 'ok2@example.com' } }];
		const out = await runLoops(server, update('={{ $json.email }}'), { items, continueOnFail: true });

		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json).toMatchObject({ error: 'Loops: Invalid email address.', httpCode: '400' });
		expect(json(out)[0]).toMatchObject({ email: 'ok1@example.com' });
		expect(json(out)[2]).toMatchObject({ email: 'ok2@example.com' });
	});

	it('paces to the advertised limit: a 10/s team sees no 429 and no failed item', async () => {
		server.setRateLimit(10);
		const items = Array.from({ length: 25 }, (_, i) => ({ json: { email: `p${i}@example.com` } }));
		const out = await runLoops(server, update('={{ $json.email }}'), { items });

		expect(out.filter((o) => o.json.error)).toEqual([]);
		expect(server.state.contacts()).toHaveLength(25);
		// Pacing keeps this at zero; a badly late timer on a loaded machine may cost one retried 429.
		expect(server.state.requests().rateLimited).toBeLessThanOrEqual(2);
	});

	it('learns a lower limit from the headers: a 4/s team gets every item through', async () => {
		server.setRateLimit(4);
		const items = Array.from({ length: 16 }, (_, i) => ({ json: { email: `l${i}@example.com` } }));
		const out = await runLoops(server, update('={{ $json.email }}'), { items });

		expect(out.filter((o) => o.json.error)).toEqual([]);
		expect(server.state.contacts()).toHaveLength(16);
	});

	it('injected 429s are retried without failing items', async () => {
		server.setFaults({ rate429: 0.2 });
		const items = Array.from({ length: 20 }, (_, i) => ({ json: { email: `q${i}@example.com` } }));
		const out = await runLoops(server, update('={{ $json.email }}'), { items });

		expect(out).toHaveLength(20);
		expect(server.state.requests().injected.status429).toBeGreaterThan(0);
		expect(server.state.contacts()).toHaveLength(20);
	});
});
