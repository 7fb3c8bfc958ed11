import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import { json, runLoops, startServer } from './setup';

describe('Loops node · Contact', () => {
	let server: LoopsContractServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(async () => await server.close());
	beforeEach(() => server.reset());

	const contact = (operation: string, parameters: object = {}) => ({ resource: 'contact', operation, ...parameters });

	it('create sends the fields that were filled in, with typed custom properties and mailing lists', async () => {
		const out = await runLoops(
			server,
			contact('create', {
				email: ' Ada@Example.com ',
				additionalFields: {
					firstName: 'Ada',
					lastName: '',
					userGroup: '   ',
					subscribeToLists: ['cm0newsletter00000000000a'],
					customProperties: {
						property: [
							{ key: 'plan', type: 'string', stringValue: 'pro' },
							{ key: 'lifetimeValue', type: 'number', numberValue: 420 },
							{ key: 'isVip', type: 'boolean', booleanValue: true },
							{ key: 'trialEndsAt', type: 'date', dateValue: '2026-12-24T00:00:00Z' },
							{ key: 'plan2', type: 'string', stringValue: '' },
						],
					},
				},
			}),
		);

		const sent = server.state.requestLog()[0].body;
		expect(sent).toEqual({
			email: 'Ada@Example.com',
			firstName: 'Ada',
			mailingLists: { cm0newsletter00000000000a: true },
			plan: 'pro',
			lifetimeValue: 420,
			isVip: true,
			trialEndsAt: '2026-12-24T00:00:00.000Z',
		});
		expect(json(out)[0]).toMatchObject({ id: expect.any(String), email: 'Ada@Example.com' });
		expect(server.state.contact('ada@example.com')).toMatchObject({ firstName: 'Ada', plan: 'pro', lifetimeValue: 420, subscribed: true });
	});

	it('create of an existing contact fails with Loops’ message and the 409', async () => {
		await runLoops(server, contact('create', { email: 'ada@example.com' }));
		const error = await runLoops(server, contact('create', { email: 'ada@example.com' })).catch((e) => e);
		expect(error.message).toBe('Loops: Email or userId is already on list.');
		expect(error.httpCode).toBe('409');
	});

	it('update upserts; `subscribed` is sent only when the user adds it; "clear" sends null on purpose', async () => {
		await runLoops(server, contact('update', { email: 'ada@example.com', updateFields: { firstName: 'Ada', customProperties: { property: [{ key: 'plan', type: 'string', stringValue: 'pro' }] } } }));
		await runLoops(server, contact('update', { email: 'ada@example.com', updateFields: { subscribed: false, customProperties: { property: [{ key: 'plan', type: 'clear' }] } } }));

		const [first, second] = server.state.requestLog().map((r) => r.body);
		expect(first).not.toHaveProperty('subscribed');
		expect(second).toEqual({ email: 'ada@example.com', subscribed: false, plan: null });
		expect(server.state.contact('ada@example.com')).toMatchObject({ firstName: 'Ada', subscribed: false, plan: null });
	});

	it('update rejects a value that does not match its type before sending anything', async () => {
		const run = runLoops(server, contact('update', { email: 'ada@example.com', updateFields: { customProperties: { property: [{ key: 'lifetimeValue', type: 'number', numberValue: 'lots' }] } } }));
		await expect(run).rejects.toThrow('Custom property "lifetimeValue": "lots" is not a number');
		expect(server.state.requestLog()).toEqual([]);
	});

	it('find by email or user ID answers one item per contact, none when absent', async () => {
		await runLoops(server, contact('update', { email: 'ada@example.com', updateFields: { userId: 'u-1', firstName: 'Ada' } }));

		const byEmail = await runLoops(server, contact('find', { identifyBy: 'email', email: 'ada@example.com' }));
		const byUserId = await runLoops(server, contact('find', { identifyBy: 'userId', userId: 'u-1' }));
		const none = await runLoops(server, contact('find', { identifyBy: 'email', email: 'nobody@example.com' }));

		expect(json(byEmail)).toEqual([expect.objectContaining({ email: 'ada@example.com', userId: 'u-1', firstName: 'Ada' })]);
		expect(json(byUserId)).toEqual(json(byEmail));
		expect(none).toEqual([]);
	});

	it('delete removes the contact; an absent one is Loops’ 404 unless "Succeed If Not Found"', async () => {
		await runLoops(server, contact('update', { email: 'ada@example.com' }));
		const out = await runLoops(server, contact('delete', { identifyBy: 'email', email: 'ada@example.com' }));
		expect(json(out)).toEqual([{ email: 'ada@example.com', deleted: true }]);
		expect(server.state.contact('ada@example.com')).toBeUndefined();

		const error = await runLoops(server, contact('delete', { identifyBy: 'email', email: 'ada@example.com' })).catch((e) => e);
		expect(error.message).toBe('Loops: Contact not found.');
		expect(error.httpCode).toBe('404');

		const tolerant = await runLoops(server, contact('delete', { identifyBy: 'email', email: 'ada@example.com', options: { succeedIfNotFound: true } }));
		expect(json(tolerant)).toEqual([{ email: 'ada@example.com', deleted: true, alreadyAbsent: true }]);
	});

	it('unsubscribe sends exactly { email, subscribed: false }', async () => {
		await runLoops(server, contact('update', { email: 'ada@example.com', updateFields: { subscribeToLists: ['cm0newsletter00000000000a'] } }));
		const out = await runLoops(server, contact('unsubscribe', { email: 'ada@example.com' }));

		expect(server.state.requestLog()[1].body).toEqual({ email: 'ada@example.com', subscribed: false });
		expect(json(out)[0]).toMatchObject({ email: 'ada@example.com', subscribed: false });
		expect(server.state.contact('ada@example.com')).toMatchObject({ subscribed: false, mailingLists: { cm0newsletter00000000000a: true } });
	});

	it('mailing lists: subscribe and unsubscribe in one update', async () => {
		await runLoops(server, contact('update', { email: 'ada@example.com', updateFields: { subscribeToLists: ['cm0newsletter00000000000a', 'cm0customers000000000000b'] } }));
		await runLoops(server, contact('update', { email: 'ada@example.com', updateFields: { unsubscribeFromLists: ['cm0newsletter00000000000a'] } }));
		expect(server.state.contact('ada@example.com')?.mailingLists).toEqual({ cm0newsletter00000000000a: false, cm0customers000000000000b: true });
	});

	it('an empty email is a clear error and sends nothing', async () => {
		await expect(runLoops(server, contact('update', { email: '  ' }))).rejects.toThrow('Email is required');
		expect(server.state.requestLog()).toEqual([]);
	});
});
