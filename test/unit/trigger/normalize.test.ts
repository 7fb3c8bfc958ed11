import type { IDataObject } from 'n8n-workflow';

import { normalizeEmail, normalizeStripeEvent, splitName } from '../../../nodes/StripeContactTrigger/normalize';
import type { Normalized } from '../../../nodes/StripeContactTrigger/normalize';
import type { StripeContactItem } from '../../../nodes/shared/StripeContactItem';
import {
	buildStripeEvent,
	CUSTOMER_ID,
	DEFAULT_EMAIL,
	SEED_EVENT_TYPES,
	type BuildStripeEventOptions,
} from '../../fixtures/stripeEvents';
import { blankLeaves, settingsFor, withEventSettings } from './triggerSettings';

type Json = Record<string, any>;

const CREATED = 1_764_180_000; // 2025-11-26T18:00:00Z
const ISO = (seconds: number) => new Date(seconds * 1000).toISOString();

function accepted(result: Normalized): StripeContactItem {
	if (result.outcome !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(result)}`);
	return result.item;
}

function event(type: string, opts: BuildStripeEventOptions = {}): Json {
	return buildStripeEvent(type, { created: CREATED, ...opts }) as Json;
}

/** Every event name configured, so properties are computed too. */
const allEventNames = settingsFor({
	eventSettings: withEventSettings(
		...SEED_EVENT_TYPES.map((stripeEvent) => ({ stripeEvent, eventName: `on_${stripeEvent}` })),
	),
});

describe('normalizeStripeEvent: one clean item per seed event', () => {
	it.each(SEED_EVENT_TYPES)('%s becomes an item with the email, split name and no null or "" anywhere', (type) => {
		const stripeEvent = event(type);
		const item = accepted(normalizeStripeEvent(stripeEvent, allEventNames));
		expect(item.stripeEventId).toBe(stripeEvent.id);
		expect(item.stripeEventType).toBe(type);
		expect(item.livemode).toBe(false);
		expect(item.occurredAt).toBe(ISO(CREATED));
		expect(item.contact).toEqual({ email: DEFAULT_EMAIL, firstName: 'Jenny', lastName: 'Rosen', source: 'Stripe' });
		expect(item.event?.name).toBe(`on_${type}`);
		expect(item.event?.idempotencyKey).toBe(stripeEvent.id);
		expect(item.stripe.customerId).toBe(CUSTOMER_ID);
		expect(item.stripe.object).toBeUndefined();
		expect(blankLeaves(item)).toEqual([]);
	});

	it('customer.created: the whole item, exactly', () => {
		const stripeEvent = event('customer.created', { id: 'evt_1QcustomerCreated000000001' });
		const settings = settingsFor({
			eventSettings: withEventSettings({
				stripeEvent: 'customer.created',
				eventName: 'newStripeCustomer',
				userGroup: 'customers',
				mailingLists: 'cm06f5v0e45nf0ml5754o9cix, cm06f5v0e45nf0ml5754o9ciy',
			}),
		});
		expect(accepted(normalizeStripeEvent(stripeEvent, settings))).toEqual({
			stripeEventId: 'evt_1QcustomerCreated000000001',
			stripeEventType: 'customer.created',
			livemode: false,
			occurredAt: '2025-11-26T18:00:00.000Z',
			action: 'upsert',
			contact: {
				email: 'jenny.rosen@example.com',
				firstName: 'Jenny',
				lastName: 'Rosen',
				userGroup: 'customers',
				mailingLists: { cm06f5v0e45nf0ml5754o9cix: true, cm06f5v0e45nf0ml5754o9ciy: true },
				source: 'Stripe',
			},
			event: { name: 'newStripeCustomer', properties: {}, idempotencyKey: 'evt_1QcustomerCreated000000001' },
			stripe: { customerId: CUSTOMER_ID, objectId: CUSTOMER_ID },
		});
	});

	it('customer.updated upserts', () => {
		expect(accepted(normalizeStripeEvent(event('customer.updated'), settingsFor())).action).toBe('upsert');
	});

	it('customer.deleted unsubscribes by default and still carries the email', () => {
		const item = accepted(normalizeStripeEvent(event('customer.deleted'), settingsFor()));
		expect(item.action).toBe('unsubscribe');
		expect(item.contact.email).toBe(DEFAULT_EMAIL);
	});

	it('customer.deleted deletes when chosen', () => {
		const item = accepted(normalizeStripeEvent(event('customer.deleted'), settingsFor({ onCustomerDeleted: 'delete' })));
		expect(item.action).toBe('delete');
		expect(item.contact.email).toBe(DEFAULT_EMAIL);
	});

	it('onCustomerDeleted does not touch other events', () => {
		const settings = settingsFor({ onCustomerDeleted: 'delete' });
		for (const type of SEED_EVENT_TYPES.filter((t) => t !== 'customer.deleted')) {
			expect(accepted(normalizeStripeEvent(event(type), settings)).action).toBe('upsert');
		}
	});

	it('checkout.session.completed: email and name from customer_details, checkout properties', () => {
		const stripeEvent = event('checkout.session.completed');
		const item = accepted(normalizeStripeEvent(stripeEvent, allEventNames));
		expect(item.stripe.objectId).toBe(stripeEvent.data.object.id);
		expect(item.event?.properties).toEqual({
			amount: 2000,
			amountSubtotal: 2000,
			currency: 'usd',
			status: 'complete',
			paymentIntentId: 'pi_1PgafyB7WZ01zgkWSjxsAJo3',
			mode: 'payment',
			paymentStatus: 'paid',
			sessionId: stripeEvent.data.object.id,
			clientReferenceId: 'order_42',
		});
	});

	it('checkout.session.completed: subscription and invoice ids when the session created them (also expanded)', () => {
		const stripeEvent = event('checkout.session.completed');
		Object.assign(stripeEvent.data.object, {
			mode: 'subscription',
			subscription: 'sub_1QabcDEF',
			invoice: { id: 'in_1QabcDEF', object: 'invoice' },
			customer: { id: 'cus_expanded', object: 'customer' },
		});
		const item = accepted(normalizeStripeEvent(stripeEvent, allEventNames));
		expect(item.event?.properties).toMatchObject({ mode: 'subscription', subscriptionId: 'sub_1QabcDEF', invoiceId: 'in_1QabcDEF' });
		expect(item.stripe.customerId).toBe('cus_expanded');
	});

	it('checkout.session.completed falls back to customer_email when customer_details has none', () => {
		const stripeEvent = event('checkout.session.completed', { email: null });
		stripeEvent.data.object.customer_email = 'Fallback@Example.com';
		expect(accepted(normalizeStripeEvent(stripeEvent, settingsFor())).contact.email).toBe('fallback@example.com');
	});

	it('checkout.session.completed falls back to customer_email when customer_details is null (guest, older versions)', () => {
		const stripeEvent = event('checkout.session.completed');
		stripeEvent.data.object.customer_details = null;
		stripeEvent.data.object.customer_email = 'guest@example.com';
		stripeEvent.data.object.customer = null;
		const item = accepted(normalizeStripeEvent(stripeEvent, settingsFor()));
		expect(item.contact).toEqual({ email: 'guest@example.com', source: 'Stripe' });
		expect(item.stripe.customerId).toBeUndefined();
	});

	it('checkout.session.completed skips an unusable customer_details.email for a valid customer_email', () => {
		const stripeEvent = event('checkout.session.completed', { email: 'not-an-email' });
		stripeEvent.data.object.customer_email = 'jenny@example.com';
		expect(accepted(normalizeStripeEvent(stripeEvent, settingsFor())).contact.email).toBe('jenny@example.com');
	});

	it('invoice.paid: amount is what was paid, with the invoice links and period', () => {
		const stripeEvent = event('invoice.paid');
		const invoice = stripeEvent.data.object;
		const item = accepted(normalizeStripeEvent(stripeEvent, allEventNames));
		expect(item.stripe.objectId).toBe(invoice.id);
		expect(item.event?.properties).toEqual({
			amount: 2000,
			amountDue: 2000,
			amountPaid: 2000,
			amountRemaining: 0,
			currency: 'usd',
			invoiceId: invoice.id,
			invoiceNumber: 'F4C1B2A3-0001',
			invoiceUrl: invoice.hosted_invoice_url,
			invoicePdf: invoice.invoice_pdf,
			invoiceStatus: 'paid',
			billingReason: 'subscription_cycle',
			attemptCount: 1,
			periodStart: ISO(CREATED - 30 * 86400),
			periodEnd: ISO(CREATED),
			subscriptionId: 'sub_1Pgc6rB7WZ01zgkWxS9fK2Lq',
		});
	});

	it('an invoice sent for manual payment carries its due date', () => {
		const stripeEvent = event('invoice.payment_failed');
		stripeEvent.data.object.collection_method = 'send_invoice';
		stripeEvent.data.object.due_date = CREATED + 14 * 86400;
		const item = accepted(normalizeStripeEvent(stripeEvent, allEventNames));
		expect(item.event?.properties.dueDate).toBe(ISO(CREATED + 14 * 86400));
	});

	it('invoice.payment_failed: amount is what is due, with the next attempt', () => {
		const item = accepted(normalizeStripeEvent(event('invoice.payment_failed'), allEventNames));
		expect(item.event?.properties).toMatchObject({
			amount: 2000,
			amountPaid: 0,
			attemptCount: 1,
			nextPaymentAttempt: ISO(CREATED + 3 * 86400),
			invoiceStatus: 'open',
		});
	});

	it('invoice.upcoming has no invoice id, number or page: they are absent, the rest is there', () => {
		const stripeEvent = event('invoice.upcoming');
		expect(stripeEvent.data.object.id).toBeUndefined();
		const item = accepted(normalizeStripeEvent(stripeEvent, allEventNames));
		expect(item.stripe).toEqual({ customerId: CUSTOMER_ID });
		const properties = item.event?.properties as IDataObject;
		for (const absent of ['invoiceId', 'invoiceNumber', 'invoiceUrl', 'invoicePdf']) {
			expect(properties).not.toHaveProperty(absent);
		}
		expect(properties).toMatchObject({ amount: 2000, currency: 'usd', periodEnd: ISO(CREATED) });
	});

	it('invoices of pre-basil API versions carry the subscription on the invoice itself', () => {
		const stripeEvent = event('invoice.paid');
		delete stripeEvent.data.object.parent;
		stripeEvent.data.object.subscription = 'sub_legacy';
		expect(accepted(normalizeStripeEvent(stripeEvent, allEventNames)).event?.properties.subscriptionId).toBe('sub_legacy');
	});
});

describe('normalizeStripeEvent: names', () => {
	const firstAndLast = (type: string, name: string | null, settings = settingsFor()) => {
		const { firstName, lastName } = accepted(normalizeStripeEvent(event(type, { name }), settings)).contact;
		return { firstName, lastName };
	};

	it.each(SEED_EVENT_TYPES)('%s: a one-word name is a first name only', (type) => {
		const contact = accepted(normalizeStripeEvent(event(type, { name: 'Cher' }), settingsFor())).contact;
		expect(contact.firstName).toBe('Cher');
		expect(contact).not.toHaveProperty('lastName');
	});

	it.each(SEED_EVENT_TYPES)('%s: an empty, blank or null name sets no name at all', (type) => {
		for (const name of ['', '   ', null]) {
			const contact = accepted(normalizeStripeEvent(event(type, { name }), settingsFor())).contact;
			expect(contact).not.toHaveProperty('firstName');
			expect(contact).not.toHaveProperty('lastName');
		}
	});

	it('splits on the first word and keeps the rest together, whatever the spacing', () => {
		expect(firstAndLast('customer.created', '  Jenny   van  Rosen ')).toEqual({ firstName: 'Jenny', lastName: 'van Rosen' });
		expect(firstAndLast('invoice.paid', 'María José García')).toEqual({ firstName: 'María', lastName: 'José García' });
	});

	it('syncs no names for an event configured with Sync Names off', () => {
		const settings = settingsFor({ eventSettings: withEventSettings({ stripeEvent: 'invoice.paid', syncNames: false }) });
		expect(firstAndLast('invoice.paid', 'Jenny Rosen', settings)).toEqual({ firstName: undefined, lastName: undefined });
		expect(firstAndLast('customer.created', 'Jenny Rosen', settings)).toEqual({ firstName: 'Jenny', lastName: 'Rosen' });
	});

	it('customer: individual_name (newer API versions) is the person', () => {
		const stripeEvent = event('customer.created', { name: 'Acme Inc' });
		Object.assign(stripeEvent.data.object, { individual_name: 'Jenny Rosen', business_name: 'Acme Inc' });
		expect(accepted(normalizeStripeEvent(stripeEvent, settingsFor())).contact).toMatchObject({ firstName: 'Jenny', lastName: 'Rosen' });
	});

	it('customer: a name that is the business_name is not split into a person', () => {
		const stripeEvent = event('customer.created', { name: 'Acme Inc' });
		Object.assign(stripeEvent.data.object, { individual_name: null, business_name: 'Acme Inc' });
		const contact = accepted(normalizeStripeEvent(stripeEvent, settingsFor())).contact;
		expect(contact).not.toHaveProperty('firstName');
		expect(contact).not.toHaveProperty('lastName');
	});

	it('checkout: customer_details.individual_name wins over a business name', () => {
		const stripeEvent = event('checkout.session.completed', { name: 'Acme Inc' });
		Object.assign(stripeEvent.data.object.customer_details, { individual_name: 'Jenny Rosen', business_name: 'Acme Inc' });
		expect(accepted(normalizeStripeEvent(stripeEvent, settingsFor())).contact).toMatchObject({ firstName: 'Jenny', lastName: 'Rosen' });
	});

	it('splitName ignores what is not a string', () => {
		expect(splitName(42)).toEqual({});
		expect(splitName({ first: 'Jenny' })).toEqual({});
	});
});

describe('normalizeStripeEvent: emails', () => {
	it.each([
		['  Jenny.Rosen@Example.COM  ', 'jenny.rosen@example.com'],
		['JENNY+stripe@EXAMPLE.co.uk', 'jenny+stripe@example.co.uk'],
		["o'brien@example.ie", "o'brien@example.ie"],
		['jörg@müller.de', 'jörg@müller.de'],
		['\tjenny@example.com\n', 'jenny@example.com'],
	])('%j is used as %j', (raw, expected) => {
		expect(normalizeEmail(raw)).toBe(expected);
		const item = accepted(normalizeStripeEvent(event('customer.created', { email: raw }), settingsFor()));
		expect(item.contact.email).toBe(expected);
	});

	it.each([
		'jenny',
		'jenny@',
		'@example.com',
		'jenny@example',
		'jenny@@example.com',
		'jenny rosen@example.com',
		'jenny@exa mple.com',
		'jenny@example.c',
		'jenny@example.com.',
		'jenny@.example.com',
		'jenny@example..com',
		'.jenny@example.com',
		'jenny.@example.com',
		'jen..ny@example.com',
		'"jenny"@example.com',
		'<jenny@example.com>',
		'Jenny Rosen <jenny@example.com>',
		'jenny@example.com, other@example.com',
		`${'a'.repeat(250)}@example.com`,
	])('%j is not a usable address: ignored, no execution', (raw) => {
		expect(normalizeEmail(raw)).toBeUndefined();
		for (const type of ['customer.created', 'invoice.paid', 'checkout.session.completed']) {
			expect(normalizeStripeEvent(event(type, { email: raw }), settingsFor())).toEqual({
				outcome: 'ignored',
				reason: 'email is not a valid address',
			});
		}
	});

	it.each(SEED_EVENT_TYPES)('%s without an email is ignored', (type) => {
		for (const email of [null, '', '   ']) {
			expect(normalizeStripeEvent(event(type, { email }), settingsFor())).toEqual({
				outcome: 'ignored',
				reason: 'no email on the event',
			});
		}
	});

	it('an email that is not a string is no email', () => {
		const stripeEvent = event('customer.created');
		stripeEvent.data.object.email = { address: 'jenny@example.com' };
		expect(normalizeStripeEvent(stripeEvent, settingsFor())).toEqual({ outcome: 'ignored', reason: 'no email on the event' });
	});
});

describe('normalizeStripeEvent: filters', () => {
	it('ignores event types the trigger does not support', () => {
		expect(normalizeStripeEvent(event('charge.succeeded'), settingsFor())).toEqual({
			outcome: 'ignored',
			reason: 'unsupported event type charge.succeeded',
		});
	});

	it('ignores supported event types that are not selected', () => {
		const settings = settingsFor({ events: ['invoice.paid'] });
		expect(normalizeStripeEvent(event('customer.created'), settings)).toEqual({
			outcome: 'ignored',
			reason: 'event type customer.created is not selected',
		});
		expect(normalizeStripeEvent(event('invoice.paid'), settings).outcome).toBe('accepted');
	});

	it('ignores everything when no event is selected', () => {
		expect(normalizeStripeEvent(event('invoice.paid'), settingsFor({ events: [] })).outcome).toBe('ignored');
	});

	it('filters live and test mode', () => {
		const live = event('invoice.paid', { livemode: true });
		const test = event('invoice.paid', { livemode: false });
		const liveOnly = settingsFor({ options: { mode: 'live' } });
		const testOnly = settingsFor({ options: { mode: 'test' } });
		expect(normalizeStripeEvent(test, liveOnly)).toEqual({ outcome: 'ignored', reason: 'test event, trigger accepts live events only' });
		expect(normalizeStripeEvent(live, testOnly)).toEqual({ outcome: 'ignored', reason: 'live event, trigger accepts test events only' });
		expect(accepted(normalizeStripeEvent(live, liveOnly)).livemode).toBe(true);
		expect(accepted(normalizeStripeEvent(test, testOnly)).livemode).toBe(false);
		expect(normalizeStripeEvent(live, settingsFor()).outcome).toBe('accepted');
	});
});

describe('normalizeStripeEvent: per-event settings and options', () => {
	it('sends no event for a Stripe event without an event name', () => {
		const settings = settingsFor({ eventSettings: withEventSettings({ stripeEvent: 'invoice.paid', userGroup: 'paying' }) });
		const item = accepted(normalizeStripeEvent(event('invoice.paid'), settings));
		expect(item).not.toHaveProperty('event');
		expect(item.contact.userGroup).toBe('paying');
	});

	it('applies an entry only to its own Stripe event', () => {
		const settings = settingsFor({
			eventSettings: withEventSettings({ stripeEvent: 'invoice.paid', eventName: 'successfulPayment', mailingLists: 'cmA' }),
		});
		const other = accepted(normalizeStripeEvent(event('invoice.payment_failed'), settings));
		expect(other).not.toHaveProperty('event');
		expect(other.contact).not.toHaveProperty('mailingLists');
		const own = accepted(normalizeStripeEvent(event('invoice.paid'), settings));
		expect(own.event?.name).toBe('successfulPayment');
		expect(own.contact.mailingLists).toEqual({ cmA: true });
	});

	it('gives every item its own mailingLists object', () => {
		const settings = settingsFor({ eventSettings: withEventSettings({ stripeEvent: 'invoice.paid', mailingLists: 'cmA' }) });
		const first = accepted(normalizeStripeEvent(event('invoice.paid'), settings));
		first.contact.mailingLists!.cmB = true;
		expect(accepted(normalizeStripeEvent(event('invoice.paid'), settings)).contact.mailingLists).toEqual({ cmA: true });
	});

	it('includes the raw Stripe object only when asked', () => {
		const stripeEvent = event('invoice.paid');
		const item = accepted(normalizeStripeEvent(stripeEvent, settingsFor({ options: { includeStripeObject: true } })));
		expect(item.stripe.object).toEqual(stripeEvent.data.object);
	});
});

describe('normalizeStripeEvent: authentic bytes that are not a Stripe event', () => {
	const valid = () => event('invoice.paid');
	it.each([
		['an empty object', {}, 'object is not "event"'],
		['an array', [], 'expected a JSON object'],
		['a string', 'invoice.paid', 'expected a JSON object'],
		['null', null, 'expected a JSON object'],
		['no id', { ...valid(), id: undefined }, 'missing id'],
		['an empty id', { ...valid(), id: '' }, 'missing id'],
		['no type', { ...valid(), type: undefined }, 'missing type'],
		['no created', { ...valid(), created: '2025-11-26' }, 'missing created'],
		['no livemode', { ...valid(), livemode: 'false' }, 'missing livemode'],
		['no data', { ...valid(), data: undefined }, 'missing data.object'],
		['a data.object that is a list', { ...valid(), data: { object: [] } }, 'missing data.object'],
		['another Stripe object', { ...valid(), object: 'invoice' }, 'object is not "event"'],
		[
			'a thin v2 event notification',
			{ id: 'evt_test_65R', object: 'v2.core.event', type: 'v1.billing.meter.error_report_triggered', livemode: false, created: '2025-11-26T18:00:00.000Z' },
			'object is not "event"',
		],
	])('%s is invalid', (_label, body, reason) => {
		expect(normalizeStripeEvent(body, settingsFor())).toEqual({ outcome: 'invalid', reason: `not a Stripe event: ${reason}` });
	});
});
