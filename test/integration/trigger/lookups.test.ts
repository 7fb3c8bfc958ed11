/**
 * Events that need Stripe's API, through n8n-core's real WebhookContext (and
 * n8n's own request helper with the credential's authenticate) against the
 * Stripe API contract server: what the endpoint answers when the credential is
 * missing, when Stripe is down or forbids a read, when the customer is gone,
 * and the item when all goes well. Requests are counted on the server.
 */
import type { INodeParameters } from 'n8n-workflow';

import { StripeRestrictedKeyApi } from '../../../credentials/StripeRestrictedKeyApi.credentials';
import { StripeWebhookSigningApi } from '../../../credentials/StripeWebhookSigningApi.credentials';
import { StripeContactTrigger } from '../../../nodes/StripeContactTrigger/StripeContactTrigger.node';
import { startStripeApiContractServer, type StripeApiContractServer } from '../../../tools/stripe-api-contract-server';
import {
	buildStripeEvent,
	LIFECYCLE_EVENT_TYPES,
	LOOKUP_EVENT_TYPES,
	PRODUCT_NAME,
	SEED_EVENT_TYPES,
	signStripeDelivery,
	subscriptionObject,
} from '../../fixtures/stripeEvents';
import { runWebhook, type CredentialsByType } from '../../helpers/n8nHarness';

const SECRET = 'whsec_lookups_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const trigger = new StripeContactTrigger();
const ALL_EVENTS = [...SEED_EVENT_TYPES, ...LIFECYCLE_EVENT_TYPES];
const EMAIL = 'dana.scully@example.com';

let stripe: StripeApiContractServer;
beforeAll(async () => {
	stripe = await startStripeApiContractServer();
});
afterAll(async () => stripe.close());
beforeEach(() => stripe.reset());

const signing = { stripeWebhookSigningApi: { signingSecret: SECRET, previousSigningSecret: '' } };
const withKey = (apiKey = 'rk_test_lookups'): CredentialsByType => ({
	...signing,
	stripeRestrictedKeyApi: { apiKey, baseUrl: stripe.url },
});

async function send(event: Record<string, unknown>, credentials: CredentialsByType = withKey(), parameters: INodeParameters = {}) {
	return await runWebhook(trigger, {
		parameters: {
			events: ALL_EVENTS,
			eventSettings: {
				settings: ALL_EVENTS.map((stripeEvent) => ({ stripeEvent, eventName: `on_${stripeEvent}`, syncNames: true })),
			},
			onCustomerDeleted: 'unsubscribe',
			options: {},
			...parameters,
		},
		credentials,
		credentialTypes: [new StripeRestrictedKeyApi(), new StripeWebhookSigningApi()],
		request: signStripeDelivery(JSON.stringify(event), SECRET),
	});
}

/** A customer, its product and subscription, a charge and a quote in the Stripe account, and events about them. */
function account() {
	const customer = stripe.put('customer', { email: EMAIL, name: 'Dana Scully' });
	const product = stripe.put('product', { name: PRODUCT_NAME });
	const subscription = stripe.put('subscription', subscriptionObject('customer.subscription.created', Math.floor(Date.now() / 1000), {
		customer: customer.id as string,
		product: product.id as string,
	}));
	const charge = stripe.put('charge', { billing_details: { email: null, name: null }, receipt_email: null, customer: customer.id });
	const quote = stripe.put('quote', { customer: customer.id });
	const objectFields = (type: string) => {
		if (type.startsWith('customer.subscription.')) return { id: subscription.id, customer: customer.id };
		if (type.startsWith('charge.dispute.')) return { charge: charge.id };
		if (type.startsWith('quote.')) return { id: quote.id, customer: customer.id };
		return {};
	};
	const event = (type: string, extra: Record<string, unknown> = {}) =>
		buildStripeEvent(type, { objectFields: { ...objectFields(type), ...extra } });
	return { customer, subscription, charge, quote, event };
}

const apiRequests = () => stripe.state.requestLog().filter((entry) => entry.path.startsWith('/v1/'));

describe('an event that carries no email, with the credential', () => {
	it.each(LOOKUP_EVENT_TYPES)('%s: one execution, the email read from Stripe', async (type) => {
		const { event } = account();
		const result = await send(event(type));
		expect(result.status).toBe(200);
		expect(result.body).toEqual({ received: true });
		expect(result.startsExecution).toBe(true);
		expect(result.response.workflowData![0][0].json).toMatchObject({
			stripeEventType: type,
			action: 'upsert',
			contact: { email: EMAIL, firstName: 'Dana', lastName: 'Scully', source: 'Stripe' },
		});
	});

	it('reads a subscription once, with its customer and products expanded, with the key of the credential', async () => {
		const { event, subscription } = account();
		const result = await send(event('customer.subscription.trial_will_end'), withKey(), { options: { syncSubscriptionState: true } });
		const item = result.response.workflowData![0][0].json as Record<string, any>;
		expect(item.contact).toMatchObject({ subscriptionStatus: 'active', subscriptionPlan: PRODUCT_NAME, mrr: 2000 });
		expect(item.event.properties).toMatchObject({ planName: PRODUCT_NAME, productName: PRODUCT_NAME });
		expect(apiRequests()).toEqual([
			expect.objectContaining({ method: 'GET', path: `/v1/subscriptions/${String(subscription.id)}`, status: 200, key: expect.stringMatching(/^rk_test_\*+kups$/) }),
		]);
	});

	it('a dispute whose charge has no email: the charge, then the customer it expanded', async () => {
		const { event, charge } = account();
		const result = await send(event('charge.dispute.created'));
		expect(result.response.workflowData![0][0].json).toMatchObject({ contact: { email: EMAIL }, stripe: { customerId: expect.stringMatching(/^cus_/) } });
		expect(apiRequests().map((entry) => entry.path)).toEqual([`/v1/charges/${String(charge.id)}`]);
	});
});

describe('no credential', () => {
	it.each(LOOKUP_EVENT_TYPES)('%s: 500 naming the missing credential, no execution', async (type) => {
		const { event } = account();
		const result = await send(event(type), signing);
		expect(result.status).toBe(500);
		expect((result.body as { error: string }).error).toMatch(
			new RegExp(`^${type.replace(/\./g, '\\.')} needs a Stripe API credential \\(stripeRestrictedKeyApi\\) on the Stripe Contact Trigger`),
		);
		expect(result.startsExecution).toBe(false);
	});

	it('the seven seed events work as before, with no Stripe request', async () => {
		for (const type of SEED_EVENT_TYPES) {
			const result = await send(buildStripeEvent(type), signing);
			expect(result.status).toBe(200);
			expect(result.startsExecution).toBe(true);
		}
		expect(apiRequests()).toEqual([]);
	});
});

describe('Stripe unavailable: 503, no execution, and the redelivery succeeds', () => {
	it.each([
		['429', { kind: 'status429' as const }],
		['500', { kind: 'status500' as const }],
		['a reset connection', { kind: 'reset' as const }],
	])('%s on every attempt', async (_what, outage) => {
		const { event } = account();
		const delivery = event('customer.subscription.deleted');
		stripe.setOutage({ ...outage, requests: 2 }); // the client tries twice
		const down = await send(delivery);
		expect(down.status).toBe(503);
		expect((down.body as { error: string }).error).toMatch(/subscription sub_/);
		expect(down.startsExecution).toBe(false);

		const redelivered = await send(delivery);
		expect(redelivered.status).toBe(200);
		expect(redelivered.startsExecution).toBe(true);
	});

	it('one failed attempt is retried inside the same delivery', async () => {
		const { event } = account();
		stripe.setOutage({ kind: 'status503', requests: 1 });
		const result = await send(event('quote.accepted'));
		expect(result.status).toBe(200);
		expect(result.startsExecution).toBe(true);
		expect(apiRequests().map((entry) => entry.status)).toEqual([503, 200]);
	});
});

describe('the customer is gone: 200 ignored with the reason, no execution', () => {
	it('a quote of a deleted customer', async () => {
		const { event, customer } = account();
		stripe.deleteCustomer(customer.id as string);
		const result = await send(event('quote.canceled'));
		expect(result.status).toBe(200);
		expect(result.body).toEqual({ received: true, ignored: `The Stripe customer ${String(customer.id)} has been deleted` });
		expect(result.startsExecution).toBe(false);
	});

	it('a subscription of a deleted customer', async () => {
		const { event, customer } = account();
		stripe.deleteCustomer(customer.id as string);
		const result = await send(event('customer.subscription.updated'));
		expect(result.body).toEqual({ received: true, ignored: `no email: the Stripe customer ${String(customer.id)} has been deleted` });
		expect(result.startsExecution).toBe(false);
	});

	it('a late customer.updated after the customer was deleted changes nothing', async () => {
		const { customer } = account();
		stripe.deleteCustomer(customer.id as string);
		const result = await send(buildStripeEvent('customer.updated', { objectFields: { id: customer.id } }));
		expect(result.body).toEqual({ received: true, ignored: `The Stripe customer ${String(customer.id)} has been deleted` });
		expect(result.startsExecution).toBe(false);
	});

	it('an invoice whose subscription is gone still reaches the person, without subscription state', async () => {
		const result = await send(buildStripeEvent('invoice.paid'), withKey(), { options: { syncSubscriptionState: true } });
		expect(result.status).toBe(200);
		expect(result.startsExecution).toBe(true);
		expect((result.response.workflowData![0][0].json as Record<string, any>).contact).not.toHaveProperty('subscriptionStatus');
	});

	it('an invoice of a live subscription carries its state', async () => {
		const { subscription, customer } = account();
		const invoice = buildStripeEvent('invoice.paid', {
			objectFields: { customer: customer.id, parent: { type: 'subscription_details', subscription_details: { subscription: subscription.id } } },
		});
		const result = await send(invoice, withKey(), { options: { syncSubscriptionState: true } });
		expect((result.response.workflowData![0][0].json as Record<string, any>).contact).toMatchObject({
			subscriptionStatus: 'active',
			subscriptionPlan: PRODUCT_NAME,
			stripeCustomerId: customer.id,
		});
	});

	it('a subscription Stripe has no record of', async () => {
		const result = await send(buildStripeEvent('customer.subscription.created', { objectFields: { id: 'sub_unknown' } }));
		expect(result.status).toBe(200);
		expect((result.body as { ignored: string }).ignored).toMatch(/sub_unknown/);
		expect(result.startsExecution).toBe(false);
	});
});

describe('a key that may not read what the event needs', () => {
	it('answers 500 with the permission Stripe names, no execution', async () => {
		const { event } = account();
		stripe.setKeys({ rk_test_customers_only: ['rak_customer_read'] });
		const result = await send(event('charge.dispute.closed'), withKey('rk_test_customers_only'));
		expect(result.status).toBe(500);
		expect((result.body as { error: string }).error).toMatch(/rak_charge_read/);
		expect(result.startsExecution).toBe(false);
	});

	it('a subscription needs Products read too (its plan name is the product name): 500 naming it', async () => {
		const { event } = account();
		stripe.setKeys({ rk_test_no_products: ['rak_customer_read', 'rak_subscription_read'] });
		const result = await send(event('customer.subscription.created'), withKey('rk_test_no_products'));
		expect(result.status).toBe(500);
		expect((result.body as { error: string }).error).toMatch(/rak_product_read/);
	});

	it('a rejected key: 500 naming the credential', async () => {
		const { event } = account();
		const result = await send(event('quote.finalized'), withKey('rk_test_revoked'));
		expect(result.status).toBe(500);
		expect((result.body as { error: string }).error).toMatch(/stripeRestrictedKeyApi/);
	});
});

describe('order-proof state with the credential', () => {
	it('a late customer.subscription.updated carries the subscription as it is now', async () => {
		const { event, subscription } = account();
		const late = event('customer.subscription.updated'); // rendered: active, cancel at period end
		stripe.put('subscription', { ...subscription, status: 'canceled', cancel_at_period_end: false });
		const result = await send(late, withKey(), { options: { syncSubscriptionState: true } });
		expect((result.response.workflowData![0][0].json as Record<string, any>).contact).toMatchObject({
			subscriptionStatus: 'canceled',
			cancelAtPeriodEnd: false,
			mrr: 0,
		});
	});

	it('a late customer.updated carries the email and name of the customer now', async () => {
		const { customer } = account();
		const late = buildStripeEvent('customer.updated', { email: 'old@example.com', name: 'Old Name', objectFields: { id: customer.id } });
		const result = await send(late);
		expect((result.response.workflowData![0][0].json as Record<string, any>).contact).toMatchObject({
			email: EMAIL,
			firstName: 'Dana',
		});
	});
});
