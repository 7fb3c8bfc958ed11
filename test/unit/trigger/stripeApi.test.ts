import type { IHttpRequestOptions } from 'n8n-workflow';

import {
	createStripeClient,
	encodeForm,
	encodeQuery,
	n8nStripeRequest,
	STRIPE_API_VERSION,
	StripeApiError,
	type StripeHttpRequest,
	type StripeHttpResponse,
} from '../../../nodes/StripeContactTrigger/stripeApi';

type Answer = StripeHttpResponse | Error;

/** A request function that answers from a script and records what it was asked. */
function scripted(...answers: Answer[]) {
	const requests: StripeHttpRequest[] = [];
	const send = async (request: StripeHttpRequest) => {
		requests.push(request);
		const next = answers.shift();
		if (next === undefined) throw new Error('no more scripted answers');
		if (next instanceof Error) throw next;
		return next;
	};
	return { send, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): StripeHttpResponse => ({
	status,
	headers,
	body,
});
const stripeError = (status: number, error: Record<string, string>, headers: Record<string, string> = {}) =>
	json(status, { error: { type: 'invalid_request_error', ...error } }, headers);
const connectionError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

const noWait = { sleep: async () => {} };

async function failure(promise: Promise<unknown>): Promise<StripeApiError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof StripeApiError) return error;
		throw error;
	}
	throw new Error('expected a StripeApiError');
}

describe('the Stripe API client', () => {
	it('retrieves an object by id, asking Stripe to expand what the caller names', async () => {
		const { send, requests } = scripted(json(200, { id: 'ch_1', object: 'charge', receipt_email: 'a@b.c' }));
		const charge = await createStripeClient(send).retrieveCharge('ch_1', { expand: ['customer'] });
		expect(charge).toEqual({ id: 'ch_1', object: 'charge', receipt_email: 'a@b.c' });
		expect(requests).toEqual([{ method: 'GET', path: '/v1/charges/ch_1', query: { 'expand[]': ['customer'] } }]);
	});

	it.each([
		['retrieveCustomer', '/v1/customers/x%2Fy'],
		['retrieveSubscription', '/v1/subscriptions/x%2Fy'],
		['retrieveQuote', '/v1/quotes/x%2Fy'],
	] as const)('%s reads %s, the id escaped into one path segment', async (method, path) => {
		const { send, requests } = scripted(json(200, { id: 'x/y', object: 'thing' }));
		await createStripeClient(send)[method]('x/y');
		expect(requests[0]).toEqual({ method: 'GET', path, query: undefined });
	});

	it('classifies 404 resource_missing as missing, with Stripe\'s message', async () => {
		const { send } = scripted(stripeError(404, { code: 'resource_missing', message: "No such customer: 'cus_x'" }));
		const error = await failure(createStripeClient(send).retrieveCustomer('cus_x'));
		expect(error.kind).toBe('missing');
		expect(error.details).toMatchObject({ status: 404, code: 'resource_missing' });
		expect(error.message).toContain("No such customer: 'cus_x'");
		expect(error.retryable).toBe(false);
	});

	it('classifies a deleted customer (200 with deleted: true) as missing, marked deleted', async () => {
		const { send } = scripted(json(200, { id: 'cus_x', object: 'customer', deleted: true }));
		const error = await failure(createStripeClient(send).retrieveCustomer('cus_x'));
		expect(error.kind).toBe('missing');
		expect(error.details.deleted).toBe(true);
		expect(error.message).toBe('The Stripe customer cus_x has been deleted');
	});

	it("classifies 403 as forbidden and keeps Stripe's message, which names the missing permission", async () => {
		const message =
			"The provided key 'rk_test_***abc' does not have the required permissions for this endpoint on account 'acct_1'. Having the 'rak_charge_read' permission would allow this request to continue.";
		const { send } = scripted(stripeError(403, { message }));
		const error = await failure(createStripeClient(send, noWait).retrieveCharge('ch_1'));
		expect(error.kind).toBe('forbidden');
		expect(error.message).toContain('rak_charge_read');
	});

	it('classifies 401 as invalidKey and names the credential', async () => {
		const { send } = scripted(stripeError(401, { message: 'Invalid API Key provided: rk_test_***abc' }));
		const error = await failure(createStripeClient(send, noWait).retrieveQuote('qt_1'));
		expect(error.kind).toBe('invalidKey');
		expect(error.message).toContain('stripeRestrictedKeyApi');
		expect(error.message).toContain('Invalid API Key provided');
	});

	it('classifies other 4xx as rejected and does not retry them', async () => {
		const { send, requests } = scripted(stripeError(400, { code: 'parameter_unknown', message: 'Received unknown parameter: x' }));
		const error = await failure(createStripeClient(send, { ...noWait, retries: 3 }).retrieveQuote('qt_1'));
		expect(error.kind).toBe('rejected');
		expect(requests).toHaveLength(1);
	});

	it.each([
		['429', stripeError(429, { code: 'rate_limit', message: 'Request rate limit exceeded.' })],
		['500', stripeError(500, { type: 'api_error', message: 'Something went wrong' })],
		['503 without a body', json(503, 'Service Unavailable')],
		['409 lock_timeout', stripeError(409, { code: 'lock_timeout', message: 'locked' })],
		['400 with Stripe-Should-Retry: true', stripeError(400, { message: 'x' }, { 'Stripe-Should-Retry': 'true' })],
		['a connection refused', connectionError('ECONNREFUSED')],
		['a connection reset', connectionError('ECONNRESET')],
		['a timeout', Object.assign(new Error('timeout of 5000ms exceeded'), { code: 'ECONNABORTED' })],
	])('classifies %s as unavailable and tries once more by default', async (_label, answer) => {
		const { send, requests } = scripted(answer, answer);
		const error = await failure(createStripeClient(send, noWait).retrieveSubscription('sub_1'));
		expect(error.kind).toBe('unavailable');
		expect(error.retryable).toBe(true);
		expect(requests).toHaveLength(2);
	});

	it('returns the object when a retry succeeds, after the wait Stripe asked for', async () => {
		const waits: number[] = [];
		const { send } = scripted(
			stripeError(429, { code: 'rate_limit', message: 'slow down' }, { 'retry-after': '1' }),
			json(200, { id: 'sub_1', object: 'subscription' }),
		);
		const client = createStripeClient(send, { sleep: async (ms) => void waits.push(ms) });
		await expect(client.retrieveSubscription('sub_1')).resolves.toMatchObject({ id: 'sub_1' });
		expect(waits).toEqual([1000]);
	});

	it('does not retry when Stripe says Stripe-Should-Retry: false, yet still calls it unavailable', async () => {
		const { send, requests } = scripted(stripeError(500, { message: 'no' }, { 'stripe-should-retry': 'false' }));
		const error = await failure(createStripeClient(send, { ...noWait, retries: 3 }).retrieveCustomer('cus_1'));
		expect(error.kind).toBe('unavailable');
		expect(error.retryable).toBe(false);
		expect(requests).toHaveLength(1);
	});

	it('gives up at once when Retry-After is longer than the longest wait it honours', async () => {
		const { send, requests } = scripted(stripeError(429, { message: 'later' }, { 'Retry-After': '30' }));
		const error = await failure(createStripeClient(send, noWait).retrieveCustomer('cus_1'));
		expect(error.details.retryAfterMs).toBe(30_000);
		expect(requests).toHaveLength(1);
	});

	it("classifies a request that could not be made at all (e.g. no credential) as failed, keeping n8n's error", async () => {
		const missing = new Error('Node does not have any credentials set for "stripeRestrictedKeyApi"');
		const { send, requests } = scripted(missing);
		const error = await failure(createStripeClient(send, noWait).retrieveCustomer('cus_1'));
		expect(error.kind).toBe('failed');
		expect(error.details.cause).toBe(missing);
		expect(error.message).toContain('Node does not have any credentials set');
		expect(requests).toHaveLength(1);
	});

	it('lists every webhook endpoint, following has_more with starting_after', async () => {
		const { send, requests } = scripted(
			json(200, { object: 'list', data: [{ id: 'we_1' }, { id: 'we_2' }], has_more: true }),
			json(200, { object: 'list', data: [{ id: 'we_3' }], has_more: false }),
		);
		const endpoints = await createStripeClient(send).listWebhookEndpoints();
		expect(endpoints.map((endpoint) => endpoint.id)).toEqual(['we_1', 'we_2', 'we_3']);
		expect(requests.map((request) => request.query)).toEqual([{ limit: 100 }, { limit: 100, starting_after: 'we_2' }]);
	});

	it('creates, updates and deletes webhook endpoints with form parameters', async () => {
		const { send, requests } = scripted(
			json(200, { id: 'we_1', object: 'webhook_endpoint', secret: 'whsec_1' }),
			json(200, { id: 'we_1', object: 'webhook_endpoint' }),
			json(200, { id: 'we_1', object: 'webhook_endpoint', deleted: true }),
		);
		const client = createStripeClient(send);
		const created = await client.createWebhookEndpoint({
			url: 'https://n8n.example/webhook/abc/stripe',
			enabled_events: ['invoice.paid'],
			api_version: STRIPE_API_VERSION,
		});
		expect(created.secret).toBe('whsec_1');
		await client.updateWebhookEndpoint('we_1', { enabled_events: ['invoice.paid', 'customer.created'] });
		await client.deleteWebhookEndpoint('we_1');
		expect(requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
			'POST /v1/webhook_endpoints',
			'POST /v1/webhook_endpoints/we_1',
			'DELETE /v1/webhook_endpoints/we_1',
		]);
		expect(requests[1].form).toEqual({ enabled_events: ['invoice.paid', 'customer.created'] });
	});

	it('answers false for deleting an endpoint that is already gone, so callers can call that done', async () => {
		const { send } = scripted(stripeError(404, { code: 'resource_missing', message: "No such webhook endpoint: 'we_1'" }));
		await expect(createStripeClient(send).deleteWebhookEndpoint('we_1')).resolves.toBe(false);
	});
});

describe("Stripe's parameter encoding", () => {
	it('form-encodes arrays with indices and objects with brackets, skipping undefined', () => {
		expect(
			encodeForm({
				url: 'https://x.test/a?b=1',
				enabled_events: ['invoice.paid', 'quote.accepted'],
				metadata: { n8n_workflow: 'wf 1' },
				description: undefined,
				disabled: false,
			}),
		).toBe(
			'url=https%3A%2F%2Fx.test%2Fa%3Fb%3D1&enabled_events%5B0%5D=invoice.paid&enabled_events%5B1%5D=quote.accepted&metadata%5Bn8n_workflow%5D=wf%201&disabled=false',
		);
	});

	it('repeats array keys in the query string', () => {
		expect(encodeQuery({ 'expand[]': ['customer', 'items.data.price.product'], limit: 1 })).toBe(
			'?expand%5B%5D=customer&expand%5B%5D=items.data.price.product&limit=1',
		);
		expect(encodeQuery(undefined)).toBe('');
	});
});

describe("the request function over n8n's helpers", () => {
	it('sends with the credential, the pinned Stripe-Version and form bodies, and never throws on an HTTP status', async () => {
		const calls: Array<{ type: string; options: IHttpRequestOptions }> = [];
		const context = {
			helpers: {
				async httpRequestWithAuthentication(type: string, options: IHttpRequestOptions) {
					calls.push({ type, options });
					return { statusCode: 404, headers: { 'request-id': 'req_1' }, body: '{"error":{"code":"resource_missing"}}' };
				},
			},
		};
		const send = n8nStripeRequest(context, 'http://127.0.0.1:12111/', 1234);
		const response = await send({ method: 'POST', path: '/v1/webhook_endpoints/we_1', form: { disabled: true } });
		expect(response).toEqual({ status: 404, headers: { 'request-id': 'req_1' }, body: { error: { code: 'resource_missing' } } });
		expect(calls).toEqual([
			{
				type: 'stripeRestrictedKeyApi',
				options: {
					method: 'POST',
					url: 'http://127.0.0.1:12111/v1/webhook_endpoints/we_1',
					headers: { 'Stripe-Version': STRIPE_API_VERSION, 'Content-Type': 'application/x-www-form-urlencoded' },
					body: 'disabled=true',
					json: false,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: 1234,
				},
			},
		]);
	});
});
