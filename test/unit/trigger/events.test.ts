import type { INodeType } from 'n8n-workflow';

import { StripeContactTrigger } from '../../../nodes/StripeContactTrigger/StripeContactTrigger.node';
import {
	DEFAULT_EVENT_TYPES,
	DEFAULT_REMOVAL_ACTION,
	STRIPE_API_EVENT_TYPES,
	stripeEventOptions,
	SUPPORTED_EVENT_TYPES,
	SUPPORTED_STRIPE_EVENTS,
	supportedStripeEvent,
} from '../../../nodes/StripeContactTrigger/events';
import { LIFECYCLE_EVENT_TYPES, SEED_EVENT_TYPES } from '../../fixtures/stripeEvents';

const { description } = new StripeContactTrigger();
const property = (name: string) => description.properties.find((p) => p.name === name)!;

describe('the event table', () => {
	it('supports the seven seed events and the fifteen lifecycle events, each once', () => {
		expect([...SUPPORTED_EVENT_TYPES].sort()).toEqual([...SEED_EVENT_TYPES, ...LIFECYCLE_EVENT_TYPES].sort());
		expect(SUPPORTED_EVENT_TYPES).toHaveLength(22);
		expect(new Set(SUPPORTED_EVENT_TYPES).size).toBe(SUPPORTED_EVENT_TYPES.length);
		expect([...DEFAULT_EVENT_TYPES].sort()).toEqual([...SEED_EVENT_TYPES].sort());
	});

	it('suggests an event name for every new event, and keeps the contact on every one of them', () => {
		for (const type of LIFECYCLE_EVENT_TYPES) {
			const row = supportedStripeEvent(type)!;
			expect(row.suggestedEventName).toMatch(/^[a-z][a-zA-Z]+$/);
			expect(row.effect).toBe('upsert');
		}
	});

	it('needs the Stripe API for subscriptions, disputes and quotes, sometimes for an expired checkout, never for the seed events', () => {
		expect([...STRIPE_API_EVENT_TYPES].sort()).toEqual(
			[...LIFECYCLE_EVENT_TYPES.filter((type) => /^(customer\.subscription|charge\.dispute|quote)\./.test(type)), 'checkout.session.expired'].sort(),
		);
		expect(supportedStripeEvent('checkout.session.expired')?.stripeApi).toBe('sometimes');
		for (const type of SEED_EVENT_TYPES) expect(supportedStripeEvent(type)?.stripeApi).toBe('never');
	});

	it("suggests the event names of Loops' own Stripe templates", () => {
		expect(supportedStripeEvent('customer.created')?.suggestedEventName).toBe('newStripeCustomer');
		expect(supportedStripeEvent('checkout.session.completed')?.suggestedEventName).toBe('stripeCheckout');
		expect(supportedStripeEvent('invoice.paid')?.suggestedEventName).toBe('successfulPayment');
		expect(supportedStripeEvent('invoice.payment_failed')?.suggestedEventName).toBe('failedPayment');
	});

	it('makes only customer.deleted remove a contact, unsubscribing by default', () => {
		const removals = SUPPORTED_STRIPE_EVENTS.filter((row) => row.effect === 'removal').map((row) => row.type);
		expect(removals).toEqual(['customer.deleted']);
		expect(DEFAULT_REMOVAL_ACTION).toBe('unsubscribe');
		expect(property('onCustomerDeleted').default).toBe('unsubscribe');
	});

	it('knows nothing else', () => {
		expect(supportedStripeEvent('charge.succeeded')).toBeUndefined();
		expect(supportedStripeEvent('constructor')).toBeUndefined();
	});
});

describe('the node description is generated from the table', () => {
	it('offers every table event in `events`, sorted by name, all selected by default', () => {
		const events = property('events');
		expect(events.type).toBe('multiOptions');
		expect(events.options).toEqual(stripeEventOptions());
		const names = (events.options as Array<{ name: string }>).map((o) => o.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		expect([...(events.default as string[])].sort()).toEqual([...SEED_EVENT_TYPES].sort());
	});

	it("opens each option's description with the Stripe event id that Stripe's dashboard lists", () => {
		for (const option of stripeEventOptions()) {
			const id = `${String(option.value)}: `;
			expect(option.description!.slice(0, id.length)).toBe(id);
			expect(option.description).toContain(supportedStripeEvent(String(option.value))!.description);
		}
		// A suggested Loops event name is offered where the table has one.
		expect(stripeEventOptions().find((option) => option.value === 'invoice.paid')?.description).toContain(
			supportedStripeEvent('invoice.paid')!.suggestedEventName,
		);
	});

	it('offers the same events in eventSettings.stripeEvent', () => {
		const eventSettings = property('eventSettings') as any;
		expect(eventSettings.type).toBe('fixedCollection');
		expect(eventSettings.typeOptions.multipleValues).toBe(true);
		const fields: Array<{ name: string; options?: unknown; default: unknown }> = eventSettings.options[0].values;
		const field = (name: string) => fields.find((f) => f.name === name)!;
		expect(fields.map((f) => f.name).sort()).toEqual([
			'eventName',
			'mailingLists',
			'stripeEvent',
			'syncNames',
			'syncSubscriptionState',
			'userGroup',
		]);
		expect(field('stripeEvent').options).toEqual(stripeEventOptions());
		expect(field('syncNames').default).toBe(true);
		expect(field('syncSubscriptionState').default).toBe(false);
	});

	it('has the names, options and webhook that workflows rely on (docs/contracts.md)', () => {
		expect(description.name).toBe('stripeContactTrigger');
		expect(description.group).toEqual(['trigger']);
		// 1.1 only spares n8n an expression at typeVersion 1 (see the node); 1 keeps working.
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
		expect(description.inputs).toEqual([]);
		expect(description.outputs).toEqual(['main']);
		expect(description.credentials).toEqual([
			{
				name: 'stripeWebhookSigningApi',
				displayName: 'Signing Secret',
				required: true,
				testedBy: 'stripeSigningSecretTest',
				displayOptions: { hide: { registerEndpoint: [true] } },
			},
			{ name: 'stripeRestrictedKeyApi', displayName: 'Stripe API Key', required: false },
		]);
		expect(description.webhooks).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST', path: 'stripe' }),
		]);
		// n8n answers onReceived with responseData when it is truthy, defaulting it to the text
		// "firstEntryJson"; '' makes it answer with webhook()'s webhookResponse.
		expect(description.webhooks![0].responseData).toBe('');
		const options = (property('options') as any).options.map((o: { name: string; default: unknown }) => [o.name, o.default]);
		expect(Object.fromEntries(options)).toEqual({
			durable: false,
			includeStripeObject: false,
			mode: 'any',
			syncSubscriptionState: false,
			toleranceSeconds: 300,
		});
	});

	it('shows the Stripe API notice exactly when a selected event needs the credential', () => {
		const notice = property('stripeApiNotice');
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toContain('Stripe Restricted Key API credential');
		expect(notice.displayOptions).toEqual({ show: { events: [...STRIPE_API_EVENT_TYPES] } });
	});

	it('registers nothing at Stripe unless asked: Register Endpoint in Stripe is off by default', () => {
		const nodeType: INodeType = new StripeContactTrigger();
		expect(Object.keys(nodeType.webhookMethods?.default ?? {})).toEqual(['checkExists', 'create', 'delete']);
		expect(property('registerEndpoint')).toMatchObject({ type: 'boolean', default: false });
	});
});

describe('the webhook response mode: no expression engine on n8n 2.41+, the same answer on older n8n', () => {
	const webhook = new StripeContactTrigger().description.webhooks![0];
	const resolver = (webhook as unknown as Record<symbol, Record<string, { template: string; resolve(p: object): unknown }>>)[
		Symbol.for('n8n.webhookDescriptionResolvers')
	].responseMode;

	it('n8n resolves it natively: the field holds exactly the resolver template', () => {
		expect(webhook.responseMode).toBe(resolver.template);
	});

	it.each([
		[{}, 'onReceived'],
		[{ options: {} }, 'onReceived'],
		[{ options: { durable: false } }, 'onReceived'],
		[{ options: { durable: true } }, 'lastNode'],
	])('parameters %j → %s, natively and through the template', (parameters, mode) => {
		expect(resolver.resolve(parameters)).toBe(mode);
		// What an expression engine computes from the template: `$parameter` is the node's parameters.
		const body = /^=\{\{(.*)\}\}$/.exec(resolver.template)![1];
		// eslint-disable-next-line @typescript-eslint/no-implied-eval
		expect(new Function('$parameter', `return (${body});`)({ options: {}, ...parameters })).toBe(mode);
	});
});
