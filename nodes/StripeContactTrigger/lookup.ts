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
	const parts = await Promise.all(lookups.map(async (lookup) => await readOrSkip(stripe, lookup)));
	const failure = parts.find((part): part is StripeApiError => part instanceof StripeApiError);
	if (failure === undefined) return { outcome: 'found', found: Object.assign({}, ...parts) as FoundObjects };
	switch (failure.kind) {
		case 'unavailable':
			return { outcome: 'unavailable', reason: failure.message };
		case 'missing':
			return { outcome: 'missing', reason: failure.message };
		default:
			return { outcome: 'misconfigured', reason: failure.message };
	}
}

/** The call's value, or the StripeApiError it failed with (any other failure becomes one of kind `failed`). */
async function attempt<T>(call: () => Promise<T>): Promise<T | StripeApiError> {
	try {
		return await call();
	} catch (error) {
		if (error instanceof StripeApiError) return error;
		return new StripeApiError('failed', `Stripe lookup failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
	}
}

/** A subscription read only for its state, that Stripe no longer has, is left out: the event still is about the person. */
async function readOrSkip(stripe: StripeClient, lookup: Lookup): Promise<FoundObjects | StripeApiError> {
	const part = await read(stripe, lookup);
	return part instanceof StripeApiError && part.kind === 'missing' && lookup.purpose === 'state' ? {} : part;
}

async function read(stripe: StripeClient, lookup: Lookup): Promise<FoundObjects | StripeApiError> {
	switch (lookup.resource) {
		case 'customer': {
			const customer = await attempt(async () => await stripe.retrieveCustomer(lookup.id));
			return customer instanceof StripeApiError ? customer : { customer };
		}
		case 'subscription': {
			const subscription = await attempt(async () => await stripe.retrieveSubscription(lookup.id, { expand: SUBSCRIPTION_EXPAND }));
			if (subscription instanceof StripeApiError) return subscription;
			const customer = await customerOf(stripe, subscription);
			return customer instanceof StripeApiError ? customer : { subscription, customer };
		}
		case 'charge': {
			const charge = await attempt(async () => await stripe.retrieveCharge(lookup.id, { expand: CHARGE_EXPAND }));
			if (charge instanceof StripeApiError) return charge;
			const billing = objectAt(charge, 'billing_details');
			if (nonBlank(billing.email) ?? nonBlank(charge.receipt_email)) return { charge };
			const customer = await customerOf(stripe, charge);
			return customer instanceof StripeApiError ? customer : { charge, customer };
		}
	}
}

/**
 * The customer an object names: expanded already (possibly Stripe's deleted
 * stub), else read by id; a deleted one becomes the stub, so the reason for
 * ignoring the event can name it.
 */
async function customerOf(stripe: StripeClient, holder: StripeObject): Promise<IDataObject | undefined | StripeApiError> {
	const customer = holder.customer;
	if (isObject(customer)) return customer;
	if (typeof customer !== 'string' || customer === '') return undefined;
	const read = await attempt(async () => await stripe.retrieveCustomer(customer));
	return read instanceof StripeApiError && read.kind === 'missing' ? { id: customer, deleted: true } : read;
}
