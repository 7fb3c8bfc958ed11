/**
 * The node's webhook() through n8n-core's real WebhookContext, one test per row
 * of design.md's answer table (and the ways into each row).
 */
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { StripeWebhookSigningApi } from '../../../credentials/StripeWebhookSigningApi.credentials';
import { StripeContactTrigger } from '../../../nodes/StripeContactTrigger/StripeContactTrigger.node';
import { buildStripeEvent, DEFAULT_EMAIL, SEED_EVENT_TYPES, signStripeDelivery } from '../../fixtures/stripeEvents';
import { runWebhook } from '../../helpers/n8nHarness';
import type { CredentialsByType } from '../../helpers/n8nHarness';

const SECRET = 'whsec_integration_5c0b7a1e9d2f4836a0b1c2d3e4f5a6b7';
const PREVIOUS = 'whsec_integration_previous_00112233445566778899aabb';
const trigger = new StripeContactTrigger();
const now = () => Math.floor(Date.now() / 1000);

const DEFAULT_PARAMETERS: INodeParameters = {
	events: [...SEED_EVENT_TYPES],
	eventSettings: {},
	onCustomerDeleted: 'unsubscribe',
	options: {},
};

interface Send {
	body: string | Buffer;
	headers?: Record<string, string>;
	parameters?: INodeParameters;
	credentials?: CredentialsByType;
	/** Default: the node's newest version. */
	typeVersion?: number;
}

async function send({ body, headers = {}, parameters = {}, credentials, typeVersion }: Send) {
	return await runWebhook(trigger, {
		typeVersion,
		parameters: { ...DEFAULT_PARAMETERS, ...parameters },
		credentials: credentials ?? { stripeWebhookSigningApi: { signingSecret: SECRET, previousSigningSecret: '' } },
		request: { body, headers },
	});
}

function signedEvent(type: string, opts: Parameters<typeof buildStripeEvent>[1] = {}, secret = SECRET, timestamp?: number) {
	return signStripeDelivery(JSON.stringify(buildStripeEvent(type, opts)), secret, { timestamp });
}

function expectNoExecution(result: Awaited<ReturnType<typeof send>>) {
	expect(result.startsExecution).toBe(false);
	expect(result.response.workflowData).toBeUndefined();
}

describe('row 1: valid signature, accepted event → 200 {"received":true}, one execution with one item', () => {
	it.each(SEED_EVENT_TYPES)('%s', async (type) => {
		const delivery = signedEvent(type, { id: `evt_row1_${type.replace(/\./g, '_')}` });
		const result = await send(delivery);
		expect(result.status).toBe(200);
		expect(result.body).toEqual({ received: true });
		expect(result.startsExecution).toBe(true);
		expect(result.response.workflowData).toHaveLength(1);
		expect(result.response.workflowData![0]).toHaveLength(1);
		const item = result.response.workflowData![0][0].json;
		expect(item).toMatchObject({
			stripeEventId: `evt_row1_${type.replace(/\./g, '_')}`,
			stripeEventType: type,
			action: type === 'customer.deleted' ? 'unsubscribe' : 'upsert',
			contact: { email: DEFAULT_EMAIL, firstName: 'Jenny', lastName: 'Rosen', source: 'Stripe' },
		});
	});

	it('applies the node parameters: event settings, delete on customer.deleted, raw object', async () => {
		const parameters: INodeParameters = {
			eventSettings: {
				settings: [
					{ stripeEvent: 'customer.deleted', eventName: 'customerGone', userGroup: 'churned', mailingLists: 'cmA,cmB', syncNames: false },
				],
			},
			onCustomerDeleted: 'delete',
			options: { includeStripeObject: true },
		};
		const stripeEvent = buildStripeEvent('customer.deleted', { id: 'evt_params' });
		const result = await send({ ...signStripeDelivery(JSON.stringify(stripeEvent), SECRET), parameters });
		expect(result.body).toEqual({ received: true });
		expect(result.response.workflowData![0][0].json).toEqual({
			stripeEventId: 'evt_params',
			stripeEventType: 'customer.deleted',
			livemode: false,
			occurredAt: new Date((stripeEvent.created as number) * 1000).toISOString(),
			action: 'delete',
			contact: { email: DEFAULT_EMAIL, userGroup: 'churned', mailingLists: { cmA: true, cmB: true }, source: 'Stripe' },
			event: { name: 'customerGone', properties: {}, idempotencyKey: 'evt_params' },
			stripe: { customerId: 'cus_QXg1o8vcGmoR32', objectId: 'cus_QXg1o8vcGmoR32', object: (stripeEvent.data as any).object },
		});
	});

	it('accepts a delivery signed with the previous secret during a roll', async () => {
		const result = await send({
			...signedEvent('invoice.paid', {}, PREVIOUS),
			credentials: { stripeWebhookSigningApi: { signingSecret: SECRET, previousSigningSecret: PREVIOUS } },
		});
		expect(result.status).toBe(200);
		expect(result.startsExecution).toBe(true);
	});

	it('verifies with the credential as n8n stores it (every default filled in, the notice\'s empty value too)', async () => {
		const stored = NodeHelpers.getNodeParameters(
			new StripeWebhookSigningApi().properties,
			{ signingSecret: SECRET },
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		expect(Object.keys(stored).sort()).toEqual(['notice', 'previousSigningSecret', 'signingSecret']);
		const result = await send({ ...signedEvent('invoice.paid'), credentials: { stripeWebhookSigningApi: stored } });
		expect(result.status).toBe(200);
		expect(result.startsExecution).toBe(true);
	});

	it('verifies the raw bytes, not a re-serialised body (pretty-printed JSON, as the Stripe CLI sends)', async () => {
		const pretty = JSON.stringify(buildStripeEvent('invoice.paid'), null, 2);
		const result = await send(signStripeDelivery(pretty, SECRET));
		expect(result.status).toBe(200);
		expect(result.startsExecution).toBe(true);
	});
});

describe('row 2: valid signature, nothing for us → 200 {"received":true,"ignored":…}, no execution', () => {
	it.each([
		['an event type that is not selected', signedEvent('customer.updated'), { events: ['invoice.paid'] }, 'event type customer.updated is not selected'],
		['an unsupported event type', signedEvent('charge.succeeded'), {}, 'unsupported event type charge.succeeded'],
		['a test event when only live is accepted', signedEvent('invoice.paid'), { options: { mode: 'live' } }, 'test event, trigger accepts live events only'],
		['a live event when only test is accepted', signedEvent('invoice.paid', { livemode: true }), { options: { mode: 'test' } }, 'live event, trigger accepts test events only'],
		['an event without an email', signedEvent('customer.created', { email: null }), {}, 'no email on the event'],
		['an event with an unusable email', signedEvent('invoice.paid', { email: 'jenny@localhost' }), {}, 'email is not a valid address'],
	])('%s', async (_label, delivery, parameters, reason) => {
		const result = await send({ ...delivery, parameters });
		expect(result.status).toBe(200);
		expect(result.body).toEqual({ received: true, ignored: reason });
		expectNoExecution(result);
	});
});

describe('row 3: not authentic → 401 {"error":…}, no execution', () => {
	const delivery = signedEvent('invoice.paid');
	it.each([
		['no stripe-signature header', { ...delivery, headers: { 'content-type': 'application/json' } }, 'missing signature'],
		['a malformed header', { ...delivery, headers: { 'stripe-signature': 'v1=abc' } }, 'malformed signature header'],
		['a signature made with another secret', signedEvent('invoice.paid', {}, 'whsec_attacker'), 'signature does not match'],
		['a body changed after signing', { ...delivery, body: delivery.body.replace('jenny.rosen@', 'mallory@') }, 'signature does not match'],
		['an expired signature (replay)', signedEvent('invoice.paid', {}, SECRET, now() - 301), 'signature expired'],
	])('%s', async (_label, request, reason) => {
		const result = await send(request);
		expect(result.status).toBe(401);
		expect(result.body).toEqual({ error: reason });
		expectNoExecution(result);
		expect(JSON.stringify(result.body)).not.toContain('whsec_');
	});

	it('honours a configured tolerance', async () => {
		const old = signedEvent('invoice.paid', {}, SECRET, now() - 500);
		expect((await send({ ...old, parameters: { options: { toleranceSeconds: 600 } } })).status).toBe(200);
		expect((await send({ ...old, parameters: { options: { toleranceSeconds: 300 } } })).status).toBe(401);
	});

	it.each([
		['an empty signing secret', { stripeWebhookSigningApi: { signingSecret: '', previousSigningSecret: '' } }],
		['no credential at all', {}],
	])('fails closed with %s', async (_label, credentials) => {
		const result = await send({ ...delivery, credentials });
		expect(result.status).toBe(401);
		expect(result.body).toEqual({ error: 'no signing secret configured' });
		expectNoExecution(result);
	});

	it('does not read the configuration for a forged request, so a broken one cannot be probed', async () => {
		const broken = { eventSettings: { settings: [{ stripeEvent: 'invoice.paid' }, { stripeEvent: 'invoice.paid' }] } };
		const forged = await send({ ...signedEvent('invoice.paid', {}, 'whsec_attacker'), parameters: broken });
		expect(forged.status).toBe(401);
		await expect(send({ ...delivery, parameters: broken })).rejects.toThrow(NodeOperationError);
		await expect(send({ ...delivery, parameters: broken })).rejects.toThrow(
			'Event settings list invoice.paid twice; keep one entry per Stripe event',
		);
	});
});

describe('row 4: authentic body that is not a Stripe event → 400 {"error":…}, no execution', () => {
	it.each([
		['{}', 'not a Stripe event: object is not "event"'],
		['[]', 'not a Stripe event: expected a JSON object'],
		['{"object":"event","type":"invoice.paid","created":1764180000,"livemode":false,"data":{"object":{}}}', 'not a Stripe event: missing id'],
		['{"object":"event","id":"evt_1","created":1764180000,"livemode":false,"data":{"object":{}}}', 'not a Stripe event: missing type'],
		['"invoice.paid"', 'not a Stripe event: expected a JSON object'],
	])('%s', async (payload, error) => {
		const result = await send(signStripeDelivery(payload, SECRET));
		expect(result.status).toBe(400);
		expect(result.body).toEqual({ error });
		expectNoExecution(result);
	});

	it('a signed body that is not JSON (n8n only pre-parses application/json)', async () => {
		const signed = signStripeDelivery('id=evt_1&type=invoice.paid', SECRET);
		const result = await send({ ...signed, headers: { ...signed.headers, 'content-type': 'application/x-www-form-urlencoded' } });
		expect(result.status).toBe(400);
		expect(result.body).toEqual({ error: 'body is not JSON' });
		expectNoExecution(result);
	});

	it('a signed empty body is not a delivery (401: the stripe package verifies nothing without a payload)', async () => {
		const result = await send(signStripeDelivery('', SECRET));
		expect(result.status).toBe(401);
		expect(result.body).toEqual({ error: 'empty body' });
		expectNoExecution(result);
	});
});

describe('typeVersion 1 (workflows saved before 1.1) answers exactly like 1.1', () => {
	it.each([
		['invoice.paid', { received: true }, true],
		['payment_intent.succeeded', { received: true, ignored: 'unsupported event type payment_intent.succeeded' }, false],
	])('%s', async (type, body, startsExecution) => {
		const delivery = signedEvent(type, { id: 'evt_versions' });
		const answers = await Promise.all([1, 1.1].map(async (typeVersion) => await send({ ...delivery, typeVersion })));
		for (const answer of answers) {
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual(body);
			expect(answer.startsExecution).toBe(startsExecution);
		}
		expect(answers[0].response).toEqual(answers[1].response);
	});
});

describe('durable mode: n8n answers an accepted delivery when the workflow has finished; the rest at once', () => {
	const durable = { options: { durable: true } };

	it('an accepted event is left for n8n to answer after the workflow, with one execution', async () => {
		const result = await send({ ...signedEvent('invoice.paid', { id: 'evt_durable_1' }), parameters: durable });
		expect(result.status).toBe('afterWorkflow');
		expect(result.startsExecution).toBe(true);
		expect(result.response.workflowData?.[0]?.[0]?.json).toMatchObject({ stripeEventId: 'evt_durable_1' });
	});

	it('an ignored event is answered 200 at once, without an execution', async () => {
		const result = await send({ ...signedEvent('payment_intent.succeeded'), parameters: durable });
		expect(result.status).toBe(200);
		expect(result.body).toEqual({ received: true, ignored: 'unsupported event type payment_intent.succeeded' });
		expectNoExecution(result);
	});

	it('a forged delivery is answered 401 at once, without an execution', async () => {
		const result = await send({ ...signedEvent('invoice.paid', {}, 'whsec_wrong'), parameters: durable });
		expect(result.status).toBe(401);
		expectNoExecution(result);
	});

	it('without the option an accepted event is answered 200 {"received":true} as soon as n8n registered the execution', async () => {
		const result = await send(signedEvent('invoice.paid', { id: 'evt_durable_off' }));
		expect({ status: result.status, body: result.body }).toEqual({ status: 200, body: { received: true } });
		expect(result.startsExecution).toBe(true);
	});
});
