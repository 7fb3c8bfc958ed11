import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../shared/isObject';
import type { FoundObjects, Lookup } from './events';
import { nonBlank } from '../shared/text';
import { objectAt } from './stripeFields';
import type { StripeClient, StripeObject } from './stripeApi';
import { STRIPE_CREDENTIAL_TYPE, StripeApiError } from './stripeApi';

/**
 * Reads what an event's row asks for (events.ts `lookups`) through Stripe's
 * API, as the objects are now. The answer says what the webhook does:
 * found → normalize with the objects; needsCredential / misconfigured → 500
 * (Stripe retries until it is fixed); unavailable → 503 (Stripe redelivers);
 * missing → 200 ignored with the reason.
 */
export type LookupOutcome =
	| { outcome: 'found'; found: FoundObjects }
	| { outcome: 'needsCredential' | 'misconfigured' | 'unavailable' | 'missing'; reason: string };

/** A subscription brings its customer (for the email) and its products (for the plan name). */
export const SUBSCRIPTION_EXPAND = ['customer', 'items.data.price.product'];
/** A charge brings its customer, the last place a dispute's email can be. */
export const CHARGE_EXPAND = ['customer'];

export async function lookUp(
	type: string,
	lookups: Lookup[],
	client: () => Promise<StripeClient | undefined>,
): Promise<LookupOutcome> {
	if (lookups.length === 0) return { outcome: 'found', found: {} };
	const stripe = await client();
	if (stripe === undefined) {
		const required = lookups.find((lookup) => lookup.required);
		if (required === undefined) return { outcome: 'found', found: {} };
		return {
			outcome: 'needsCredential',
			reason: `${type} needs a Stripe API credential (${STRIPE_CREDENTIAL_TYPE}) on the Stripe Contact Trigger to read the ${required.resource} ${required.id}: ${required.why}`,
		};
	}
	try {
		const parts = await Promise.all(lookups.map(async (lookup) => await readOrSkip(stripe, lookup)));
		return { outcome: 'found', found: Object.assign({}, ...parts) as FoundObjects };
	} catch (error) {
		if (!(error instanceof StripeApiError)) throw error;
		switch (error.kind) {
			case 'unavailable':
				return { outcome: 'unavailable', reason: error.message };
			case 'missing':
				return { outcome: 'missing', reason: error.message };
			default:
				return { outcome: 'misconfigured', reason: error.message };
		}
	}
}

/** A subscription read only for its state, that Stripe no longer has, is left out: the event still is about the person. */
async function readOrSkip(stripe: StripeClient, lookup: Lookup): Promise<FoundObjects> {
	try {
		return await read(stripe, lookup);
	} catch (error) {
		if (lookup.purpose === 'state' && error instanceof StripeApiError && error.kind === 'missing') return {};
		throw error;
	}
}

async function read(stripe: StripeClient, lookup: Lookup): Promise<FoundObjects> {
	switch (lookup.resource) {
		case 'customer':
			return { customer: await stripe.retrieveCustomer(lookup.id) };
		case 'subscription': {
			const subscription = await stripe.retrieveSubscription(lookup.id, { expand: SUBSCRIPTION_EXPAND });
			return { subscription, customer: await customerOf(stripe, subscription) };
		}
		case 'charge': {
			const charge = await stripe.retrieveCharge(lookup.id, { expand: CHARGE_EXPAND });
			const billing = objectAt(charge, 'billing_details');
			const hasEmail = nonBlank(billing.email) ?? nonBlank(charge.receipt_email);
			return { charge, ...(hasEmail === undefined ? { customer: await customerOf(stripe, charge) } : {}) };
		}
	}
}

/**
 * The customer an object names: expanded already (possibly Stripe's deleted
 * stub), else read by id; a deleted one becomes the stub, so the reason for
 * ignoring the event can name it.
 */
async function customerOf(stripe: StripeClient, holder: StripeObject): Promise<IDataObject | undefined> {
	const customer = holder.customer;
	if (isObject(customer)) return customer;
	if (typeof customer !== 'string' || customer === '') return undefined;
	try {
		return await stripe.retrieveCustomer(customer);
	} catch (error) {
		if (error instanceof StripeApiError && error.kind === 'missing') return { id: customer, deleted: true };
		throw error;
	}
}
