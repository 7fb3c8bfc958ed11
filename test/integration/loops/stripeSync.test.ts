import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import { json, runLoops, startServer, stripeItem } from './setup';

const apply = { resource: 'stripeSync', operation: 'apply' };

describe('Loops node · Stripe Sync → Apply', () => {
	let server: LoopsContractServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(async () => await server.close());
	beforeEach(() => server.reset());

	it('works with no configuration: upserts the contact with only its present fields, then sends the event once', async () => {
		const out = await runLoops(server, {}, { items: [stripeItem()] });

		expect(json(out)).toEqual([
			expect.objectContaining({
				stripeEventId: 'evt_1QtestJenny',
				action: 'upsert',
				email: 'jenny.rosen@example.com',
				contactResult: 'upserted',
				contactId: expect.any(String),
				eventName: 'successfulPayment',
				eventResult: 'sent',
				summary: 'contact created or updated; event "successfulPayment" sent',
			}),
		]);
		expect(out[0].pairedItem).toEqual({ item: 0 });
		const [update, send] = server.state.requestLog();
		expect(update).toMatchObject({ method: 'PUT', path: '/contacts/update' });
		expect(update.body).toEqual({ email: 'jenny.rosen@example.com', firstName: 'Jenny', lastName: 'Rosen', source: 'Stripe' });
		expect(send).toMatchObject({ method: 'POST', path: '/events/send', idempotencyKey: 'evt_1QtestJenny' });
		expect(send.body).toEqual({
			email: 'jenny.rosen@example.com',
			eventName: 'successfulPayment',
			eventProperties: { amount: 2000, currency: 'usd' },
		});
		expect(server.state.contact('jenny.rosen@example.com')).toMatchObject({ firstName: 'Jenny', subscribed: true, source: 'Stripe' });
	});

	it('never re-subscribes: an upsert of someone who unsubscribed leaves them unsubscribed', async () => {
		await runLoops(server, apply, { items: [stripeItem({ action: 'unsubscribe', event: undefined })] });
		await runLoops(server, apply, { items: [stripeItem({ stripeEventId: 'evt_2', event: undefined })] });

		expect(server.state.contact('jenny.rosen@example.com')).toMatchObject({ subscribed: false, firstName: 'Jenny' });
		expect(server.state.requestLog().some((r) => (r.body as { subscribed?: boolean }).subscribed === true)).toBe(false);
	});

	it('sends userGroup and mailing lists when the item has them, and mailingLists with the event of an upsert', async () => {
		const lists = { cm0customers000000000000b: true };
		const item = stripeItem();
		Object.assign((item.json as { contact: object }).contact, { userGroup: 'Customers', mailingLists: lists });
		await runLoops(server, apply, { items: [item] });

		const [update, send] = server.state.requestLog();
		expect(update.body).toMatchObject({ userGroup: 'Customers', mailingLists: lists });
		expect(send.body).toMatchObject({ mailingLists: lists });
		expect(server.state.contact('jenny.rosen@example.com')).toMatchObject({ userGroup: 'Customers', mailingLists: lists });
	});

	it('unsubscribe sends only { email, subscribed: false } and its event never re-joins mailing lists', async () => {
		const item = stripeItem({ action: 'unsubscribe', stripeEventType: 'customer.deleted' });
		Object.assign((item.json as { contact: object }).contact, { mailingLists: { cm0customers000000000000b: true } });
		const out = await runLoops(server, apply, { items: [item] });

		const [update, send] = server.state.requestLog();
		expect(update.body).toEqual({ email: 'jenny.rosen@example.com', subscribed: false });
		expect(send.body).not.toHaveProperty('mailingLists');
		expect(json(out)[0]).toMatchObject({ contactResult: 'unsubscribed', eventResult: 'sent' });
	});

	it('delete removes the contact; deleting an absent one is "already deleted"; no event re-creates it', async () => {
		await runLoops(server, apply, { items: [stripeItem({ event: undefined })] });
		const out = await runLoops(server, apply, {
			items: [stripeItem({ action: 'delete', stripeEventId: 'evt_del1' }), stripeItem({ action: 'delete', stripeEventId: 'evt_del2' })],
		});

		expect(json(out).map((o) => [o.contactResult, o.eventResult])).toEqual([
			['deleted', 'skipped'],
			['alreadyDeleted', 'skipped'],
		]);
		expect(json(out)[1].summary).toBe('contact already deleted; event "successfulPayment" not sent (the contact was deleted)');
		expect(server.state.contact('jenny.rosen@example.com')).toBeUndefined();
		expect(server.state.events()).toEqual([]);
	});

	it('a Stripe retry of the same event sends nothing twice: the repeated key reads "event already sent"', async () => {
		await runLoops(server, apply, { items: [stripeItem()] });
		const again = await runLoops(server, apply, { items: [stripeItem()] });

		expect(json(again)[0]).toMatchObject({ eventResult: 'alreadySent', summary: 'contact created or updated; event "successfulPayment" already sent' });
		expect(server.state.events()).toHaveLength(1);
	});

	it('rejects an item that is not a StripeContactItem, naming what is missing, and sends nothing', async () => {
		await expect(runLoops(server, apply, { items: [{ json: { action: 'upsert', contact: { firstName: 'X' } } }] })).rejects.toThrow(
			'Item 1 is not a StripeContactItem: contact.email is missing',
		);
		await expect(runLoops(server, apply, { items: [{ json: { action: 'merge', contact: { email: 'a@b.co' } } }] })).rejects.toThrow(
			'action must be upsert, unsubscribe or delete (got "merge")',
		);
		const longKey = stripeItem();
		(longKey.json as { event: { idempotencyKey: string } }).event.idempotencyKey = 'k'.repeat(101);
		await expect(runLoops(server, apply, { items: [longKey] })).rejects.toThrow('event.idempotencyKey is longer than 100 characters');
		expect(server.state.requestLog()).toEqual([]);
	});

	it('with continueOnFail a bad item becomes an error item and the others are still applied, in input order', async () => {
		const out = await runLoops(server, apply, {
			continueOnFail: true,
			items: [stripeItem({ email: 'a@example.com', stripeEventId: 'evt_a' }), { json: { hello: 'world' } }, stripeItem({ email: 'c@example.com', stripeEventId: 'evt_c' })],
		});

		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toMatchObject({ email: 'a@example.com', eventResult: 'sent' });
		expect(String(out[1].json.error)).toContain('action is missing; contact is missing');
		expect(out[2].json).toMatchObject({ email: 'c@example.com', eventResult: 'sent' });
		expect(server.state.events().map((e) => e.email)).toEqual(expect.arrayContaining(['a@example.com', 'c@example.com']));
	});

	it('keeps per-person order under concurrency and slow answers: the last upsert for an email wins', async () => {
		server.setFaults({ slowRate: 0.5, slowMs: 15 });
		const items = Array.from({ length: 60 }, (_, i) => {
			const item = stripeItem({ email: `p${i % 4}@example.com`, stripeEventId: `evt_order_${i}`, event: undefined });
			(item.json as { contact: { firstName: string } }).contact.firstName = `Version${i}`;
			return item;
		});
		const out = await runLoops(server, apply, { items });

		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(json(out).map((o) => o.stripeEventId)).toEqual(items.map((_, i) => `evt_order_${i}`));
		for (let p = 0; p < 4; p++) {
			expect(server.state.contact(`p${p}@example.com`)?.firstName).toBe(`Version${56 + p}`);
		}
		const sequence = server.state.requestLog().filter((r) => (r.body as { email?: string }).email === 'p0@example.com');
		expect(sequence.map((r) => (r.body as { firstName?: string }).firstName)).toEqual(
			items.map((_, i) => i).filter((i) => i % 4 === 0).map((i) => `Version${i}`),
		);
	});
});
