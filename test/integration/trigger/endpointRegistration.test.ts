/**
 * "Register Endpoint in Stripe": the node's webhookMethods through n8n-core's
 * real HookContext (and n8n's own request helper with the credential's
 * authenticate), against the Stripe API contract server; deliveries through
 * the real WebhookContext. Counts come from the contract server's state.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { StripeRestrictedKeyApi } from '../../../credentials/StripeRestrictedKeyApi.credentials';
import { StripeWebhookSigningApi } from '../../../credentials/StripeWebhookSigningApi.credentials';
import { OWNER_METADATA_FIELD } from '../../../nodes/StripeContactTrigger/endpointRegistration';
import { STRIPE_API_VERSION } from '../../../nodes/StripeContactTrigger/stripeApi';
import { StripeContactTrigger } from '../../../nodes/StripeContactTrigger/StripeContactTrigger.node';
import { startStripeApiContractServer, type StripeApiContractServer } from '../../../tools/stripe-api-contract-server';
import { buildStripeEvent, CUSTOMER_ID, DEFAULT_EMAIL, signStripeDelivery } from '../../fixtures/stripeEvents';
import { publishWebhook, runHookMethod, runWebhook, type CredentialsByType, type HarnessNodeOptions } from '../../helpers/n8nHarness';

const trigger = new StripeContactTrigger();
const PRODUCTION_URL = 'http://127.0.0.1:5678/webhook/harness-webhook-id/stripe';
const TEST_URL = 'http://127.0.0.1:5678/webhook-test/harness-webhook-id/stripe';
const EVENTS = ['customer.created', 'invoice.paid'];

let stripe: StripeApiContractServer;
beforeAll(async () => {
	stripe = await startStripeApiContractServer();
});
afterAll(async () => stripe.close());
beforeEach(() => {
	stripe.reset();
	// With the credential, customer.created is read as the customer is now: it exists in the account.
	stripe.put('customer', { id: CUSTOMER_ID, email: DEFAULT_EMAIL });
});

function setup(overrides: { parameters?: INodeParameters; credentials?: CredentialsByType; key?: string } = {}) {
	const staticData: IDataObject = {};
	const options = (): HarnessNodeOptions => ({
		parameters: { events: EVENTS, registerEndpoint: true, options: {}, ...overrides.parameters },
		credentials: overrides.credentials ?? {
			stripeRestrictedKeyApi: { apiKey: overrides.key ?? 'rk_test_contract', baseUrl: stripe.url },
		},
		credentialTypes: [new StripeRestrictedKeyApi(), new StripeWebhookSigningApi()],
		staticData,
	});
	return {
		staticData,
		publish: async (extra: Partial<HarnessNodeOptions> = {}) => publishWebhook(trigger, { ...options(), ...extra }),
		unpublish: async (extra: Partial<HarnessNodeOptions> = {}) =>
			runHookMethod(trigger, { ...options(), ...extra, method: 'delete' }),
		checkExists: async (extra: Partial<HarnessNodeOptions> = {}) =>
			runHookMethod(trigger, { ...options(), ...extra, method: 'checkExists' }),
		deliver: async (secret: string, extra: Partial<HarnessNodeOptions> = {}) =>
			runWebhook(trigger, {
				...options(),
				...extra,
				request: signStripeDelivery(JSON.stringify(buildStripeEvent('customer.created')), secret),
			}),
	};
}

const endpoints = () => stripe.state.webhookEndpoints();
const storedEndpoint = (staticData: IDataObject, url = PRODUCTION_URL) =>
	(Object.values(staticData)[0] as { stripeEndpoints?: Record<string, { id: string; secret: string; events: string[] }> } | undefined)
		?.stripeEndpoints?.[url];
const remembersNothing = (staticData: IDataObject) =>
	Object.values(staticData).every((data) => Object.keys((data as { stripeEndpoints?: object }).stripeEndpoints ?? {}).length === 0);

describe('Register Endpoint in Stripe', () => {
	it('is off by default: publishing and unpublishing make no Stripe request at all', async () => {
		const node = setup({
			parameters: { registerEndpoint: false },
			credentials: { stripeWebhookSigningApi: { signingSecret: 'whsec_by_hand', previousSigningSecret: '' } },
		});
		await node.publish();
		await node.unpublish();
		expect(stripe.state.requestLog()).toEqual([]);
		expect(remembersNothing(node.staticData)).toBe(true);
	});

	it('on publish creates one endpoint for the Production URL with the selected events and the pinned API version', async () => {
		const node = setup();
		await node.publish();
		expect(endpoints()).toEqual([
			expect.objectContaining({
				url: PRODUCTION_URL,
				enabled_events: EVENTS,
				api_version: STRIPE_API_VERSION,
				status: 'enabled',
				metadata: { [OWNER_METADATA_FIELD]: 'harness-workflow/node-under-test' },
			}),
		]);
		expect(storedEndpoint(node.staticData)).toEqual({
			id: endpoints()[0].id,
			secret: expect.stringMatching(/^whsec_/),
			events: EVENTS,
		});
		// The request went out with the credential's key and the pinned version.
		expect(stripe.state.requestLog().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'GET /v1/webhook_endpoints 200',
			'POST /v1/webhook_endpoints 200',
		]);
	});

	it('publish → unpublish → publish, five times over, leaves exactly one endpoint (and none after the last unpublish)', async () => {
		const node = setup();
		for (let round = 0; round < 5; round++) {
			await node.publish();
			expect(endpoints()).toHaveLength(1);
			await node.unpublish();
			expect(endpoints()).toHaveLength(0);
		}
		await node.publish();
		await node.publish();
		expect(endpoints()).toHaveLength(1);
	});

	it('publishing again when the endpoint is current changes nothing (checkExists answers true)', async () => {
		const node = setup();
		await node.publish();
		const before = endpoints();
		expect(await node.checkExists()).toBe(true);
		await node.publish();
		expect(endpoints()).toEqual(before);
		expect(stripe.state.requestLog().filter((r) => r.method === 'POST')).toHaveLength(1);
	});

	it('after the events change, publishing updates the same endpoint rather than adding one', async () => {
		const node = setup();
		await node.publish();
		const [first] = endpoints();
		const changed = ['customer.created', 'invoice.paid', 'quote.accepted'];
		await node.publish({ parameters: { events: changed, registerEndpoint: true, options: {} } });
		expect(endpoints()).toEqual([expect.objectContaining({ id: first.id, enabled_events: changed })]);
		expect(storedEndpoint(node.staticData)).toMatchObject({ id: first.id, events: changed });
	});

	it('verifies deliveries with the secret Stripe returned, and only while registration is on (fail closed)', async () => {
		const node = setup();
		await node.publish();
		const secret = storedEndpoint(node.staticData)!.secret!;

		const accepted = await node.deliver(secret);
		expect(accepted).toMatchObject({ status: 200, body: { received: true }, startsExecution: true });

		const forged = await node.deliver('whsec_not_the_registered_secret');
		expect(forged).toMatchObject({ status: 401, startsExecution: false });

		const off = await node.deliver(secret, { parameters: { events: EVENTS, registerEndpoint: false, options: {} } });
		expect(off).toMatchObject({ status: 401, startsExecution: false });

		await node.unpublish();
		expect(await node.deliver(secret)).toMatchObject({ status: 401, startsExecution: false });
	});

	it('keeps the Test URL and the Production URL apart', async () => {
		const node = setup();
		await node.publish();
		await node.publish({ mode: 'manual' } as Partial<HarnessNodeOptions>);
		expect(endpoints().map((e) => e.url).sort()).toEqual([PRODUCTION_URL, TEST_URL].sort());
		await runHookMethod(trigger, {
			parameters: { events: EVENTS, registerEndpoint: true, options: {} },
			credentials: { stripeRestrictedKeyApi: { apiKey: 'rk_test_contract', baseUrl: stripe.url } },
			credentialTypes: [new StripeRestrictedKeyApi()],
			staticData: node.staticData,
			method: 'delete',
			mode: 'manual',
		});
		expect(endpoints().map((e) => e.url)).toEqual([PRODUCTION_URL]);
		expect(storedEndpoint(node.staticData)).toBeDefined();
	});

	it('replaces an endpoint it created but whose id and secret were lost, instead of piling up', async () => {
		const node = setup();
		await node.publish();
		const [lost] = endpoints();
		const fresh = setup();
		await fresh.publish();
		expect(endpoints()).toEqual([expect.objectContaining({ url: PRODUCTION_URL })]);
		expect(endpoints()[0].id).not.toBe(lost.id);
		const secret = storedEndpoint(fresh.staticData)!.secret!;
		expect(await fresh.deliver(secret)).toMatchObject({ status: 200, startsExecution: true });
	});

	describe('an endpoint for this URL that was made outside n8n', () => {
		const madeByHand = async () =>
			fetch(`${stripe.url}/v1/webhook_endpoints`, {
				method: 'POST',
				headers: { authorization: 'Bearer sk_test_contract', 'content-type': 'application/x-www-form-urlencoded' },
				body: `url=${encodeURIComponent(PRODUCTION_URL)}&enabled_events[0]=charge.failed`,
			}).then(async (response) => (await response.json()) as { id: string; secret: string });

		it('is left alone: publishing fails and says how to go on, even with a signing-secret credential', async () => {
			const existing = await madeByHand();
			const withAndWithoutSecret: CredentialsByType[] = [
				{ stripeRestrictedKeyApi: { apiKey: 'rk_test_contract', baseUrl: stripe.url } },
				{
					stripeRestrictedKeyApi: { apiKey: 'rk_test_contract', baseUrl: stripe.url },
					// Hidden while registration is on, so n8n does not hand it to the node.
					stripeWebhookSigningApi: { signingSecret: existing.secret, previousSigningSecret: '' },
				},
			];
			for (const credentials of withAndWithoutSecret) {
				const node = setup({ credentials });
				await expect(node.publish()).rejects.toThrow(
					`Stripe already has an endpoint for ${PRODUCTION_URL} (${existing.id}) that this node did not create`,
				);
				expect(remembersNothing(node.staticData)).toBe(true);
			}
			expect(endpoints()).toEqual([expect.objectContaining({ id: existing.id, enabled_events: ['charge.failed'] })]);
		});
	});

	it("fails publishing with Stripe's message when the key may not write webhook endpoints", async () => {
		const node = setup({ key: 'rk_test_lookups' });
		await expect(node.publish()).rejects.toThrow(/rak_webhook_(read|write)/);
		expect(endpoints()).toEqual([]);
	});

	it('off, publishing without a signing-secret credential fails and says what to add (fail closed at publish)', async () => {
		const node = setup({ parameters: { registerEndpoint: false }, credentials: {} });
		await expect(node.publish()).rejects.toThrow(/Add the Stripe Webhook Signing Secret credential/);
	});

	it('fails publishing without the Stripe API credential, naming it', async () => {
		const node = setup({ credentials: {} });
		await expect(node.publish()).rejects.toThrow(/needs a Stripe Restricted Key API credential \(stripeRestrictedKeyApi\)/);
	});

	it('during a Stripe outage, publishing fails (to be retried) and nothing is created or remembered', async () => {
		stripe.setOutage({ kind: 'status503' });
		const node = setup();
		await expect(node.publish()).rejects.toThrow(/Stripe could not answer/);
		stripe.setOutage(undefined);
		expect(endpoints()).toEqual([]);
		expect(remembersNothing(node.staticData)).toBe(true);
		await node.publish();
		expect(endpoints()).toHaveLength(1);
	});

	it('a create whose answer is lost is retried with the same idempotency key: still one endpoint', async () => {
		const node = setup();
		stripe.setOutage({ kind: 'status500', requests: 1, methods: ['POST'], afterApply: true });
		await node.publish();
		const posts = stripe.state.requestLog().filter((r) => r.method === 'POST');
		expect(posts.map((r) => r.status)).toEqual([500, 200]);
		expect(posts[0].idempotencyKey).toBeDefined();
		expect(posts[1].idempotencyKey).toBe(posts[0].idempotencyKey);
		expect(endpoints()).toHaveLength(1);
		expect(storedEndpoint(node.staticData)!.id).toBe(endpoints()[0].id);
	});
});
