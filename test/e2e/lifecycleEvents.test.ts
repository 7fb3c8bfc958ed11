/**
 * The fifteen lifecycle events in a real n8n, with the email and the current state read from the
 * Stripe API contract server and the result read from the Loops contract server: every event
 * reaches Loops as a contact and an event, a Stripe API outage is answered 503 and its redelivery
 * succeeds, a late subscription update does not overwrite newer state, and a trigger without the
 * Stripe API credential answers 500 naming it.
 */
import { buildStripeEvent, LIFECYCLE_EVENT_TYPES, PRODUCT_NAME, signStripeDelivery, stripeId, subscriptionObject } from '../fixtures/stripeEvents';
import { SUBSCRIPTION_CONTACT_PROPERTIES } from '../../nodes/shared/subscriptionProperties';
import productFixture from '../fixtures/stripe/product.json';
import { applySeeds, seedsForEvent } from '../../tools/stripe-api-contract-server/seed';
import { deliver, deliverAndSettle, finishedCount } from './support/deliveries';
import { SIGNING_SECRET, startE2eEnvironment, withN8nLog, type E2eEnvironment } from './support/environment';
import {
	LIFECYCLE_EVENT_NAMES,
	LIFECYCLE_NO_KEY_WORKFLOW_ID,
	LIFECYCLE_WORKFLOW_ID,
	lifecycleWorkflow,
	webhookPathOf,
} from './support/workflows';

let env: E2eEnvironment | undefined;
const e2e = (name: string, body: () => Promise<void>) => it(name, withN8nLog(() => env, body));

function environment(): E2eEnvironment {
	if (!env) throw new Error('n8n did not start (see beforeAll)');
	return env;
}

const url = (workflowId = LIFECYCLE_WORKFLOW_ID) => environment().n8n.webhookUrl(webhookPathOf(workflowId));
const contact = (email: string) => environment().loops.state.contact(email);
const eventsFor = (email: string) => environment().loops.state.events().filter((event) => event.email === email);
const settle = async (delivery: { body: string; headers: Record<string, string> }, expectedNew: number, workflowId = LIFECYCLE_WORKFLOW_ID) =>
	await deliverAndSettle(environment().session, url(workflowId), workflowId, delivery, expectedNew);

/**
 * An event about a new person: its own customer id (and subscription, charge or quote id), and the
 * Stripe API contract server holding those objects as Stripe would, carrying the person's email.
 */
async function personalEvent(type: string, options: { created?: number; objectFields?: Record<string, unknown> } = {}) {
	const slug = `${type.replace(/[._]/g, '-')}-${stripeId('x').slice(-6).toLowerCase()}`;
	const email = `e2e.${slug}@example.com`;
	const customer = stripeId('cus');
	const objectFields: Record<string, unknown> = { customer };
	if (type.startsWith('customer.subscription.')) objectFields.id = stripeId('sub');
	if (type.startsWith('charge.dispute.')) objectFields.charge = stripeId('ch');
	if (type.startsWith('quote.')) objectFields.id = stripeId('qt');
	if (type.startsWith('invoice.')) {
		// The subscription the invoice bills, whose state goes on the contact.
		const subscription = environment().stripe.put('subscription', { ...subscriptionObject('customer.subscription.created', Math.floor(Date.now() / 1000), { customer }), id: stripeId('sub') });
		objectFields.parent = { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription: subscription.id } };
	}
	const event = buildStripeEvent(type, {
		email: type === 'checkout.session.expired' ? null : email, // an abandoned checkout: only the customer knows it
		name: 'Ada King Lovelace',
		created: options.created,
		objectFields: { ...objectFields, ...options.objectFields },
	});
	await applySeeds(environment().stripe, seedsForEvent(event, { email, name: 'Ada King Lovelace' }));
	return { event, email, delivery: signStripeDelivery(JSON.stringify(event), SIGNING_SECRET) };
}

beforeAll(async () => {
	const workflows = [lifecycleWorkflow(true), lifecycleWorkflow(false)];
	env = await startE2eEnvironment({
		workflows,
		publish: workflows.map((workflow) => workflow.id),
		webhookPaths: workflows.map((workflow) => webhookPathOf(workflow.id)),
	});
	// The product every fixture subscription's price names: its name is the plan.
	env.stripe.put('product', { id: productFixture.id, name: PRODUCT_NAME });
}, 900_000);

afterAll(async () => {
	await env?.stop();
});

describe('each lifecycle event reaches Loops as the right contact and event', () => {
	it.each(LIFECYCLE_EVENT_TYPES)('%s', (type) =>
		withN8nLog(() => env, async () => {
			const { event, email, delivery } = await personalEvent(type);

			const { answer, executions, before } = await settle(delivery, 1);

			expect({ status: answer.status, body: answer.json }).toEqual({ status: 200, body: { received: true } });
			expect(executions.length).toBe(before + 1);
			expect(executions[0].status).toBe('success');
			expect(contact(email)).toMatchObject({ email, firstName: 'Ada', lastName: 'King Lovelace', source: 'Stripe' });
			expect(eventsFor(email)).toEqual([
				expect.objectContaining({ eventName: LIFECYCLE_EVENT_NAMES[type], email, idempotencyKey: event.id }),
			]);
			if (type.startsWith('customer.subscription.') || type.startsWith('invoice.')) {
				expect(contact(email)).toMatchObject({ subscriptionPlan: PRODUCT_NAME, stripeCustomerId: expect.stringMatching(/^cus_/) });
				expect(typeof contact(email)!.subscriptionStatus).toBe('string');
			}
		})(),
	);

	e2e('the subscription properties now exist in Loops, each with its type', async () => {
		const types = Object.fromEntries(environment().loops.state.properties().map((property) => [property.key, property.type]));
		for (const [name, type] of Object.entries(SUBSCRIPTION_CONTACT_PROPERTIES)) expect(types[name]).toBe(type);
	});
});

describe('Stripe API outage', () => {
	e2e('is answered 503 with no execution; the redelivery succeeds and sends one email', async () => {
		const { email, delivery } = await personalEvent('customer.subscription.trial_will_end');
		const before = await finishedCount(environment().session, LIFECYCLE_WORKFLOW_ID);
		environment().stripe.setOutage({ kind: 'status503' });

		const down = await deliver(url(), delivery);
		expect(down.status).toBe(503);
		expect(String(down.json?.error)).toMatch(/^Stripe could not answer the subscription sub_/);

		environment().stripe.setOutage(undefined);
		const { answer, executions } = await settle(delivery, 1);
		expect(answer.status).toBe(200);
		// Only the redelivery ran: the 503 started nothing.
		expect(executions.length).toBe(before + 1);
		expect(executions[0].status).toBe('success');
		expect(eventsFor(email)).toHaveLength(1);
		expect(contact(email)).toMatchObject({ subscriptionStatus: 'trialing' });
	});
});

describe('out-of-order subscription updates', () => {
	e2e('a late, older customer.subscription.updated does not overwrite the newer state', async () => {
		const now = Math.floor(Date.now() / 1000);
		// Newer: the customer chose to cancel at period end (and that is how Stripe has it now).
		const newer = await personalEvent('customer.subscription.updated', { created: now });
		const subscription = (newer.event.data as { object: Record<string, unknown> }).object;
		// Older: rendered before that, when the subscription still renewed.
		const older = buildStripeEvent('customer.subscription.updated', {
			created: now - 60,
			objectFields: { ...subscription, cancel_at_period_end: false, cancel_at: null },
		});

		await settle(newer.delivery, 1);
		expect(contact(newer.email)).toMatchObject({ cancelAtPeriodEnd: true });
		await settle(signStripeDelivery(JSON.stringify(older), SIGNING_SECRET), 1);

		expect(contact(newer.email)).toMatchObject({ cancelAtPeriodEnd: true, subscriptionStatus: 'active' });
	});
});

describe('what the endpoint answers without an execution', () => {
	e2e('no Stripe API credential: 500 naming it', async () => {
		const { delivery } = await personalEvent('quote.accepted');
		const before = await finishedCount(environment().session, LIFECYCLE_NO_KEY_WORKFLOW_ID);

		const answer = await deliver(url(LIFECYCLE_NO_KEY_WORKFLOW_ID), delivery);

		expect(answer.status).toBe(500);
		expect(answer.json).toEqual({ error: expect.stringMatching(/^quote\.accepted needs a Stripe API credential \(stripeRestrictedKeyApi\)/) });
		// Proof of absence: a delivery that needs no lookup is the only new execution once it has finished.
		await settle((await personalEvent('customer.created')).delivery, 1, LIFECYCLE_NO_KEY_WORKFLOW_ID);
		expect(await finishedCount(environment().session, LIFECYCLE_NO_KEY_WORKFLOW_ID)).toBe(before + 1);
	});

	e2e('a deleted customer: 200 ignored with the reason', async () => {
		const { event, delivery, email } = await personalEvent('quote.finalized');
		const customer = (event.data as { object: { customer: string } }).object.customer;
		environment().stripe.deleteCustomer(customer);

		const answer = await deliver(url(), delivery);

		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ received: true, ignored: `The Stripe customer ${customer} has been deleted` });
		expect(contact(email)).toBeUndefined();
	});
});
