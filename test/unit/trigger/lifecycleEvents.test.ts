/**
 * The fifteen lifecycle events, built from Stripe's own fixtures: what each
 * reads through Stripe's API, and the item it becomes with what was read.
 */
import type { IDataObject } from 'n8n-workflow';

import { supportedStripeEvent, type FoundObjects } from '../../../nodes/StripeContactTrigger/events';
import { normalizeStripeEvent, screenStripeEvent, type Normalized } from '../../../nodes/StripeContactTrigger/normalize';
import type { StripeContactItem } from '../../../nodes/shared/StripeContactItem';
import customerFixture from '../../fixtures/stripe/customer.json';
import chargeFixture from '../../fixtures/stripe/charge.json';
import {
	buildStripeEvent,
	CHARGE_ID,
	CUSTOMER_ID,
	DEFAULT_EMAIL,
	LIFECYCLE_EVENT_TYPES,
	LOOKUP_EVENT_TYPES,
	PRICE_AMOUNT,
	PRODUCT_NAME,
	productObject,
	SEED_EVENT_TYPES,
	subscriptionObject,
	SUBSCRIPTION_ID,
	type BuildStripeEventOptions,
} from '../../fixtures/stripeEvents';
import { blankLeaves, settingsFor, withEventSettings } from './triggerSettings';

type Json = Record<string, any>;

const CREATED = 1_764_180_000; // 2025-11-26T18:00:00Z
const DAY = 86400;
const ISO = (seconds: number) => new Date(seconds * 1000).toISOString();
const ALL_TYPES = [...SEED_EVENT_TYPES, ...LIFECYCLE_EVENT_TYPES];

const settings = settingsFor({
	events: ALL_TYPES,
	eventSettings: withEventSettings(...ALL_TYPES.map((stripeEvent) => ({ stripeEvent, eventName: `on_${stripeEvent}` }))),
});
const withSubscriptionState = settingsFor({
	events: ALL_TYPES,
	eventSettings: withEventSettings(...ALL_TYPES.map((stripeEvent) => ({ stripeEvent, eventName: `on_${stripeEvent}` }))),
	options: { syncSubscriptionState: true },
});

function event(type: string, opts: BuildStripeEventOptions = {}): Json {
	return buildStripeEvent(type, { created: CREATED, ...opts }) as Json;
}

/** The customer as GET /v1/customers/:id answers. */
const customer = (fields: Json = {}): IDataObject => ({ ...customerFixture, email: DEFAULT_EMAIL, name: 'Jenny Rosen', ...fields });
/** The charge as GET /v1/charges/:id?expand[]=customer answers. */
const charge = (fields: Json = {}): IDataObject => ({
	...chargeFixture,
	amount: 2000,
	description: 'Team plan',
	billing_details: { ...chargeFixture.billing_details, email: 'Billing@Example.com', name: 'Jenny Rosen' },
	receipt_email: null,
	customer: null,
	...fields,
});
/** What the lookup reads for a subscription event: the subscription now, with customer and product expanded. */
function subscriptionFound(type: string, fields: Json = {}): FoundObjects {
	const subscription = { ...subscriptionObject(type, CREATED, { product: productObject(), customer: customer() }), ...fields };
	return { subscription, customer: subscription.customer as IDataObject };
}

/** What the lookup would read for each event type (the shape lookup.ts returns). */
function foundFor(type: string): FoundObjects {
	if (type.startsWith('customer.subscription.')) return subscriptionFound(type);
	if (type.startsWith('charge.dispute.')) return { charge: charge() };
	if (type.startsWith('quote.')) return { customer: customer() };
	return {};
}

function accepted(result: Normalized): StripeContactItem {
	if (result.outcome !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(result)}`);
	return result.item;
}

const lookupsOf = (stripeEvent: Json, using = settings) => {
	const screened = screenStripeEvent(stripeEvent, using);
	if (screened.outcome !== 'screened') throw new Error(JSON.stringify(screened));
	return screened.lookups;
};

describe('every lifecycle event becomes one clean item', () => {
	it.each(LIFECYCLE_EVENT_TYPES)('%s: email, name, event properties, nothing null or ""', (type) => {
		const stripeEvent = event(type);
		const item = accepted(normalizeStripeEvent(stripeEvent, settings, foundFor(type)));
		expect(item.stripeEventType).toBe(type);
		expect(item.action).toBe('upsert');
		expect(item.contact.email).toMatch(/^(jenny\.rosen|billing)@example\.com$/);
		expect(item.contact.firstName).toBe('Jenny');
		expect(item.event?.name).toBe(`on_${type}`);
		expect(item.event?.idempotencyKey).toBe(stripeEvent.id);
		expect(Object.keys(item.event!.properties).length).toBeGreaterThan(3);
		expect(blankLeaves(item)).toEqual([]);
		for (const [key, value] of Object.entries(item.event!.properties)) {
			expect(['string', 'number', 'boolean']).toContain(typeof value);
			if (/(At|End|Start|By|Date)$/.test(key) && typeof value !== 'boolean') expect(value).toBe(new Date(value as string).toISOString());
		}
	});

	it.each(LOOKUP_EVENT_TYPES)('%s carries no email: without what the API reads it is ignored, never guessed', (type) => {
		expect(normalizeStripeEvent(event(type), settings)).toEqual({ outcome: 'ignored', reason: 'no email on the event' });
	});
});

describe('what each event reads through Stripe API', () => {
	it('a subscription event reads its subscription (required: the email is on its customer)', () => {
		for (const type of LIFECYCLE_EVENT_TYPES.filter((t) => t.startsWith('customer.subscription.'))) {
			expect(lookupsOf(event(type))).toEqual([
				{
					resource: 'subscription',
					id: SUBSCRIPTION_ID,
					required: true,
					purpose: 'email',
					why: expect.stringContaining('carries no email'),
				},
			]);
		}
	});

	it('a dispute reads its charge; a quote its customer; a quote without a customer reads nothing', () => {
		expect(lookupsOf(event('charge.dispute.created'))).toEqual([expect.objectContaining({ resource: 'charge', id: CHARGE_ID, required: true })]);
		expect(lookupsOf(event('quote.accepted'))).toEqual([expect.objectContaining({ resource: 'customer', id: CUSTOMER_ID, required: true })]);
		const anonymous = event('quote.finalized', { objectFields: { customer: null } });
		expect(lookupsOf(anonymous)).toEqual([]);
		expect(normalizeStripeEvent(anonymous, settings)).toEqual({ outcome: 'ignored', reason: 'no email on the event' });
	});

	it('a checkout session reads its customer only when it carries no email', () => {
		expect(lookupsOf(event('checkout.session.expired'))).toEqual([]);
		expect(lookupsOf(event('checkout.session.expired', { email: null }))).toEqual([
			expect.objectContaining({ resource: 'customer', id: CUSTOMER_ID, required: true }),
		]);
		expect(lookupsOf(event('checkout.session.expired', { email: null, objectFields: { customer: null } }))).toEqual([]);
	});

	it('customer.created and .updated read the current customer only if they can (optional); customer.deleted reads nothing', () => {
		expect(lookupsOf(event('customer.updated'))).toEqual([expect.objectContaining({ resource: 'customer', id: CUSTOMER_ID, required: false })]);
		expect(lookupsOf(event('customer.created'))).toEqual([expect.objectContaining({ required: false })]);
		expect(lookupsOf(event('customer.deleted'))).toEqual([]);
	});

	it('invoices and checkouts read their subscription only when its state goes on the contact', () => {
		expect(lookupsOf(event('invoice.paid'))).toEqual([]);
		expect(lookupsOf(event('invoice.paid'), withSubscriptionState)).toEqual([
			expect.objectContaining({ resource: 'subscription', id: 'sub_1Pgc6rB7WZ01zgkWxS9fK2Lq', required: true, purpose: 'state' }),
		]);
		const perEvent = settingsFor({ eventSettings: withEventSettings({ stripeEvent: 'invoice.paid', syncSubscriptionState: true }) });
		expect(lookupsOf(event('invoice.paid'), perEvent)).toHaveLength(1);
		expect(lookupsOf(event('invoice.payment_failed'), perEvent)).toEqual([]);
		expect(lookupsOf(event('checkout.session.completed'), withSubscriptionState)).toEqual([]); // a payment-mode session
		const subscribing = event('checkout.session.completed', { objectFields: { mode: 'subscription', subscription: 'sub_new' } });
		expect(lookupsOf(subscribing, withSubscriptionState)).toEqual([expect.objectContaining({ resource: 'subscription', id: 'sub_new' })]);
	});

	it('nothing is read for an event that is not selected or of the wrong mode', () => {
		const onlyInvoices = settingsFor({ events: ['invoice.paid'] });
		expect(screenStripeEvent(event('quote.accepted'), onlyInvoices)).toEqual({
			outcome: 'ignored',
			reason: 'event type quote.accepted is not selected',
		});
		const live = settingsFor({ events: ALL_TYPES, options: { mode: 'live' } });
		expect(screenStripeEvent(event('quote.accepted'), live)).toMatchObject({ outcome: 'ignored' });
	});
});

describe('customer.subscription.*', () => {
	it('trial_will_end: the properties a trial-ending email needs, from the subscription as it is now', () => {
		const item = accepted(normalizeStripeEvent(event('customer.subscription.trial_will_end'), settings, subscriptionFound('customer.subscription.trial_will_end')));
		expect(item.contact).toEqual({ email: DEFAULT_EMAIL, firstName: 'Jenny', lastName: 'Rosen', source: 'Stripe' });
		expect(item.stripe).toEqual({ customerId: CUSTOMER_ID, objectId: SUBSCRIPTION_ID });
		expect(item.event!.properties).toEqual({
			subscriptionId: SUBSCRIPTION_ID,
			status: 'trialing',
			amount: PRICE_AMOUNT,
			currency: 'usd',
			interval: 'month',
			intervalCount: 1,
			quantity: 1,
			planName: PRODUCT_NAME,
			productName: PRODUCT_NAME,
			productId: 'prod_QXg1hqf4jFNsqG',
			priceId: 'price_1PgafmB7WZ01zgkW6dKueIc5',
			trialStart: ISO(CREATED - 11 * DAY),
			trialEnd: ISO(CREATED + 3 * DAY),
			currentPeriodStart: ISO(CREATED - 5 * DAY),
			currentPeriodEnd: ISO(CREATED + 25 * DAY),
			cancelAtPeriodEnd: false,
			latestInvoiceId: 'in_1PgaeqB7WZ01zgkWmrWl8xsy',
		});
	});

	it('deleted: when and why it ended', () => {
		const item = accepted(normalizeStripeEvent(event('customer.subscription.deleted'), settings, subscriptionFound('customer.subscription.deleted')));
		expect(item.event!.properties).toMatchObject({
			status: 'canceled',
			canceledAt: ISO(CREATED),
			endedAt: ISO(CREATED),
			cancellationReason: 'cancellation_requested',
			cancellationFeedback: 'too_expensive',
		});
	});

	it('updated: cancel at period end and when', () => {
		const item = accepted(normalizeStripeEvent(event('customer.subscription.updated'), settings, subscriptionFound('customer.subscription.updated')));
		expect(item.event!.properties).toMatchObject({ cancelAtPeriodEnd: true, cancelAt: ISO(CREATED + 25 * DAY) });
	});

	it('a late customer.subscription.updated takes the state of the subscription now, not the one it was rendered with', () => {
		const late = event('customer.subscription.updated', { created: CREATED - 3600 }); // says: active, cancel at period end
		const now = subscriptionFound('customer.subscription.deleted'); // but it has since been canceled
		const item = accepted(normalizeStripeEvent(late, withSubscriptionState, now));
		expect(item.contact.subscriptionStatus).toBe('canceled');
		expect(item.contact.cancelAtPeriodEnd).toBe(false);
		expect(item.event!.properties.status).toBe('canceled');
	});

	it('reads pre-basil subscriptions, whose period sits on the subscription itself, and names the price when the product is not expanded', () => {
		const found = subscriptionFound('customer.subscription.created');
		const old = found.subscription as Json;
		old.current_period_end = CREATED + 40 * DAY;
		old.current_period_start = CREATED - DAY;
		old.items.data[0].current_period_end = undefined;
		old.items.data[0].price = { ...old.items.data[0].price, product: 'prod_x', nickname: 'Monthly' };
		const item = accepted(normalizeStripeEvent(event('customer.subscription.created'), withSubscriptionState, found));
		expect(item.event!.properties).toMatchObject({ currentPeriodEnd: ISO(CREATED + 40 * DAY), planName: 'Monthly', productId: 'prod_x' });
		expect(item.event!.properties.productName).toBeUndefined();
		expect(item.contact.subscriptionPlan).toBe('Monthly');
	});

	it('a deleted customer: ignored, and the reason names the customer', () => {
		const found = subscriptionFound('customer.subscription.updated');
		const gone = { id: CUSTOMER_ID, object: 'customer', deleted: true };
		expect(normalizeStripeEvent(event('customer.subscription.updated'), settings, { ...found, customer: gone })).toEqual({
			outcome: 'ignored',
			reason: `no email: the Stripe customer ${CUSTOMER_ID} has been deleted`,
		});
	});
});

describe('subscription state on the contact', () => {
	const stateOf = (type: string, fields: Json = {}, using = withSubscriptionState) =>
		accepted(normalizeStripeEvent(event(type), using, subscriptionFound(type, fields))).contact;

	it('every property, typed as the Loops property it becomes', () => {
		expect(stateOf('customer.subscription.updated')).toEqual({
			email: DEFAULT_EMAIL,
			firstName: 'Jenny',
			lastName: 'Rosen',
			source: 'Stripe',
			subscriptionStatus: 'active',
			subscriptionPlan: PRODUCT_NAME,
			currentPeriodEndsAt: ISO(CREATED + 25 * DAY),
			cancelAtPeriodEnd: true,
			stripeCustomerId: CUSTOMER_ID,
			mrr: PRICE_AMOUNT,
			subscriptionCurrency: 'usd',
		});
		expect(stateOf('customer.subscription.trial_will_end')).toMatchObject({ subscriptionStatus: 'trialing', trialEndsAt: ISO(CREATED + 3 * DAY), mrr: 0 });
	});

	it('only when asked: for all events, or for this one', () => {
		expect(stateOf('customer.subscription.updated', {}, settings).subscriptionStatus).toBeUndefined();
		const perEvent = settingsFor({
			events: ALL_TYPES,
			eventSettings: withEventSettings({ stripeEvent: 'customer.subscription.updated', syncSubscriptionState: true }),
		});
		expect(stateOf('customer.subscription.updated', {}, perEvent).subscriptionStatus).toBe('active');
		expect(stateOf('customer.subscription.created', {}, perEvent).subscriptionStatus).toBeUndefined();
	});

	it('mrr: monthly, per quantity, from yearly and weekly prices; 0 once canceled; absent for a metered price', () => {
		const priced = (price: Json, quantity = 1) => {
			const found = subscriptionFound('customer.subscription.created');
			const sub = found.subscription as Json;
			sub.items.data[0] = { ...sub.items.data[0], quantity, price: { ...sub.items.data[0].price, ...price } };
			return sub;
		};
		const mrr = (sub: Json) => accepted(normalizeStripeEvent(event('customer.subscription.created'), withSubscriptionState, { subscription: sub, customer: customer() })).contact.mrr;
		expect(mrr(priced({}, 3))).toBe(3 * PRICE_AMOUNT);
		expect(mrr(priced({ unit_amount: 24000, recurring: { interval: 'year', interval_count: 1, usage_type: 'licensed' } }))).toBe(2000);
		expect(mrr(priced({ unit_amount: 1200, recurring: { interval: 'week', interval_count: 2, usage_type: 'licensed' } }))).toBe(2600);
		expect(mrr({ ...priced({}), status: 'canceled' })).toBe(0);
		expect(mrr({ ...priced({}), status: 'past_due' })).toBe(PRICE_AMOUNT);
		expect(mrr(priced({ recurring: { interval: 'month', interval_count: 1, usage_type: 'metered' } }))).toBeUndefined();
	});

	it('from an invoice or checkout of a subscription, with the subscription that was read', () => {
		const found = subscriptionFound('customer.subscription.created');
		const item = accepted(normalizeStripeEvent(event('invoice.paid'), withSubscriptionState, { subscription: found.subscription }));
		expect(item.contact).toMatchObject({ email: DEFAULT_EMAIL, subscriptionStatus: 'active', mrr: PRICE_AMOUNT, stripeCustomerId: CUSTOMER_ID });
		expect(item.event!.properties.amount).toBe(2000); // the invoice's own properties stay
	});

	it('never on an event without a subscription', () => {
		const contact = accepted(normalizeStripeEvent(event('quote.accepted'), withSubscriptionState, { customer: customer() })).contact;
		expect(Object.keys(contact).sort()).toEqual(['email', 'firstName', 'lastName', 'source']);
	});
});

describe('charge.dispute.*', () => {
	it('created: the email from the charge billing details, with what a dispute email needs', () => {
		const item = accepted(normalizeStripeEvent(event('charge.dispute.created'), settings, { charge: charge({ receipt_url: 'https://pay.stripe.com/receipts/x' }) }));
		expect(item.contact).toEqual({ email: 'billing@example.com', firstName: 'Jenny', lastName: 'Rosen', source: 'Stripe' });
		expect(item.event!.properties).toEqual({
			disputeId: 'dp_1Pgc71B7WZ01zgkWMevJiAUx',
			amount: 2000,
			currency: 'usd',
			reason: 'fraudulent',
			status: 'needs_response',
			evidenceDueBy: ISO(CREATED + 7 * DAY),
			isChargeRefundable: true,
			chargeId: CHARGE_ID,
			chargeAmount: 2000,
			chargeDescription: 'Team plan',
			receiptUrl: 'https://pay.stripe.com/receipts/x',
		});
	});

	it('closed: its outcome in status', () => {
		const item = accepted(normalizeStripeEvent(event('charge.dispute.closed'), settings, { charge: charge() }));
		expect(item.event!.properties.status).toBe('lost');
	});

	it('falls back to the receipt email, then to the customer, and takes its name from the customer', () => {
		const noBilling = { billing_details: { email: null, name: null } };
		const byReceipt = accepted(normalizeStripeEvent(event('charge.dispute.created'), settings, { charge: charge({ ...noBilling, receipt_email: 'receipt@example.com' }) }));
		expect(byReceipt.contact.email).toBe('receipt@example.com');
		const byCustomer = accepted(
			normalizeStripeEvent(event('charge.dispute.created'), settings, {
				charge: charge({ ...noBilling, customer: CUSTOMER_ID }),
				customer: customer({ email: 'jenny@example.org', name: 'Jenny Q Rosen' }),
			}),
		);
		expect(byCustomer.contact).toMatchObject({ email: 'jenny@example.org', firstName: 'Jenny', lastName: 'Q Rosen' });
		expect(byCustomer.stripe.customerId).toBe(CUSTOMER_ID);
		expect(
			normalizeStripeEvent(event('charge.dispute.created'), settings, {
				charge: charge({ ...noBilling, customer: CUSTOMER_ID }),
				customer: { id: CUSTOMER_ID, object: 'customer', deleted: true },
			}),
		).toEqual({ outcome: 'ignored', reason: `no email: the Stripe customer ${CUSTOMER_ID} has been deleted` });
	});
});

describe('quote.*', () => {
	it.each([
		['quote.finalized', { status: 'open', finalizedAt: ISO(CREATED - DAY) }],
		['quote.accepted', { status: 'accepted', acceptedAt: ISO(CREATED) }],
		['quote.canceled', { status: 'canceled', canceledAt: ISO(CREATED) }],
	])('%s: number, amount, expiry and status', (type, expected) => {
		const item = accepted(normalizeStripeEvent(event(type), settings, { customer: customer() }));
		expect(item.contact.email).toBe(DEFAULT_EMAIL);
		expect(item.stripe.customerId).toBe(CUSTOMER_ID);
		expect(item.event!.properties).toMatchObject({
			quoteId: 'qt_1Pgc79B7WZ01zgkWHyj9Adwl',
			quoteNumber: 'QT-F4C1B2A3-0001-1',
			amount: 120000,
			currency: 'usd',
			expiresAt: ISO(CREATED + 29 * DAY),
			description: 'Annual Team plan, 10 seats',
			...expected,
		});
	});
});

describe('checkout.session.* beyond completed', () => {
	it('expired: the recovery URL and expiry, the email from the session', () => {
		const item = accepted(normalizeStripeEvent(event('checkout.session.expired'), settings));
		expect(item.contact.email).toBe(DEFAULT_EMAIL);
		expect(item.event!.properties).toMatchObject({
			status: 'expired',
			paymentStatus: 'unpaid',
			expiresAt: ISO(CREATED),
			recoveryUrl: expect.stringMatching(/^https:\/\/buy\.stripe\.com\/r\//),
		});
		expect(item.event!.properties.paymentIntentId).toBeUndefined();
	});

	it('expired without an email: the customer that was read', () => {
		const item = accepted(normalizeStripeEvent(event('checkout.session.expired', { email: null, name: null }), settings, { customer: customer() }));
		expect(item.contact).toEqual({ email: DEFAULT_EMAIL, firstName: 'Jenny', lastName: 'Rosen', source: 'Stripe' });
	});

	it('async payment succeeded / failed: the payment status tells them apart', () => {
		expect(accepted(normalizeStripeEvent(event('checkout.session.async_payment_succeeded'), settings)).event!.properties.paymentStatus).toBe('paid');
		expect(accepted(normalizeStripeEvent(event('checkout.session.async_payment_failed'), settings)).event!.properties.paymentStatus).toBe('unpaid');
	});
});

describe('invoice.payment_action_required', () => {
	it('links the hosted invoice page where the customer completes the payment', () => {
		const stripeEvent = event('invoice.payment_action_required');
		const item = accepted(normalizeStripeEvent(stripeEvent, settings));
		expect(item.contact.email).toBe(DEFAULT_EMAIL);
		expect(item.event!.properties).toMatchObject({
			amount: 2000,
			currency: 'usd',
			invoiceUrl: stripeEvent.data.object.hosted_invoice_url,
			attemptCount: 1,
		});
		expect(item.event!.properties.nextPaymentAttempt).toBeUndefined();
	});
});

describe('customer.created / updated with the current customer', () => {
	it('takes the email and name of the customer now, not of the late event', () => {
		const late = event('customer.updated', { email: 'old@example.com', name: 'Old Name' });
		const item = accepted(normalizeStripeEvent(late, settings, { customer: customer({ email: 'New@Example.com', name: 'New Name' }) }));
		expect(item.contact).toMatchObject({ email: 'new@example.com', firstName: 'New', lastName: 'Name' });
	});

	it('customer.deleted keeps what the event says', () => {
		const item = accepted(normalizeStripeEvent(event('customer.deleted'), settings, {}));
		expect(item.contact.email).toBe(DEFAULT_EMAIL);
		expect(supportedStripeEvent('customer.deleted')!.lookups(event('customer.deleted').data.object, { subscriptionState: true })).toEqual([]);
	});
});
