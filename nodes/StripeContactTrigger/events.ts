import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { knownFields } from '../shared/knownFields';
import { nonBlank } from '../shared/text';
import { booleanValue, finiteNumber, idOf, isoFromUnixSeconds, objectAt, personNameIn } from './stripeFields';
import { subscriptionProperties } from './subscription';

/**
 * THE table of Stripe events this trigger understands. Everything else about an
 * event type — the node's `events` options, the per-event settings' options,
 * where normalize() looks for the email and name, what is read through
 * Stripe's API first, which properties an email can use — is read from here.
 * To support another event, add one row.
 *
 * Stripe renders each event in the endpoint's API version, so every reader is
 * defensive (stripeFields.ts): a field that is missing, null, empty or of the
 * wrong type is simply not there.
 */

/** `upsert` keeps the contact in sync; `removal` follows the `onCustomerDeleted` parameter. */
export type EventEffect = 'upsert' | 'removal';

/** What `removal` does unless the user picks otherwise. */
export const DEFAULT_REMOVAL_ACTION = 'unsubscribe';

/** The seven events a new trigger listens to (the events Loops' own integration started with). */
export const DEFAULT_EVENT_TYPES: readonly string[] = [
	'checkout.session.completed',
	'customer.created',
	'customer.updated',
	'customer.deleted',
	'invoice.paid',
	'invoice.payment_failed',
	'invoice.upcoming',
];

export type StripeResource = 'customer' | 'subscription' | 'charge';

/**
 * One object to read through Stripe's API before the event is normalized.
 * required: the event cannot become an item without it (no credential → 5xx);
 * otherwise it is read only when the credential is set (the current state).
 */
export interface Lookup {
	resource: StripeResource;
	id: string;
	required: boolean;
	/**
	 * email: the event becomes an item only with it, so an object Stripe no longer has means the
	 * event is ignored. state: it only adds the subscription state, which is left out when gone.
	 */
	purpose: 'email' | 'state';
	/** Why it is read, for the answer that names a missing credential. */
	why: string;
}

/**
 * Objects read through Stripe's API for one delivery, as they are now. A
 * subscription or charge read also brings its customer (expanded): possibly a
 * deleted stub `{ id, deleted: true }`.
 */
export interface FoundObjects {
	customer?: IDataObject;
	subscription?: IDataObject;
	charge?: IDataObject;
}

export interface LookupWishes {
	/** The subscription state goes on the contact, so the subscription must be read. */
	subscriptionState: boolean;
}

/** When the editor shows the credential notice for a selected event. */
export type StripeApiUse = 'always' | 'sometimes' | 'never';

export interface SupportedStripeEvent {
	type: string;
	displayName: string;
	description: string;
	effect: EventEffect;
	/** A suggested Loops event name (Loops' own where its templates have one); never sent on its own. */
	suggestedEventName?: string;
	/** Whether a delivery needs the Stripe API credential (to find the email or the subscription). */
	stripeApi: StripeApiUse;
	/** What to read through Stripe's API for this object. */
	lookups(object: IDataObject, wishes: LookupWishes): Lookup[];
	/** Candidate email addresses, most specific first. */
	emails(object: IDataObject, found: FoundObjects): unknown[];
	/** The person's full name, or undefined when the object only names a business. */
	personName(object: IDataObject, found: FoundObjects): unknown;
	customerId(object: IDataObject, found: FoundObjects): string | undefined;
	/** The subscription whose state can go on the contact, as current as known. */
	subscription(object: IDataObject, found: FoundObjects): IDataObject | undefined;
	/** Flat properties an email template can use: strings, numbers, booleans; dates as ISO strings. */
	properties(object: IDataObject, type: string, found: FoundObjects): IDataObject;
}

/** A looked-up customer that still exists. */
const liveCustomer = (found: FoundObjects): IDataObject | undefined =>
	found.customer !== undefined && found.customer.deleted !== true ? found.customer : undefined;

const noSubscription = (): undefined => undefined;

/** The subscription named by an invoice or session, read only when its state is wanted. */
function subscriptionLookup(id: string | undefined, wishes: LookupWishes): Lookup[] {
	return id !== undefined && wishes.subscriptionState
		? [
				{
					resource: 'subscription',
					id,
					required: true,
					purpose: 'state',
					why: 'its state goes on the contact (Sync Subscription State)',
				},
			]
		: [];
}

/** How a row reads its object: everything but its name, texts and effect. */
type EventReading = Omit<SupportedStripeEvent, 'type' | 'displayName' | 'description' | 'effect' | 'suggestedEventName' | 'stripeApi'>;

/** Rows of one kind of object, all upserting the contact. */
const upsertRow =
	(stripeApi: StripeApiUse, reading: EventReading) =>
	(type: string, displayName: string, description: string, suggestedEventName: string): SupportedStripeEvent => ({
		type,
		displayName,
		description,
		effect: 'upsert',
		suggestedEventName,
		stripeApi,
		...reading,
	});

// ── customer.* ───────────────────────────────────────────────────────────────

const customerRow = (
	type: string,
	displayName: string,
	description: string,
	effect: EventEffect,
	suggestedEventName?: string,
): SupportedStripeEvent => {
	// A deleted customer is gone: the event itself is all there is. Otherwise, with
	// the credential, the customer as it is now, so a late update changes nothing.
	const current = (customer: IDataObject, found: FoundObjects) =>
		effect === 'upsert' ? (liveCustomer(found) ?? customer) : customer;
	return {
		type,
		displayName,
		description,
		effect,
		suggestedEventName,
		stripeApi: 'never',
		lookups: (customer) => {
			const id = nonBlank(customer.id);
			return effect === 'upsert' && id !== undefined
				? [{ resource: 'customer', id, required: false, purpose: 'email', why: 'the current customer' }]
				: [];
		},
		emails: (customer, found) => [current(customer, found).email],
		personName: (customer, found) => personNameIn(current(customer, found)),
		customerId: (customer) => nonBlank(customer.id),
		subscription: noSubscription,
		properties: () => ({}),
	};
};

// ── checkout.session.* ───────────────────────────────────────────────────────

const sessionEmails = (session: IDataObject): unknown[] => [objectAt(session, 'customer_details').email, session.customer_email];

const hasText = (values: unknown[]) => values.some((value) => nonBlank(value) !== undefined);

function checkoutProperties(session: IDataObject, type: string): IDataObject {
	const recovery = objectAt(objectAt(session, 'after_expiration'), 'recovery');
	return knownFields({
		amount: finiteNumber(session.amount_total),
		amountSubtotal: finiteNumber(session.amount_subtotal),
		currency: nonBlank(session.currency),
		mode: nonBlank(session.mode),
		status: nonBlank(session.status),
		paymentStatus: nonBlank(session.payment_status),
		sessionId: nonBlank(session.id),
		clientReferenceId: nonBlank(session.client_reference_id),
		subscriptionId: idOf(session.subscription),
		invoiceId: idOf(session.invoice),
		paymentIntentId: idOf(session.payment_intent),
		paymentLinkId: idOf(session.payment_link),
		...(type === 'checkout.session.expired'
			? { expiresAt: isoFromUnixSeconds(session.expires_at), recoveryUrl: nonBlank(recovery.url) }
			: {}),
	});
}

const checkoutReading: EventReading = {
	// A session without an email (an expired one, before the customer typed it) may still name its customer.
	lookups: (session, wishes) => {
		const customer = idOf(session.customer);
		const forEmail: Lookup[] =
			!hasText(sessionEmails(session)) && customer !== undefined
				? [{ resource: 'customer', id: customer, required: true, purpose: 'email', why: 'the session carries no email' }]
				: [];
		return [...forEmail, ...subscriptionLookup(idOf(session.subscription), wishes)];
	},
	emails: (session, found) => [...sessionEmails(session), liveCustomer(found)?.email],
	personName: (session, found) =>
		personNameIn(session.customer_details) ?? personNameIn(liveCustomer(found)),
	customerId: (session) => idOf(session.customer),
	subscription: (_session, found) => found.subscription,
	properties: (session, eventType) => checkoutProperties(session, eventType),
};

const checkoutRow = (
	type: string,
	displayName: string,
	description: string,
	suggestedEventName: string,
	stripeApi: StripeApiUse,
): SupportedStripeEvent => upsertRow(stripeApi, checkoutReading)(type, displayName, description, suggestedEventName);

// ── invoice.* ────────────────────────────────────────────────────────────────

/** Pre-basil API versions carry `subscription` on the invoice; newer ones under `parent`. */
function invoiceSubscription(invoice: IDataObject): string | undefined {
	const details = objectAt(invoice.parent, 'subscription_details');
	return idOf(invoice.subscription) ?? idOf(details.subscription);
}

function invoiceProperties(invoice: IDataObject, type: string): IDataObject {
	return knownFields({
		amount: finiteNumber(type === 'invoice.paid' ? invoice.amount_paid : invoice.amount_due),
		amountDue: finiteNumber(invoice.amount_due),
		amountPaid: finiteNumber(invoice.amount_paid),
		amountRemaining: finiteNumber(invoice.amount_remaining),
		currency: nonBlank(invoice.currency),
		invoiceId: nonBlank(invoice.id),
		invoiceNumber: nonBlank(invoice.number),
		invoiceUrl: nonBlank(invoice.hosted_invoice_url),
		invoicePdf: nonBlank(invoice.invoice_pdf),
		invoiceStatus: nonBlank(invoice.status),
		billingReason: nonBlank(invoice.billing_reason),
		attemptCount: finiteNumber(invoice.attempt_count),
		nextPaymentAttempt: isoFromUnixSeconds(invoice.next_payment_attempt),
		dueDate: isoFromUnixSeconds(invoice.due_date),
		periodStart: isoFromUnixSeconds(invoice.period_start),
		periodEnd: isoFromUnixSeconds(invoice.period_end),
		subscriptionId: invoiceSubscription(invoice),
	});
}

const invoiceRow = upsertRow('never', {
	lookups: (invoice, wishes) => subscriptionLookup(invoiceSubscription(invoice), wishes),
	emails: (invoice) => [invoice.customer_email],
	personName: (invoice) => nonBlank(invoice.customer_name),
	customerId: (invoice) => idOf(invoice.customer),
	subscription: (_invoice, found) => found.subscription,
	properties: invoiceProperties,
});

// ── customer.subscription.* ──────────────────────────────────────────────────

/** The subscription as it is now when it was read, else as the event rendered it. */
const currentSubscription = (subscription: IDataObject, found: FoundObjects): IDataObject =>
	found.subscription ?? subscription;

const subscriptionRow = upsertRow('always', {
	// A subscription names only its customer: the email needs the API. Reading the
	// subscription itself (with its customer expanded) also gives its current state.
	lookups: (subscription) => {
		const id = nonBlank(subscription.id);
		return id === undefined
			? []
			: [
					{
						resource: 'subscription',
						id,
						required: true,
						purpose: 'email',
						why: 'a subscription carries no email, only its customer',
					},
				];
	},
	emails: (_subscription, found) => [liveCustomer(found)?.email],
	personName: (_subscription, found) => personNameIn(liveCustomer(found)),
	customerId: (subscription, found) => idOf(currentSubscription(subscription, found).customer),
	subscription: currentSubscription,
	properties: (subscription, _type, found) => subscriptionProperties(currentSubscription(subscription, found)),
});

// ── charge.dispute.* ─────────────────────────────────────────────────────────

function disputeProperties(dispute: IDataObject, found: FoundObjects): IDataObject {
	const evidence = objectAt(dispute, 'evidence_details');
	const charge = found.charge ?? {};
	return knownFields({
		disputeId: nonBlank(dispute.id),
		amount: finiteNumber(dispute.amount),
		currency: nonBlank(dispute.currency),
		reason: nonBlank(dispute.reason),
		status: nonBlank(dispute.status),
		evidenceDueBy: isoFromUnixSeconds(evidence.due_by),
		isChargeRefundable: booleanValue(dispute.is_charge_refundable),
		chargeId: idOf(dispute.charge),
		paymentIntentId: idOf(dispute.payment_intent),
		chargeAmount: finiteNumber(charge.amount),
		chargeDescription: nonBlank(charge.description),
		receiptUrl: nonBlank(charge.receipt_url),
	});
}

const disputeRow = upsertRow('always', {
	lookups: (dispute) => {
		const charge = idOf(dispute.charge);
		return charge === undefined
			? []
			: [{ resource: 'charge', id: charge, required: true, purpose: 'email', why: 'a dispute carries no email, only its charge' }];
	},
	emails: (_dispute, found) => {
		const charge = found.charge ?? {};
		return [objectAt(charge, 'billing_details').email, charge.receipt_email, liveCustomer(found)?.email];
	},
	personName: (_dispute, found) =>
		nonBlank(objectAt(found.charge, 'billing_details').name) ?? personNameIn(liveCustomer(found)),
	customerId: (_dispute, found) => idOf(found.charge?.customer),
	subscription: noSubscription,
	properties: (dispute, _type, found) => disputeProperties(dispute, found),
});

// ── quote.* ──────────────────────────────────────────────────────────────────

function quoteProperties(quote: IDataObject): IDataObject {
	const transitions = objectAt(quote, 'status_transitions');
	return knownFields({
		quoteId: nonBlank(quote.id),
		quoteNumber: nonBlank(quote.number),
		amount: finiteNumber(quote.amount_total),
		amountSubtotal: finiteNumber(quote.amount_subtotal),
		currency: nonBlank(quote.currency),
		status: nonBlank(quote.status),
		description: nonBlank(quote.description),
		expiresAt: isoFromUnixSeconds(quote.expires_at),
		finalizedAt: isoFromUnixSeconds(transitions.finalized_at),
		acceptedAt: isoFromUnixSeconds(transitions.accepted_at),
		canceledAt: isoFromUnixSeconds(transitions.canceled_at),
		invoiceId: idOf(quote.invoice),
		subscriptionId: idOf(quote.subscription),
	});
}

const quoteRow = upsertRow('always', {
	lookups: (quote) => {
		const customer = idOf(quote.customer);
		return customer === undefined
			? []
			: [{ resource: 'customer', id: customer, required: true, purpose: 'email', why: 'a quote carries no email, only its customer' }];
	},
	emails: (_quote, found) => [liveCustomer(found)?.email],
	personName: (_quote, found) => personNameIn(liveCustomer(found)),
	customerId: (quote) => idOf(quote.customer),
	subscription: noSubscription,
	properties: quoteProperties,
});

export const SUPPORTED_STRIPE_EVENTS: readonly SupportedStripeEvent[] = [
	// Checkout collects an email before payment: only an expired session may lack one.
	checkoutRow(
		'checkout.session.completed',
		'Checkout Session Completed',
		'A customer completed Stripe Checkout',
		'stripeCheckout',
		'never',
	),
	checkoutRow(
		'checkout.session.async_payment_succeeded',
		'Checkout Async Payment Succeeded',
		'A delayed payment (bank debit, transfer) from Checkout succeeded',
		'checkoutPaymentSucceeded',
		'never',
	),
	checkoutRow(
		'checkout.session.async_payment_failed',
		'Checkout Async Payment Failed',
		'A delayed payment (bank debit, transfer) from Checkout failed',
		'checkoutPaymentFailed',
		'never',
	),
	checkoutRow(
		'checkout.session.expired',
		'Checkout Session Expired',
		'A Checkout session expired unpaid (abandoned checkout); carries a recovery URL when recovery is on',
		'checkoutExpired',
		'sometimes',
	),
	customerRow('customer.created', 'Customer Created', 'A customer was created in Stripe', 'upsert', 'newStripeCustomer'),
	customerRow('customer.updated', 'Customer Updated', 'A customer was updated in Stripe', 'upsert'),
	customerRow(
		'customer.deleted',
		'Customer Deleted',
		'A customer was deleted in Stripe; unsubscribes or deletes the contact (see "On Customer Deleted")',
		'removal',
	),
	subscriptionRow('customer.subscription.created', 'Subscription Created', 'A customer started a subscription', 'subscriptionCreated'),
	subscriptionRow(
		'customer.subscription.updated',
		'Subscription Updated',
		'A subscription changed (plan, quantity, status, cancel at period end …)',
		'subscriptionUpdated',
	),
	subscriptionRow('customer.subscription.paused', 'Subscription Paused', 'A subscription was paused', 'subscriptionPaused'),
	subscriptionRow('customer.subscription.resumed', 'Subscription Resumed', 'A paused subscription was resumed', 'subscriptionResumed'),
	subscriptionRow(
		'customer.subscription.trial_will_end',
		'Subscription Trial Will End',
		'A trial ends in three days (or now, when ended early)',
		'trialEnding',
	),
	subscriptionRow(
		'customer.subscription.deleted',
		'Subscription Deleted',
		'A subscription ended (canceled); the contact is kept',
		'subscriptionCanceled',
	),
	invoiceRow('invoice.paid', 'Invoice Paid', 'An invoice was paid', 'successfulPayment'),
	invoiceRow('invoice.payment_failed', 'Invoice Payment Failed', 'A payment attempt for an invoice failed', 'failedPayment'),
	invoiceRow(
		'invoice.payment_action_required',
		'Invoice Payment Action Required',
		'A payment needs the customer to act (e.g. 3D Secure) on the hosted invoice page',
		'paymentActionRequired',
	),
	invoiceRow(
		'invoice.upcoming',
		'Invoice Upcoming',
		'An invoice will be created soon (days before renewal); it has no invoice ID yet',
		'upcomingInvoice',
	),
	disputeRow('charge.dispute.created', 'Dispute Created', 'A customer disputed a charge', 'disputeCreated'),
	disputeRow('charge.dispute.closed', 'Dispute Closed', 'A dispute was won, lost or accepted (see status)', 'disputeClosed'),
	quoteRow('quote.finalized', 'Quote Finalized', 'A quote was finalized and can be sent to the customer', 'quoteFinalized'),
	quoteRow('quote.accepted', 'Quote Accepted', 'A customer accepted a quote', 'quoteAccepted'),
	quoteRow('quote.canceled', 'Quote Canceled', 'A quote was canceled', 'quoteCanceled'),
];

const BY_TYPE: ReadonlyMap<string, SupportedStripeEvent> = new Map(
	SUPPORTED_STRIPE_EVENTS.map((row) => [row.type, row]),
);

export function supportedStripeEvent(type: string): SupportedStripeEvent | undefined {
	return BY_TYPE.get(type);
}

export const SUPPORTED_EVENT_TYPES: readonly string[] = SUPPORTED_STRIPE_EVENTS.map((row) => row.type);

/**
 * Options for the `events` and `eventSettings.stripeEvent` parameters, sorted by name as n8n expects.
 * Each description opens with the event type, the id Stripe's dashboard lists.
 */
export function stripeEventOptions(): INodePropertyOptions[] {
	return SUPPORTED_STRIPE_EVENTS.map((row) => ({
		name: row.displayName,
		value: row.type,
		description: row.suggestedEventName
			? `${row.type}: ${row.description}. Suggested event name: ${row.suggestedEventName}.`
			: `${row.type}: ${row.description}.`,
	})).sort((a, b) => a.name.localeCompare(b.name));
}

/** Events whose deliveries need (always or sometimes) the Stripe API credential: the editor's notice shows for them. */
export const STRIPE_API_EVENT_TYPES: readonly string[] = SUPPORTED_STRIPE_EVENTS.filter(
	(row) => row.stripeApi !== 'never',
).map((row) => row.type);
