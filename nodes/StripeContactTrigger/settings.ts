import type { IDataObject } from 'n8n-workflow';

import type { ContactAction } from '../shared/StripeContactItem';
import { commaSeparated, nonBlank } from '../shared/text';
import { DEFAULT_REMOVAL_ACTION } from './events';

export type ModeFilter = 'any' | 'live' | 'test';
export type RemovalAction = Exclude<ContactAction, 'upsert'>;

export interface PerEventSettings {
	eventName?: string;
	userGroup?: string;
	mailingLists?: Record<string, true>;
	syncNames: boolean;
	/** Put the subscription state on the contact for this event (also on when the option says all events). */
	syncSubscriptionState?: boolean;
}

/** Everything normalize() needs to know about the node's configuration, read once per authentic delivery. */
export interface TriggerSettings {
	events: ReadonlySet<string>;
	perEvent: ReadonlyMap<string, PerEventSettings>;
	onCustomerDeleted: RemovalAction;
	mode: ModeFilter;
	includeStripeObject: boolean;
	/** Subscription state on the contact for every event that has a subscription. */
	syncSubscriptionState: boolean;
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Settings for a Stripe event the user did not configure: names synced, nothing else. */
export const DEFAULT_PER_EVENT: PerEventSettings = Object.freeze({ syncNames: true });

/** The raw parameter values, as n8n hands them over. */
export interface TriggerParameters {
	events: unknown;
	eventSettings: unknown;
	onCustomerDeleted: unknown;
	options: unknown;
}

export class SettingsError extends Error {}

/** "cm1, cm2" → { cm1: true, cm2: true }; undefined when no list is given. */
export function parseMailingLists(value: unknown): Record<string, true> | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new SettingsError('Mailing lists must be a comma-separated list of IDs');
	const ids = commaSeparated(value);
	for (const id of ids) {
		if (/\s/.test(id)) {
			throw new SettingsError(`Mailing list ID "${id}" contains a space; separate IDs with commas`);
		}
	}
	if (ids.length === 0) return undefined;
	const lists: Record<string, true> = {};
	for (const id of ids) lists[id] = true;
	return lists;
}

function readPerEvent(eventSettings: unknown): Map<string, PerEventSettings> {
	const entries = (eventSettings as IDataObject | undefined)?.settings;
	const perEvent = new Map<string, PerEventSettings>();
	if (!Array.isArray(entries)) return perEvent;
	for (const entry of entries as IDataObject[]) {
		const stripeEvent = nonBlank(entry.stripeEvent);
		if (stripeEvent === undefined) throw new SettingsError('An event setting has no Stripe event selected');
		if (perEvent.has(stripeEvent)) {
			throw new SettingsError(`Event settings list ${stripeEvent} twice; keep one entry per Stripe event`);
		}
		const settings: PerEventSettings = { syncNames: entry.syncNames !== false };
		if (entry.syncSubscriptionState === true) settings.syncSubscriptionState = true;
		const eventName = nonBlank(entry.eventName);
		if (eventName !== undefined) settings.eventName = eventName;
		const userGroup = nonBlank(entry.userGroup);
		if (userGroup !== undefined) settings.userGroup = userGroup;
		const mailingLists = parseMailingLists(entry.mailingLists);
		if (mailingLists !== undefined) settings.mailingLists = mailingLists;
		perEvent.set(stripeEvent, settings);
	}
	return perEvent;
}

export function readTriggerSettings(parameters: TriggerParameters): TriggerSettings {
	const options = (parameters.options ?? {}) as IDataObject;
	const mode = options.mode ?? 'any';
	if (mode !== 'any' && mode !== 'live' && mode !== 'test') {
		throw new SettingsError(`Mode must be any, live or test, not "${String(mode)}"`);
	}
	const onCustomerDeleted = parameters.onCustomerDeleted ?? DEFAULT_REMOVAL_ACTION;
	if (onCustomerDeleted !== 'unsubscribe' && onCustomerDeleted !== 'delete') {
		throw new SettingsError(
			`On Customer Deleted must be unsubscribe or delete, not "${String(onCustomerDeleted)}"`,
		);
	}
	const events = Array.isArray(parameters.events) ? (parameters.events as unknown[]) : [];
	return {
		events: new Set(events.filter((type): type is string => typeof type === 'string')),
		perEvent: readPerEvent(parameters.eventSettings),
		onCustomerDeleted,
		mode,
		includeStripeObject: options.includeStripeObject === true,
		syncSubscriptionState: options.syncSubscriptionState === true,
	};
}

/** Whether this event's item carries the subscription state (for all events, or for this one). */
export function wantsSubscriptionState(settings: TriggerSettings, type: string): boolean {
	return settings.syncSubscriptionState || settings.perEvent.get(type)?.syncSubscriptionState === true;
}

/** For Stripe, 0 switches the replay check off; fail closed: anything not positive means the default. */
export function readToleranceSeconds(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) && value > 0
		? value
		: DEFAULT_TOLERANCE_SECONDS;
}
