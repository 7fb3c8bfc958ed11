import { handleStripeDelivery, type StripeLookup } from '../../../nodes/StripeContactTrigger/delivery';
import type { LookupOutcome } from '../../../nodes/StripeContactTrigger/lookup';
import { buildStripeEvent, signStripeDelivery } from '../../fixtures/stripeEvents';
import { settingsFor } from './triggerSettings';

const SECRET = 'whsec_delivery_1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';

const noLookup = jest.fn(async (): Promise<LookupOutcome> => {
	throw new Error('no lookup expected');
});

async function deliver(
	payload: string,
	signWith = SECRET,
	readSettings = jest.fn(() => settingsFor()),
	lookUp: StripeLookup = noLookup,
) {
	const { body, headers } = signStripeDelivery(payload, signWith);
	const answer = await handleStripeDelivery(
		{ rawBody: Buffer.from(body), signatureHeader: headers['stripe-signature'] },
		{ signingSecret: SECRET },
		300,
		readSettings,
		lookUp,
	);
	return { answer, readSettings };
}

describe('handleStripeDelivery', () => {
	it('answers an accepted event with the item, reading the settings once', async () => {
		const { answer, readSettings } = await deliver(JSON.stringify(buildStripeEvent('invoice.paid', { id: 'evt_d1' })));
		expect(answer).toMatchObject({ status: 200, body: { received: true }, item: { stripeEventId: 'evt_d1' } });
		expect(readSettings).toHaveBeenCalledTimes(1);
	});

	it('answers an ignored event with the reason and no item', async () => {
		const { answer } = await deliver(JSON.stringify(buildStripeEvent('charge.succeeded')));
		expect(answer).toEqual({ status: 200, body: { received: true, ignored: 'unsupported event type charge.succeeded' } });
	});

	it('rejects what is not authentic without reading the settings or parsing the body', async () => {
		const payload = JSON.stringify(buildStripeEvent('invoice.paid'));
		const parse = jest.spyOn(JSON, 'parse');
		const { answer, readSettings } = await deliver(payload, 'whsec_other');
		expect(answer).toEqual({ status: 401, body: { error: 'signature does not match' } });
		expect(readSettings).not.toHaveBeenCalled();
		expect(parse).not.toHaveBeenCalled();
		parse.mockRestore();
	});

	it('rejects a missing or empty body', async () => {
		const answer = await handleStripeDelivery(
			{ rawBody: undefined, signatureHeader: undefined },
			{ signingSecret: SECRET },
			300,
			() => settingsFor(),
			noLookup,
		);
		expect(answer).toEqual({ status: 401, body: { error: 'missing signature' } });
		expect((await deliver('')).answer).toEqual({ status: 401, body: { error: 'empty body' } });
	});

	it('answers 400 for authentic bytes that are not JSON or not a Stripe event', async () => {
		expect((await deliver('{"id":')).answer).toEqual({ status: 400, body: { error: 'body is not JSON' } });
		expect((await deliver('{"id":"evt_1"}')).answer).toEqual({
			status: 400,
			body: { error: 'not a Stripe event: object is not "event"' },
		});
	});
});
