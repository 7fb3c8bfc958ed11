import type { TriggerParameters, TriggerSettings } from '../../../nodes/StripeContactTrigger/settings';
import { readTriggerSettings } from '../../../nodes/StripeContactTrigger/settings';
import { SEED_EVENT_TYPES } from '../../fixtures/stripeEvents';

/** Settings as the node would read them from these parameters (defaults: all seven events, nothing configured). */
export function settingsFor(parameters: Partial<TriggerParameters> = {}): TriggerSettings {
	return readTriggerSettings({
		events: [...SEED_EVENT_TYPES],
		eventSettings: {},
		onCustomerDeleted: 'unsubscribe',
		options: {},
		...parameters,
	});
}

/** One eventSettings entry, in the shape n8n stores the fixed collection. */
export function withEventSettings(...entries: Array<Record<string, unknown>>): { settings: Array<Record<string, unknown>> } {
	return { settings: entries.map((entry) => ({ syncNames: true, ...entry })) };
}

/** Every path in a value whose leaf is null or "" (the contract says unknown is absent). */
export function blankLeaves(value: unknown, path = '$'): string[] {
	if (value === null || value === '') return [path];
	if (typeof value !== 'object') return [];
	return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
		blankLeaves(child, `${path}.${key}`),
	);
}
