/**
 * The Stripe API contract server's rules, over HTTP, as a Stripe client sees them.
 */
import customerFixture from '../../fixtures/stripe/customer.json';
import subscriptionFixture from '../../fixtures/stripe/subscription.json';
import { parseStripeParams } from '../../../tools/stripe-api-contract-server/form';
import { applySeeds, httpSeedTarget, seedsForEvent } from '../../../tools/stripe-api-contract-server/seed';
import {
	MAX_WEBHOOK_ENDPOINTS,
	startStripeApiContractServer,
	type StripeApiContractServer,
} from '../../../tools/stripe-api-contract-server';

let server: StripeApiContractServer;

beforeAll(async () => {
	server = await startStripeApiContractServer();
});
afterAll(async () => server.close());
beforeEach(() => server.reset());

async function stripe(
	method: string,
	path: string,
	options: { key?: string | null; form?: string; idempotencyKey?: string } = {},
) {
	const key = options.key === undefined ? 'sk_test_contract' : options.key;
	const response = await fetch(`${server.url}${path}`, {
		method,
		headers: {
			...(key === null ? {} : { authorization: `Bearer ${key}` }),
			...(options.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
			...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
		},
		...(options.form !== undefined ? { body: options.form } : {}),
	});
	return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

describe('Stripe API contract server · auth and permissions', () => {
	it("answers 401 with Stripe's error body without a key or with an unknown one, redacting the key", async () => {
		const none = await stripe('GET', '/v1/customers', { key: null });
		expect(none.status).toBe(401);
		expect(none.body.error.message).toMatch(/^You did not provide an API key/);
		const wrong = await stripe('GET', '/v1/customers', { key: 'sk_test_wrongkey1234' });
		expect(wrong.status).toBe(401);
		expect(wrong.body.error).toEqual({ message: 'Invalid API Key provided: sk_test_********1234', type: 'invalid_request_error' });
	});

	it('answers 403 naming the missing permission when a restricted key may not do something', async () => {
		const customer = server.put('customer');
		server.setKeys({ rk_test_onlycharges: ['rak_charge_read'] });
		const answer = await stripe('GET', `/v1/customers/${customer.id}`, { key: 'rk_test_onlycharges' });
		expect(answer.status).toBe(403);
		expect(answer.body.error.type).toBe('invalid_request_error');
		expect(answer.body.error.message).toMatch(
			/^The provided key 'rk_test_\*+rges' does not have the required permissions for this endpoint on account 'acct_\w+'\. Having the 'rak_customer_read' permission would allow this request to continue\.$/,
		);
	});

	it('lets write imply read, and lets a secret key do everything', async () => {
		server.setKeys({ rk_test_hooks: ['rak_webhook_write'], sk_test_all: 'all' });
		expect((await stripe('GET', '/v1/webhook_endpoints', { key: 'rk_test_hooks' })).status).toBe(200);
		expect((await stripe('GET', '/v1/customers', { key: 'rk_test_hooks' })).status).toBe(403);
		expect((await stripe('GET', '/v1/customers', { key: 'sk_test_all' })).status).toBe(200);
	});

	it('refuses a key table with a restricted key that has no permission list', () => {
		expect(() => server.setKeys({ rk_test_x: 'all' })).toThrow('needs a list of permissions');
	});
});

describe('Stripe API contract server · objects by id', () => {
	it("serves objects built from Stripe's fixtures, with the caller's fields on top", async () => {
		const customer = server.put('customer', { email: 'ada@example.com', name: 'Ada Lovelace' });
		const answer = await stripe('GET', `/v1/customers/${customer.id}`);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ ...customerFixture, id: customer.id, email: 'ada@example.com', name: 'Ada Lovelace' });
		expect(answer.headers.get('request-id')).toMatch(/^req_/);
	});

	it("answers 404 resource_missing with Stripe's error body for an unknown id", async () => {
		const answer = await stripe('GET', '/v1/charges/ch_nope');
		expect(answer.status).toBe(404);
		expect(answer.body.error).toEqual({
			code: 'resource_missing',
			doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
			message: "No such charge: 'ch_nope'",
			param: 'id',
			type: 'invalid_request_error',
		});
	});

	it('answers a deleted customer as Stripe does: 200 with {id, object, deleted: true}', async () => {
		const customer = server.put('customer');
		server.deleteCustomer(String(customer.id));
		const answer = await stripe('GET', `/v1/customers/${customer.id}`);
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ id: customer.id, object: 'customer', deleted: true });
	});

	it('expands ids into objects, through lists, and leaves an id it cannot find as it is', async () => {
		const customer = server.put('customer', { email: 'sub@example.com' });
		const product = server.put('product', { name: 'Pro plan' });
		const items = structuredClone(subscriptionFixture.items);
		items.data[0].price.product = String(product.id);
		const subscription = server.put('subscription', { customer: customer.id, items });
		const answer = await stripe(
			'GET',
			`/v1/subscriptions/${subscription.id}?expand[]=customer&expand[]=items.data.price.product`,
		);
		expect(answer.body.customer).toMatchObject({ id: customer.id, email: 'sub@example.com' });
		expect(answer.body.items.data[0].price.product).toMatchObject({ id: product.id, name: 'Pro plan' });

		const orphan = server.put('quote', { customer: 'cus_gone' });
		expect((await stripe('GET', `/v1/quotes/${orphan.id}?expand[0]=customer`)).body.customer).toBe('cus_gone');
	});

	it('refuses to expand what is not an id, as Stripe does', async () => {
		const charge = server.put('charge');
		const answer = await stripe('GET', `/v1/charges/${charge.id}?expand[]=amount`);
		expect(answer.status).toBe(400);
		expect(answer.body.error.message).toBe('This property cannot be expanded (amount).');
	});

	it('answers an unknown URL 404 the way Stripe words it', async () => {
		const answer = await stripe('DELETE', '/v1/customers');
		expect(answer.status).toBe(404);
		expect(answer.body.error.message).toMatch(/^Unrecognized request URL \(DELETE: \/v1\/customers\)/);
	});
});

describe('Stripe API contract server · webhook endpoints', () => {
	const create = (url: string, extra = '') =>
		stripe('POST', '/v1/webhook_endpoints', {
			form: `url=${encodeURIComponent(url)}&enabled_events[0]=invoice.paid&enabled_events[1]=customer.created&api_version=2025-10-29.clover${extra}`,
		});

	it('creates an endpoint and returns its whsec_ secret only in the answer to create', async () => {
		const created = await create('https://n8n.example/webhook/a/stripe', '&metadata[owner]=n8n');
		expect(created.status).toBe(200);
		expect(created.body).toMatchObject({
			object: 'webhook_endpoint',
			url: 'https://n8n.example/webhook/a/stripe',
			enabled_events: ['invoice.paid', 'customer.created'],
			api_version: '2025-10-29.clover',
			status: 'enabled',
			metadata: { owner: 'n8n' },
		});
		expect(created.body.secret).toMatch(/^whsec_\w{32,}$/);
		const listed = await stripe('GET', '/v1/webhook_endpoints');
		expect(listed.body.data).toHaveLength(1);
		expect(listed.body.data[0].secret).toBeUndefined();
		expect((await stripe('GET', `/v1/webhook_endpoints/${created.body.id}`)).body.secret).toBeUndefined();
	});

	it('updates events and status, then deletes; a second delete is 404', async () => {
		const { body } = await create('https://n8n.example/webhook/b/stripe');
		const updated = await stripe('POST', `/v1/webhook_endpoints/${body.id}`, {
			form: 'enabled_events[0]=quote.accepted&disabled=true',
		});
		expect(updated.body).toMatchObject({ enabled_events: ['quote.accepted'], status: 'disabled' });
		expect(await stripe('DELETE', `/v1/webhook_endpoints/${body.id}`)).toMatchObject({
			status: 200,
			body: { id: body.id, object: 'webhook_endpoint', deleted: true },
		});
		expect((await stripe('DELETE', `/v1/webhook_endpoints/${body.id}`)).status).toBe(404);
		expect(server.state.webhookEndpoints()).toEqual([]);
	});

	it('refuses an endpoint without url or events, and an invalid event name', async () => {
		expect((await stripe('POST', '/v1/webhook_endpoints', { form: 'enabled_events[0]=invoice.paid' })).body.error)
			.toMatchObject({ code: 'parameter_missing', param: 'url' });
		expect((await stripe('POST', '/v1/webhook_endpoints', { form: 'url=https://x.test' })).body.error)
			.toMatchObject({ code: 'parameter_missing', param: 'enabled_events' });
		expect((await stripe('POST', '/v1/webhook_endpoints', { form: 'url=https://x.test&enabled_events[0]=Not An Event' })).status)
			.toBe(400);
		expect(server.state.webhookEndpoints()).toEqual([]);
	});

	it(`refuses endpoint ${MAX_WEBHOOK_ENDPOINTS + 1}, as Stripe's cap does`, async () => {
		for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i++) expect((await create(`https://x.test/${i}`)).status).toBe(200);
		const refused = await create('https://x.test/one-too-many');
		expect(refused.status).toBe(400);
		expect(refused.body.error.message).toBe(`You have reached the maximum of ${MAX_WEBHOOK_ENDPOINTS} test webhook endpoints.`);
	});

	it('pages the list with limit and starting_after', async () => {
		for (let i = 0; i < 3; i++) await create(`https://x.test/${i}`);
		const first = await stripe('GET', '/v1/webhook_endpoints?limit=2');
		expect(first.body).toMatchObject({ object: 'list', has_more: true });
		const second = await stripe('GET', `/v1/webhook_endpoints?limit=2&starting_after=${first.body.data[1].id}`);
		expect(second.body.has_more).toBe(false);
		expect([...first.body.data, ...second.body.data].map((e: { url: string }) => e.url)).toEqual([
			'https://x.test/0',
			'https://x.test/1',
			'https://x.test/2',
		]);
	});

	it('replays the first answer for a repeated idempotency key: a retried create creates once', async () => {
		const form = 'url=https://x.test/once&enabled_events[0]=invoice.paid';
		const first = await stripe('POST', '/v1/webhook_endpoints', { form, idempotencyKey: 'k1' });
		const again = await stripe('POST', '/v1/webhook_endpoints', { form, idempotencyKey: 'k1' });
		expect(again.body).toEqual(first.body);
		expect(server.state.webhookEndpoints()).toHaveLength(1);
	});
});

describe('Stripe API contract server · faults and outages', () => {
	it('answers 429 rate_limit and 500 with Stripe-Should-Retry: true during an outage, for the requests it covers', async () => {
		server.setOutage({ kind: 'status429', requests: 1 });
		const limited = await stripe('GET', '/v1/customers');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('stripe-should-retry')).toBe('true');
		expect(limited.body.error).toMatchObject({ code: 'rate_limit', type: 'invalid_request_error' });
		expect((await stripe('GET', '/v1/customers')).status).toBe(200);

		server.setOutage({ kind: 'status500' });
		const failed = await stripe('GET', '/v1/customers');
		expect(failed.status).toBe(500);
		expect(failed.body.error.type).toBe('api_error');
		expect(failed.headers.get('stripe-should-retry')).toBe('true');
		server.setOutage(undefined);
		expect((await stripe('GET', '/v1/customers')).status).toBe(200);
	});

	it('ends a timed outage by itself', async () => {
		server.setOutage({ kind: 'status503', durationMs: 150 });
		expect((await stripe('GET', '/v1/customers')).status).toBe(503);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect((await stripe('GET', '/v1/customers')).status).toBe(200);
	});

	it('drops the connection without an answer for a reset, and records it', async () => {
		server.setOutage({ kind: 'reset', requests: 1 });
		await expect(stripe('GET', '/v1/customers')).rejects.toThrow();
		expect(server.state.requestLog().at(-1)).toMatchObject({ status: 'reset', fault: 'outage: reset' });
	});

	it('injects faults at the configured rate, replayably with a seed', async () => {
		server.setFaults({ rate500: 1 });
		expect((await stripe('GET', '/v1/customers')).status).toBe(500);
		server.setFaults({});
		expect((await stripe('GET', '/v1/customers')).status).toBe(200);
	});

	it('is driven over HTTP too: seed objects, delete a customer, schedule an outage, read the state', async () => {
		const admin = (method: string, path: string, body?: unknown) =>
			fetch(`${server.url}/_contract${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) }).then(
				async (response) => ({ status: response.status, body: (await response.json()) as Record<string, any> }),
			);
		const customer = await admin('POST', '/objects/customer', { id: 'cus_admin', email: 'admin@example.com' });
		expect(customer.body).toMatchObject({ id: 'cus_admin', object: 'customer', email: 'admin@example.com' });
		expect((await admin('POST', '/objects/invoice', {})).status).toBe(404);
		await admin('DELETE', '/customers/cus_admin');
		expect((await stripe('GET', '/v1/customers/cus_admin')).body).toEqual({ id: 'cus_admin', object: 'customer', deleted: true });
		await admin('POST', '/outage', { kind: 'status503', requests: 1 });
		expect((await stripe('GET', '/v1/customers')).status).toBe(503);
		const state = await admin('GET', '/state');
		expect(state.body.deletedCustomers).toEqual(['cus_admin']);
		expect(state.body.requestLog.at(-1)).toMatchObject({ path: '/v1/customers', status: 503 });
	});
});

describe("Stripe's parameter syntax", () => {
	it('reads nested objects, indexed and appended arrays', () => {
		expect(parseStripeParams('a=1&b[c]=2&d[0]=x&d[1]=y&e[]=p&e[]=q&f[0][g]=h')).toEqual({
			a: '1',
			b: { c: '2' },
			d: ['x', 'y'],
			e: ['p', 'q'],
			f: [{ g: 'h' }],
		});
	});
});

describe('seeding the objects an event points at (send-test-event, e2e)', () => {
	const person = { email: 'jenny.rosen@example.com', name: 'Jenny Rosen' };
	const event = (type: string, object: Record<string, unknown>) => ({ id: 'evt_1', type, data: { object } });

	it("stores the event's own object and the customer it names only by id, carrying the person", async () => {
		const seeds = seedsForEvent(
			event('customer.subscription.updated', { id: 'sub_1', object: 'subscription', customer: 'cus_1', status: 'active' }),
			person,
		);
		await applySeeds(server, seeds);
		expect((await stripe('GET', '/v1/subscriptions/sub_1?expand[]=customer')).body).toMatchObject({
			id: 'sub_1',
			status: 'active',
			customer: { id: 'cus_1', email: person.email, name: person.name },
		});
	});

	it('gives a charge named by a dispute the billing email and name', async () => {
		await applySeeds(server, seedsForEvent(event('charge.dispute.created', { id: 'dp_1', object: 'dispute', charge: 'ch_1' }), person));
		expect((await stripe('GET', '/v1/charges/ch_1')).body).toMatchObject({
			billing_details: { email: person.email, name: person.name },
			receipt_email: person.email,
		});
		expect(server.state.objects('customer')).toEqual([]);
	});

	it('shows the customer of a customer.deleted event as deleted', async () => {
		await applySeeds(server, seedsForEvent(event('customer.deleted', { id: 'cus_9', object: 'customer', email: 'x@y.z' }), person));
		expect((await stripe('GET', '/v1/customers/cus_9')).body).toEqual({ id: 'cus_9', object: 'customer', deleted: true });
	});

	it('seeds a server in another process through its admin routes', async () => {
		await applySeeds(httpSeedTarget(server.url), seedsForEvent(event('invoice.paid', { id: 'in_1', object: 'invoice', customer: 'cus_2' }), person));
		expect((await stripe('GET', '/v1/customers/cus_2')).body).toMatchObject({ email: person.email });
	});
});
