import type { Lookup } from '../../../nodes/StripeContactTrigger/events';
import { CHARGE_EXPAND, lookUp, SUBSCRIPTION_EXPAND } from '../../../nodes/StripeContactTrigger/lookup';
import { StripeApiError, type StripeClient, type StripeObject } from '../../../nodes/StripeContactTrigger/stripeApi';

const customer = { id: 'cus_1', object: 'customer', email: 'jenny@example.com' };

/** A client whose retrieve calls answer from `objects` (or throw what is there), recording each call. */
function fakeClient(objects: Record<string, StripeObject | StripeApiError>) {
	const calls: Array<[string, string, unknown]> = [];
	const retrieve = (kind: string) => async (id: string, options?: unknown) => {
		calls.push([kind, id, options]);
		const found = objects[id];
		if (found === undefined) throw new StripeApiError('missing', `Stripe has no ${kind} ${id}`, { status: 404 });
		if (found instanceof StripeApiError) throw found;
		return found;
	};
	const client = {
		retrieveCustomer: retrieve('customer'),
		retrieveCharge: retrieve('charge'),
		retrieveSubscription: retrieve('subscription'),
		retrieveQuote: retrieve('quote'),
	} as unknown as StripeClient;
	return { client: async () => client, calls };
}

const required = (resource: Lookup['resource'], id: string): Lookup => ({
	resource,
	id,
	required: true,
	purpose: 'email',
	why: 'a test needs it',
});

describe('lookUp', () => {
	it('reads nothing and asks for no client when the event needs nothing', async () => {
		const client = jest.fn();
		expect(await lookUp('invoice.paid', [], client)).toEqual({ outcome: 'found', found: {} });
		expect(client).not.toHaveBeenCalled();
	});

	it('without a credential: skips what is optional, names the credential for what is required', async () => {
		const none = async () => undefined;
		expect(await lookUp('customer.updated', [{ ...required('customer', 'cus_1'), required: false }], none)).toEqual({
			outcome: 'found',
			found: {},
		});
		expect(await lookUp('quote.accepted', [required('customer', 'cus_1')], none)).toEqual({
			outcome: 'needsCredential',
			reason: 'quote.accepted needs a Stripe API credential (stripeRestrictedKeyApi) on the Stripe Contact Trigger to read the customer cus_1: a test needs it',
		});
	});

	it('a subscription comes with its customer and products expanded; a customer left as an id is read', async () => {
		const expanded = fakeClient({ sub_1: { id: 'sub_1', object: 'subscription', customer } });
		expect(await lookUp('customer.subscription.updated', [required('subscription', 'sub_1')], expanded.client)).toEqual({
			outcome: 'found',
			found: { subscription: { id: 'sub_1', object: 'subscription', customer }, customer },
		});
		expect(expanded.calls).toEqual([['subscription', 'sub_1', { expand: SUBSCRIPTION_EXPAND }]]);

		const byId = fakeClient({ sub_1: { id: 'sub_1', object: 'subscription', customer: 'cus_1' }, cus_1: customer });
		const result = await lookUp('customer.subscription.updated', [required('subscription', 'sub_1')], byId.client);
		expect(result).toMatchObject({ outcome: 'found', found: { customer } });
		expect(byId.calls.map(([kind]) => kind)).toEqual(['subscription', 'customer']);
	});

	it('a charge with an email needs no customer; one without brings its customer, a deleted one as the stub', async () => {
		const withEmail = fakeClient({ ch_1: { id: 'ch_1', object: 'charge', billing_details: { email: 'b@example.com' }, customer: 'cus_1' } });
		expect(await lookUp('charge.dispute.created', [required('charge', 'ch_1')], withEmail.client)).toEqual({
			outcome: 'found',
			found: { charge: expect.objectContaining({ id: 'ch_1' }) },
		});
		expect(withEmail.calls).toEqual([['charge', 'ch_1', { expand: CHARGE_EXPAND }]]);

		const gone = fakeClient({
			ch_1: { id: 'ch_1', object: 'charge', billing_details: { email: null }, receipt_email: null, customer: 'cus_gone' },
			cus_gone: new StripeApiError('missing', 'The Stripe customer cus_gone has been deleted', { deleted: true }),
		});
		expect(await lookUp('charge.dispute.created', [required('charge', 'ch_1')], gone.client)).toMatchObject({
			outcome: 'found',
			found: { customer: { id: 'cus_gone', deleted: true } },
		});
	});

	it('classifies what Stripe answered: unavailable → retry later, missing → ignore, the rest → configuration', async () => {
		const answer = async (error: StripeApiError) =>
			await lookUp('quote.accepted', [required('customer', 'cus_1')], fakeClient({ cus_1: error }).client);
		expect(await answer(new StripeApiError('unavailable', 'Stripe could not answer the customer cus_1 now (503)'))).toEqual({
			outcome: 'unavailable',
			reason: 'Stripe could not answer the customer cus_1 now (503)',
		});
		expect(await answer(new StripeApiError('missing', 'The Stripe customer cus_1 has been deleted'))).toEqual({
			outcome: 'missing',
			reason: 'The Stripe customer cus_1 has been deleted',
		});
		for (const kind of ['forbidden', 'invalidKey', 'rejected'] as const) {
			expect(await answer(new StripeApiError(kind, `${kind}!`))).toEqual({ outcome: 'misconfigured', reason: `${kind}!` });
		}
	});

	it('a subscription read only for its state that Stripe no longer has is left out; one read for the email ignores the event', async () => {
		const gone = fakeClient({});
		expect(await lookUp('invoice.paid', [{ ...required('subscription', 'sub_gone'), purpose: 'state' }], gone.client)).toEqual({
			outcome: 'found',
			found: {},
		});
		expect(await lookUp('customer.subscription.updated', [required('subscription', 'sub_gone')], gone.client)).toEqual({
			outcome: 'missing',
			reason: 'Stripe has no subscription sub_gone',
		});
		const down = fakeClient({ sub_1: new StripeApiError('unavailable', 'Stripe could not answer') });
		expect(await lookUp('invoice.paid', [{ ...required('subscription', 'sub_1'), purpose: 'state' }], down.client)).toMatchObject({
			outcome: 'unavailable',
		});
	});

	it('answers 500 for an error that is not Stripe answering (a bug, not an outage)', async () => {
		const broken = async () =>
			({ retrieveCustomer: async () => { throw new TypeError('boom'); } }) as unknown as StripeClient;
		expect(await lookUp('quote.accepted', [required('customer', 'cus_1')], broken)).toEqual({
			outcome: 'misconfigured',
			reason: 'Stripe lookup failed: boom',
		});
	});
});
