import type { IExecuteFunctions } from 'n8n-workflow';

import { idempotencyKey, mailingLists, typedPairs } from '../../../nodes/Loops/helpers/fields';
import { readStripeContactItem } from '../../../nodes/Loops/actions/stripeSync/readItem';

const context = { getNode: () => ({ name: 'Loops' }) } as unknown as IExecuteFunctions;

describe('fields', () => {
	it('typedPairs() converts by type, skips empty values, sends null only for "clear"', () => {
		const result = typedPairs.call(
			context,
			[
				{ key: 'plan', type: 'string', stringValue: 'pro' },
				{ key: 'empty', type: 'string', stringValue: '' },
				{ key: 'seats', type: 'number', numberValue: '3' },
				{ key: 'vip', type: 'boolean', booleanValue: 'false' },
				{ key: 'ends', type: 'date', dateValue: '2026-12-24' },
				{ key: 'gone', type: 'clear' },
				{ key: '  ', type: 'string', stringValue: 'no key' },
			],
			0,
			'Property',
		);
		expect(result).toEqual({ plan: 'pro', seats: 3, vip: false, ends: '2026-12-24T00:00:00.000Z', gone: null });
	});

	it('typedPairs() names the pair that does not fit its type', () => {
		expect(() => typedPairs.call(context, [{ key: 'vip', type: 'boolean', booleanValue: 'maybe' }], 0, 'Property')).toThrow(
			'Property "vip": "maybe" is not true or false',
		);
	});

	it('mailingLists() merges subscribe and unsubscribe ids; absent when none', () => {
		expect(mailingLists(['a', 'b'], 'c, d')).toEqual({ a: true, b: true, c: false, d: false });
		expect(mailingLists([], '')).toBeUndefined();
	});

	it('idempotencyKey(): the user’s key (≤ 100 chars) or a fresh own one', () => {
		expect(idempotencyKey.call(context, ' evt_1 ', 0)).toEqual({ key: 'evt_1', own: false });
		const own = idempotencyKey.call(context, '', 0);
		expect(own.own).toBe(true);
		expect(own.key).not.toBe(idempotencyKey.call(context, undefined, 0).key);
		expect(idempotencyKey.call(context, 'k'.repeat(100), 0).key).toHaveLength(100);
		expect(() => idempotencyKey.call(context, 'k'.repeat(101), 0)).toThrow('Loops accepts at most 100');
	});
});

describe('readStripeContactItem', () => {
	it('trims the email for every call, without changing the input item', () => {
		const input = { action: 'unsubscribe', contact: { email: '  jenny@example.com ', source: 'Stripe' } };
		const read = readStripeContactItem(input);
		expect(read.ok && read.item.contact.email).toBe('jenny@example.com');
		expect(input.contact.email).toBe('  jenny@example.com ');
	});

	const valid = {
		stripeEventId: 'evt_1',
		action: 'upsert',
		contact: { email: 'a@b.co', source: 'Stripe' },
		event: { name: 'paid', properties: {}, idempotencyKey: 'evt_1' },
	};

	it('accepts a StripeContactItem, with or without an event', () => {
		expect(readStripeContactItem(valid).ok).toBe(true);
		expect(readStripeContactItem({ ...valid, event: undefined }).ok).toBe(true);
	});

	it('lists every problem of an item that is not one', () => {
		expect(readStripeContactItem({ action: 'nope', contact: { email: ' ' }, event: { properties: [] } })).toEqual({
			ok: false,
			problems: [
				'action must be upsert, unsubscribe or delete (got "nope")',
				'contact.email is missing',
				'event.name is missing',
				'event.idempotencyKey is missing',
				'event.properties must be an object',
			],
		});
		expect(readStripeContactItem({})).toEqual({ ok: false, problems: ['action is missing', 'contact is missing'] });
	});
});
