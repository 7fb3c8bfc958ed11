import {
	DEFAULT_TOLERANCE_SECONDS,
	parseMailingLists,
	readToleranceSeconds,
	readTriggerSettings,
	SettingsError,
} from '../../../nodes/StripeContactTrigger/settings';
import { settingsFor, withEventSettings } from './triggerSettings';

describe('readTriggerSettings', () => {
	it('reads the defaults: nothing per event, unsubscribe on delete, any mode, no raw object', () => {
		const settings = readTriggerSettings({ events: ['invoice.paid'], eventSettings: {}, onCustomerDeleted: undefined, options: undefined });
		expect([...settings.events]).toEqual(['invoice.paid']);
		expect(settings.perEvent.size).toBe(0);
		expect(settings.onCustomerDeleted).toBe('unsubscribe');
		expect(settings.mode).toBe('any');
		expect(settings.includeStripeObject).toBe(false);
	});

	it('reads one entry per Stripe event, trimming values and dropping empty ones', () => {
		const settings = settingsFor({
			eventSettings: withEventSettings(
				{ stripeEvent: 'invoice.paid', eventName: ' successfulPayment ', userGroup: '', mailingLists: ' cmA , ,cmB,' },
				{ stripeEvent: 'customer.created', eventName: '', syncNames: false },
			),
		});
		expect(settings.perEvent.get('invoice.paid')).toEqual({
			eventName: 'successfulPayment',
			mailingLists: { cmA: true, cmB: true },
			syncNames: true,
		});
		expect(settings.perEvent.get('customer.created')).toEqual({ syncNames: false });
	});

	it.each([
		[
			'a Stripe event listed twice',
			{ eventSettings: withEventSettings({ stripeEvent: 'invoice.paid' }, { stripeEvent: 'invoice.paid' }) },
			'Event settings list invoice.paid twice; keep one entry per Stripe event',
		],
		['an entry without a Stripe event', { eventSettings: withEventSettings({ eventName: 'x' }) }, 'An event setting has no Stripe event selected'],
		['an unknown mode', { options: { mode: 'sandbox' } }, 'Mode must be any, live or test, not "sandbox"'],
		['an unknown delete action', { onCustomerDeleted: 'archive' }, 'On Customer Deleted must be unsubscribe or delete, not "archive"'],
	])('refuses %s with a clear message', (_label, parameters, message) => {
		expect(() => settingsFor(parameters)).toThrow(new SettingsError(message));
	});
});

describe('parseMailingLists', () => {
	it('turns a comma-separated list into { id: true }', () => {
		expect(parseMailingLists('cm06f5v0e45nf0ml5754o9cix,cm06f5v0e45nf0ml5754o9ciy')).toEqual({
			cm06f5v0e45nf0ml5754o9cix: true,
			cm06f5v0e45nf0ml5754o9ciy: true,
		});
	});

	it.each([undefined, null, '', ' , , '])('%j means no lists', (value) => {
		expect(parseMailingLists(value)).toBeUndefined();
	});

	it('refuses IDs separated by spaces, and values that are not text', () => {
		expect(() => parseMailingLists('cmA cmB')).toThrow('Mailing list ID "cmA cmB" contains a space; separate IDs with commas');
		expect(() => parseMailingLists(['cmA'])).toThrow('Mailing lists must be a comma-separated list of IDs');
	});
});

describe('readToleranceSeconds', () => {
	it('uses a positive number as given', () => {
		expect(readToleranceSeconds(600)).toBe(600);
		expect(readToleranceSeconds(1)).toBe(1);
	});

	it.each([undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY, '600'])(
		'falls back to the default for %p, never switching the replay check off',
		(value) => {
			expect(readToleranceSeconds(value)).toBe(DEFAULT_TOLERANCE_SECONDS);
		},
	);
});
