import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import { json, runLoops, startServer } from './setup';

describe('Loops node · Event and Transactional email', () => {
	let server: LoopsContractServer;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(async () => await server.close());
	beforeEach(() => server.reset());

	const event = (parameters: object) => ({ resource: 'event', operation: 'send', eventName: 'signup', email: 'ada@example.com', ...parameters });
	const transactional = (parameters: object) => ({
		resource: 'transactionalEmail',
		operation: 'send',
		transactionalId: 'cm0welcome000000000000000',
		email: 'ada@example.com',
		...parameters,
	});

	it('event send carries event properties, contact properties and mailing lists', async () => {
		const out = await runLoops(
			server,
			event({
				additionalFields: {
					eventProperties: { property: [{ key: 'plan', type: 'string', stringValue: 'pro' }, { key: 'seats', type: 'number', numberValue: 3 }] },
					contactProperties: { property: [{ key: 'firstName', type: 'string', stringValue: 'Ada' }] },
					subscribeToLists: ['cm0newsletter00000000000a'],
					idempotencyKey: 'signup-ada-1',
				},
			}),
		);

		const [sent] = server.state.requestLog();
		expect(sent.idempotencyKey).toBe('signup-ada-1');
		expect(sent.body).toEqual({
			email: 'ada@example.com',
			eventName: 'signup',
			firstName: 'Ada',
			eventProperties: { plan: 'pro', seats: 3 },
			mailingLists: { cm0newsletter00000000000a: true },
		});
		expect(json(out)).toEqual([{ eventName: 'signup', email: 'ada@example.com', result: 'sent', idempotencyKey: 'signup-ada-1' }]);
		expect(server.state.contact('ada@example.com')).toMatchObject({ firstName: 'Ada' });
	});

	it('a repeated idempotency key is "already sent", not an error, and Loops records the event once', async () => {
		await runLoops(server, event({ additionalFields: { idempotencyKey: 'k1' } }));
		const again = await runLoops(server, event({ additionalFields: { idempotencyKey: 'k1' } }));
		expect(json(again)[0]).toMatchObject({ result: 'alreadySent' });
		expect(server.state.events()).toHaveLength(1);
	});

	it('without a key the node still sends one, fresh per item, so its own retries cannot duplicate', async () => {
		await runLoops(server, event({}), { items: [{ json: {} }, { json: {} }] });
		const keys = server.state.requestLog().map((r) => r.idempotencyKey);
		expect(keys).toHaveLength(2);
		expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
		expect(keys[0]).not.toBe(keys[1]);
	});

	it('an idempotency key over 100 characters is a clear error and nothing is sent', async () => {
		await expect(runLoops(server, event({ additionalFields: { idempotencyKey: 'x'.repeat(101) } }))).rejects.toThrow(
			'The idempotency key is 101 characters long; Loops accepts at most 100',
		);
		expect(server.state.requestLog()).toEqual([]);
	});

	it('event properties that are not of their type are rejected before sending', async () => {
		await expect(
			runLoops(server, event({ additionalFields: { eventProperties: { property: [{ key: 'when', type: 'date', dateValue: 'someday' }] } } })),
		).rejects.toThrow('Event property "when": "someday" is not a date');
		expect(server.state.requestLog()).toEqual([]);
	});

	it('transactional send with data variables, an attachment from binary data, and add-to-audience', async () => {
		const pdf = Buffer.from('%PDF-1.4 hello');
		const out = await runLoops(
			server,
			transactional({
				additionalFields: {
					addToAudience: true,
					attachments: 'invoice',
					idempotencyKey: 'welcome-ada',
					dataVariables: { property: [{ key: 'firstName', type: 'string', stringValue: 'Ada' }, { key: 'loginUrl', type: 'string', stringValue: 'https://x.test/login' }] },
				},
			}),
			{ items: [{ json: {}, binary: { invoice: { data: pdf.toString('base64'), mimeType: 'application/pdf', fileName: 'invoice.pdf' } } }] },
		);

		expect(json(out)).toEqual([
			{ transactionalId: 'cm0welcome000000000000000', email: 'ada@example.com', result: 'sent', attachments: ['invoice.pdf'], idempotencyKey: 'welcome-ada' },
		]);
		const [send] = server.state.transactionalSends();
		expect(send).toMatchObject({
			email: 'ada@example.com',
			addToAudience: true,
			dataVariables: { firstName: 'Ada', loginUrl: 'https://x.test/login' },
			attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', bytes: pdf.length }],
			idempotencyKey: 'welcome-ada',
		});
		expect(server.state.contact('ada@example.com')).toBeDefined();
	});

	it('transactional: a missing data variable surfaces Loops’ message; a missing binary property is named', async () => {
		const error = await runLoops(server, transactional({ additionalFields: { dataVariables: { property: [{ key: 'firstName', type: 'string', stringValue: 'Ada' }] } } })).catch((e) => e);
		expect(error.message).toBe('Loops: Missing required fields: loginUrl');
		expect(error.httpCode).toBe('400');
		expect(error.description).toContain('field: dataVariables');

		await expect(runLoops(server, transactional({ additionalFields: { attachments: 'nope' } }))).rejects.toThrow(
			'The item has no binary property "nope" to attach',
		);
	});

	it('transactional: an unknown email template shows Loops’ nested message and the field it names', async () => {
		const error = await runLoops(server, transactional({ transactionalId: 'cm0nosuchemail00000000000' })).catch((e) => e);
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.message).toBe('Loops: Transactional email not found.');
		expect(error.httpCode).toBe('404');
		expect(error.description).toContain('field: transactionalId');
		expect(server.state.transactionalSends()).toEqual([]);
	});

	it('transactional with Continue On Fail: the error item carries Loops’ message; the other items are sent', async () => {
		const items = [{ json: { loginUrl: 'https://x.test/1' } }, { json: {} }, { json: { loginUrl: 'https://x.test/3' } }];
		const out = await runLoops(
			server,
			transactional({
				email: '={{ "ada" + $itemIndex + "@example.com" }}',
				additionalFields: {
					dataVariables: {
						property: [
							{ key: 'firstName', stringValue: 'Ada' },
							{ key: 'loginUrl', stringValue: '={{ $json.loginUrl ?? "" }}' },
						],
					},
				},
			}),
			{ items, continueOnFail: true },
		);

		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json).toMatchObject({ error: 'Loops: Missing required fields: loginUrl', httpCode: '400' });
		expect(String(out[1].json.description)).toContain('field: dataVariables');
		expect(server.state.transactionalSends().map((send) => send.email).sort()).toEqual(['ada0@example.com', 'ada2@example.com']);
	});

	it('transactional: a repeated idempotency key is "already sent"', async () => {
		const params = transactional({ additionalFields: { idempotencyKey: 'receipt-1', dataVariables: { property: [{ key: 'firstName', stringValue: 'A' }, { key: 'loginUrl', stringValue: 'u' }] } } });
		await runLoops(server, params);
		const again = await runLoops(server, params);
		expect(json(again)[0]).toMatchObject({ result: 'alreadySent' });
		expect(server.state.transactionalSends()).toHaveLength(1);
	});
});
