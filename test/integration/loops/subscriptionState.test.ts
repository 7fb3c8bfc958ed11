/**
 * Stripe Sync → Apply writes the subscription state of a trigger item as Loops
 * contact properties, creating the ones Loops lacks once, with the right type.
 * Everything is read back from the Loops contract server.
 */
import type { IDataObject } from 'n8n-workflow';

import { SUBSCRIPTION_CONTACT_PROPERTIES } from '../../../nodes/shared/subscriptionProperties';
import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import { API_KEY, json, runLoops, startServer, stripeItem } from './setup';

const apply = { resource: 'stripeSync', operation: 'apply' };
const EMAIL = 'jenny.rosen@example.com';

const STATE = {
	subscriptionStatus: 'active',
	subscriptionPlan: 'Team plan',
	trialEndsAt: '2026-12-01T18:00:00.000Z',
	currentPeriodEndsAt: '2026-12-21T18:00:00.000Z',
	cancelAtPeriodEnd: false,
	stripeCustomerId: 'cus_QXg1o8vcGmoR32',
	mrr: 2000,
	subscriptionCurrency: 'usd',
};

function itemWithState(state: IDataObject = STATE, overrides: IDataObject = {}) {
	const item = stripeItem({ stripeEventType: 'customer.subscription.updated', event: undefined, ...overrides });
	Object.assign((item.json as { contact: IDataObject }).contact, state);
	return item;
}

describe('Loops node · Stripe Sync → Apply · subscription state', () => {
	let server: LoopsContractServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(async () => await server.close());
	beforeEach(() => server.reset());

	const properties = () => Object.fromEntries(server.state.properties().map((p) => [p.key, p.type]));
	const calls = () => server.state.requestLog().map((r) => `${r.method} ${r.path} ${r.status}`);

	async function createProperty(name: string, type: string) {
		const response = await fetch(`${server.url}/contacts/properties`, {
			method: 'POST',
			headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name, type }),
		});
		expect(response.status).toBe(200);
	}

	it('creates the missing properties once, with their types, and writes the state on the contact', async () => {
		expect(properties().trialEndsAt).toBe('date'); // the seeded team already has this one
		const out = await runLoops(server, apply, { items: [itemWithState()] });
		expect(json(out)[0]).toMatchObject({ contactResult: 'upserted' });

		for (const [name, type] of Object.entries(SUBSCRIPTION_CONTACT_PROPERTIES)) expect(properties()[name]).toBe(type);
		expect(server.state.contact(EMAIL)).toMatchObject({ firstName: 'Jenny', ...STATE });
		const created = server.state.requestLog().filter((r) => r.method === 'POST' && r.path === '/contacts/properties');
		expect(created.map((r) => (r.body as { name: string }).name).sort()).toEqual(
			Object.keys(STATE).filter((name) => name !== 'trialEndsAt').sort(),
		);
		expect(calls()[0]).toBe('PUT /contacts/update 400');
		expect(calls()[calls().length - 1]).toBe('PUT /contacts/update 200');
	});

	it('then writes straight away: one request per contact', async () => {
		await runLoops(server, apply, { items: [itemWithState()] });
		const before = server.state.requestLog().length;
		await runLoops(server, apply, {
			items: [itemWithState({ ...STATE, subscriptionStatus: 'canceled', mrr: 0 }, { stripeEventId: 'evt_2' })],
		});
		expect(server.state.requestLog().slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['PUT /contacts/update 200']);
		expect(server.state.contact(EMAIL)).toMatchObject({ subscriptionStatus: 'canceled', mrr: 0 });
	});

	it('a property of the wrong type: names it and its type, creates nothing, changes no contact', async () => {
		await createProperty('mrr', 'string');
		const before = properties();
		const out = await runLoops(server, apply, { items: [itemWithState()], continueOnFail: true });
		expect(String(json(out)[0].error)).toBe('Loops has contact properties of the wrong type for the subscription state: mrr is string');
		expect(properties()).toEqual(before);
		expect(server.state.contact(EMAIL)).toBeUndefined();
	});

	it('a refusal about something else is reported as Loops said it, and creates no property', async () => {
		const before = properties();
		expect(Object.keys(before)).not.toContain('mrr');
		const item = itemWithState();
		Object.assign((item.json as { contact: IDataObject }).contact, { mailingLists: { cm0doesnotexist00000000000: true } });
		for (const [name, type] of Object.entries(SUBSCRIPTION_CONTACT_PROPERTIES)) {
			if (!(name in before)) await createProperty(name, type);
		}
		const logged = server.state.requestLog().length;
		const out = await runLoops(server, apply, { items: [item], continueOnFail: true });
		expect(String(json(out)[0].error)).toMatch(/Mailing list cm0doesnotexist00000000000 not found/);
		expect(server.state.requestLog().slice(logged).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'PUT /contacts/update 400',
			'GET /contacts/properties 200',
			'PUT /contacts/update 400',
		]);
		expect(server.state.contact(EMAIL)).toBeUndefined();
	});

	it('an unsubscribe sends no state (only subscribed: false)', async () => {
		await runLoops(server, apply, { items: [itemWithState(STATE, { action: 'unsubscribe' })] });
		expect(server.state.requestLog().map((r) => r.body)).toEqual([{ email: EMAIL, subscribed: false }]);
	});

	it('a state value of the wrong type is refused before anything is sent', async () => {
		const out = await runLoops(server, apply, {
			items: [itemWithState({ ...STATE, mrr: '2000', trialEndsAt: 'soon' })],
			continueOnFail: true,
		});
		expect(String(json(out)[0].error)).toBe(
			'Item 1 is not a StripeContactItem: contact.trialEndsAt must be a date (ISO 8601 string); contact.mrr must be a number',
		);
		expect(server.state.requestLog()).toEqual([]);
	});
});
