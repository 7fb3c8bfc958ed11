import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

import { isObject } from '../shared/isObject';
import { knownFields } from '../shared/knownFields';
import { nonBlank } from '../shared/text';

/**
 * THE table of Stripe events this trigger understands. Everything else about an
 * event type — the node's `events` options, the per-event settings' options,
 * where normalize() looks for the email and name, which properties an email can
 * use — is read from here. To support another event, add one row.
 *
 * Stripe renders each event in the endpoint's API version, so every reader is
 * defensive: a field that is missing, null, empty or of the wrong type is
 * simply not there.
 */

/** `upsert` keeps the contact in sync; `removal` follows the `onCustomerDeleted` parameter. */
export type EventEffect = 'upsert' | 'removal';

/** What `removal` does unless the user picks otherwise. */
export const DEFAULT_REMOVAL_ACTION = 'unsubscribe';

export interface SupportedStripeEvent {
	type: string;
	displayName: string;
	description: string;
	effect: EventEffect;
	/** The event name Loops' own Stripe templates use; offered as a suggestion, never sent on its own. */
	suggestedEventName?: string;
	/** Candidate email addresses, most specific first. */
	emails(object: IDataObject): unknown[];
	/** The person's full name, or undefined when the object only names a business. */
	personName(object: IDataObject): unknown;
	customerId(object: IDataObject): string | undefined;
	/** Flat properties an email template can use: strings, numbers, booleans. */
	properties(object: IDataObject, type: string): IDataObject;
}

const finiteNumber = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isFinite(value) ? value : undefined;

const isoFromUnixSeconds = (value: unknown): string | undefined => {
	const seconds = finiteNumber(value);
	return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
};

/** Stripe fields that are either an id or, when expanded, an object carrying the id. */
const idOf = (value: unknown): string | undefined =>
	nonBlank(isObject(value) ? value.id : value);

/**
 * Newer API versions split a name into `individual_name` and `business_name`;
 * `name` then repeats one of them. Only a person's name becomes first/last name.
 */
function personNameIn(holder: unknown): unknown {
	if (!isObject(holder)) return undefined;
	const individual = nonBlank(holder.individual_name);
	if (individual !== undefined) return individual;
	const name = nonBlank(holder.name);
	const business = nonBlank(holder.business_name);
	if (name !== undefined && name === business) return undefined;
	return name;
}

const customerRow = (
	type: string,
	displayName: string,
	description: string,
	effect: EventEffect,
	suggestedEventName?: string,
): SupportedStripeEvent => ({
	type,
	displayName,
	description,
	effect,
	suggestedEventName,
	emails: (customer) => [customer.email],
	personName: personNameIn,
	customerId: (customer) => nonBlank(customer.id),
	properties: () => ({}),
});

/** Pre-basil API versions carry `subscription` on the invoice; newer ones under `parent`. */
function invoiceSubscription(invoice: IDataObject): string | undefined {
	const parent = invoice.parent;
	const details = isObject(parent) ? parent.subscription_details : undefined;
	return idOf(invoice.subscription) ?? (isObject(details) ? idOf(details.subscription) : undefined);
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

const invoiceRow = (
	type: string,
	displayName: string,
	description: string,
	suggestedEventName: string,
): SupportedStripeEvent => ({
	type,
	displayName,
	description,
	effect: 'upsert',
	suggestedEventName,
	emails: (invoice) => [invoice.customer_email],
	personName: (invoice) => nonBlank(invoice.customer_name),
	customerId: (invoice) => idOf(invoice.customer),
	properties: invoiceProperties,
});

export const SUPPORTED_STRIPE_EVENTS: readonly SupportedStripeEvent[] = [
	{
		type: 'checkout.session.completed',
		displayName: 'Checkout Session Completed',
		description: 'A customer completed Stripe Checkout',
		effect: 'upsert',
		suggestedEventName: 'stripeCheckout',
		emails: (session) => [
			isObject(session.customer_details) ? session.customer_details.email : undefined,
			session.customer_email,
		],
		personName: (session) => personNameIn(session.customer_details),
		customerId: (session) => idOf(session.customer),
		properties: (session) =>
			knownFields({
				amount: finiteNumber(session.amount_total),
				amountSubtotal: finiteNumber(session.amount_subtotal),
				currency: nonBlank(session.currency),
				mode: nonBlank(session.mode),
				paymentStatus: nonBlank(session.payment_status),
				sessionId: nonBlank(session.id),
				clientReferenceId: nonBlank(session.client_reference_id),
				subscriptionId: idOf(session.subscription),
				invoiceId: idOf(session.invoice),
				paymentLinkId: idOf(session.payment_link),
			}),
	},
	customerRow(
		'customer.created',
		'Customer Created',
		'A customer was created in Stripe',
		'upsert',
		'newStripeCustomer',
	),
	customerRow('customer.updated', 'Customer Updated', 'A customer was updated in Stripe', 'upsert'),
	customerRow(
		'customer.deleted',
		'Customer Deleted',
		'A customer was deleted in Stripe; unsubscribes or deletes the contact (see "On Customer Deleted")',
		'removal',
	),
	invoiceRow('invoice.paid', 'Invoice Paid', 'An invoice was paid', 'successfulPayment'),
	invoiceRow(
		'invoice.payment_failed',
		'Invoice Payment Failed',
		'A payment attempt for an invoice failed',
		'failedPayment',
	),
	invoiceRow(
		'invoice.upcoming',
		'Invoice Upcoming',
		'An invoice will be created soon (days before renewal); it has no invoice ID yet',
		'upcomingInvoice',
	),
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
			? `${row.type}: ${row.description}. Loops' template event name: ${row.suggestedEventName}.`
			: `${row.type}: ${row.description}.`,
	})).sort((a, b) => a.name.localeCompare(b.name));
}
