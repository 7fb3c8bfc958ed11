/**
 * The acceptance run: 1 000 StripeContactItems with events through Apply while
 * Loops answers 429s, 500s and resets (some after the change was applied), then
 * the same 1 000 again as a Stripe retry storm. Every contact ends exactly as
 * the items say, every event is recorded exactly once.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { configureLoopsTransport } from '../../../nodes/Loops/transport';
import type { StripeContactItem } from '../../../nodes/shared/StripeContactItem';
import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import { json, runLoops, startServer, stripeItem } from './setup';

const COUNT = 1000;
const PEOPLE = 800;

function buildItems(): INodeExecutionData[] {
	return Array.from({ length: COUNT }, (_, i) => {
		const action = i % 10 === 7 ? 'unsubscribe' : i % 10 === 9 ? 'delete' : 'upsert';
		const item = stripeItem({ email: `user${i % PEOPLE}@example.com`, stripeEventId: `evt_fault_${i}`, action });
		const contact = (item.json as StripeContactItem).contact;
		contact.firstName = `F${i}`;
		if (i % 3 === 0) delete contact.lastName;
		return item;
	});
}

type Expected = Map<string, { firstName?: string; lastName?: string; subscribed: boolean }>;

/** What Loops must hold after applying the items in order, per person. */
function applyInOrder(items: INodeExecutionData[], state: Expected): Expected {
	for (const { json: raw } of items) {
		const item = raw as StripeContactItem;
		const { email } = item.contact;
		const current = state.get(email);
		if (item.action === 'delete') state.delete(email);
		else if (item.action === 'unsubscribe') state.set(email, { ...(current ?? {}), subscribed: false });
		else {
			const next = { ...(current ?? { subscribed: true }) };
			if (item.contact.firstName) next.firstName = item.contact.firstName;
			if (item.contact.lastName) next.lastName = item.contact.lastName;
			state.set(email, next);
		}
	}
	return state;
}

describe('Loops node · fault run (1 000 items, 429/5xx/resets, then a retry storm)', () => {
	let server: LoopsContractServer;
	let restore: () => void;
	beforeAll(async () => {
		server = await startServer({
			rateLimitPerSecond: 2000,
			seed: 42,
			faults: { rate429: 0.05, rate500: 0.05, rateReset: 0.03, slowRate: 0.02, slowMs: 20 },
		});
		restore = configureLoopsTransport({ baseDelayMs: 2, maxDelayMs: 20 });
	});
	afterAll(async () => {
		restore();
		await server.close();
	});

	it('stores every contact as expected and records every event exactly once, twice over', async () => {
		const items = buildItems();
		const withEvent = items.filter((item) => (item.json as StripeContactItem).action !== 'delete');
		const expectedKeys = withEvent.map((item) => (item.json as StripeContactItem).event!.idempotencyKey).sort();

		const checkLoops = (expected: Expected) => {
			const contacts = server.state.contacts();
			expect(contacts).toHaveLength(expected.size);
			for (const contact of contacts) {
				const want = expected.get(contact.email as string);
				expect({ email: contact.email, firstName: contact.firstName ?? undefined, lastName: contact.lastName ?? undefined, subscribed: contact.subscribed }).toEqual({
					email: contact.email,
					firstName: want?.firstName,
					lastName: want?.lastName,
					subscribed: want?.subscribed,
				});
			}
			const keys = server.state.events().map((e) => e.idempotencyKey as string).sort();
			expect(keys).toEqual(expectedKeys);
		};

		const first = await runLoops(server, { resource: 'stripeSync', operation: 'apply' }, { items });
		expect(first).toHaveLength(COUNT);
		expect(first.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(json(first).filter((o) => o.error)).toEqual([]);
		const expected = applyInOrder(items, new Map());
		checkLoops(expected);

		const storm = await runLoops(server, { resource: 'stripeSync', operation: 'apply' }, { items });
		expect(json(storm).filter((o) => o.error)).toEqual([]);
		expect(new Set(json(storm).map((o) => o.eventResult))).toEqual(new Set(['alreadySent', 'skipped']));
		checkLoops(applyInOrder(items, expected));

		const { injected } = server.state.requests();
		expect(injected.status429).toBeGreaterThan(0);
		expect(injected.status500).toBeGreaterThan(0);
		expect(injected.reset).toBeGreaterThan(0);
	});
});
