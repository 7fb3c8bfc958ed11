import type { IDataObject } from 'n8n-workflow';

import type { ContactAction, StripeContact, StripeContactItem } from '../shared/StripeContactItem';
import { isObject } from '../shared/isObject';
import { isNonBlank } from '../shared/text';
import type { FoundObjects, Lookup, SupportedStripeEvent } from './events';
import { supportedStripeEvent } from './events';
import type { TriggerSettings } from './settings';
import { DEFAULT_PER_EVENT, wantsSubscriptionState } from './settings';
import { subscriptionContactState } from './subscription';

/**
 * accepted: one item for the workflow. ignored: authentic but not for us (answered 200).
 * invalid: authentic bytes that are not a Stripe event (answered 400).
 */
export type Normalized =
	| { outcome: 'accepted'; item: StripeContactItem }
	| { outcome: 'ignored'; reason: string }
	| { outcome: 'invalid'; reason: string };

export interface StripeEventEnvelope {
	id: string;
	object: 'event';
	type: string;
	created: number;
	livemode: boolean;
	data: { object: IDataObject };
}

type Refused = Exclude<Normalized, { outcome: 'accepted' }>;

const ignored = (reason: string): Refused => ({ outcome: 'ignored', reason });
const invalid = (reason: string): Refused => ({ outcome: 'invalid', reason: `not a Stripe event: ${reason}` });

function envelopeProblem(event: unknown): string | undefined {
	if (!isObject(event)) return 'expected a JSON object';
	if (event.object !== 'event') return 'object is not "event"';
	if (typeof event.id !== 'string' || event.id === '') return 'missing id';
	if (typeof event.type !== 'string' || event.type === '') return 'missing type';
	if (typeof event.created !== 'number' || !Number.isFinite(event.created)) return 'missing created';
	if (typeof event.livemode !== 'boolean') return 'missing livemode';
	if (!isObject(event.data) || !isObject(event.data.object)) return 'missing data.object';
	return undefined;
}

/**
 * Practical address check, not RFC 5322: one @, no spaces or characters that
 * need quoting, no empty or dotted-edge parts, a dotted domain whose last label
 * has two or more characters. Labels exclude the dot, so matching stays linear.
 */
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@(?:[^\s@"(),:;<>[\\\].]+\.)+[^\s@"(),:;<>[\\\].]{2,}$/;
const MAX_EMAIL_LENGTH = 254;

/** Trimmed and lower-cased, or undefined when it is not a usable address. */
export function normalizeEmail(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const email = value.trim().toLowerCase();
	if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) return undefined;
	const local = email.slice(0, email.lastIndexOf('@'));
	if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
	return email;
}

/** "Jenny  van Rosen" → Jenny / van Rosen; a one-word name has no last name; blank → nothing. */
export function splitName(value: unknown): { firstName?: string; lastName?: string } {
	if (typeof value !== 'string') return {};
	const words = value.trim().split(/\s+/);
	if (words[0] === '') return {};
	return words.length === 1
		? { firstName: words[0] }
		: { firstName: words[0], lastName: words.slice(1).join(' ') };
}

/** The first candidate that is a usable address, else why there is none. */
function pickEmail(candidates: unknown[]): { email: string } | { problem: string } {
	let sawText = false;
	for (const candidate of candidates) {
		const email = normalizeEmail(candidate);
		if (email !== undefined) return { email };
		if (isNonBlank(candidate)) sawText = true;
	}
	return { problem: sawText ? 'email is not a valid address' : 'no email on the event' };
}

function modeProblem(livemode: boolean, settings: TriggerSettings): string | undefined {
	if (settings.mode === 'live' && !livemode) return 'test event, trigger accepts live events only';
	if (settings.mode === 'test' && livemode) return 'live event, trigger accepts test events only';
	return undefined;
}

/** An authentic, selected, supported event of the right mode: what to read through Stripe's API first. */
export interface Screened {
	outcome: 'screened';
	envelope: StripeEventEnvelope;
	definition: SupportedStripeEvent;
	lookups: Lookup[];
}

/** Pure: is this an event the trigger handles, and what must be read through Stripe's API for it? */
export function screenStripeEvent(event: unknown, settings: TriggerSettings): Screened | Refused {
	const problem = envelopeProblem(event);
	if (problem !== undefined) return invalid(problem);
	const envelope = event as unknown as StripeEventEnvelope;
	const { type } = envelope;

	const definition = supportedStripeEvent(type);
	if (definition === undefined) return ignored(`unsupported event type ${type}`);
	if (!settings.events.has(type)) return ignored(`event type ${type} is not selected`);
	const wrongMode = modeProblem(envelope.livemode, settings);
	if (wrongMode !== undefined) return ignored(wrongMode);
	const lookups = definition.lookups(envelope.data.object, {
		subscriptionState: wantsSubscriptionState(settings, type),
	});
	return { outcome: 'screened', envelope, definition, lookups };
}

function noEmailReason(picked: string, found: FoundObjects): string {
	const customer = found.customer;
	if (customer?.deleted === true) {
		return `no email: the Stripe customer ${String(customer.id)} has been deleted`;
	}
	return picked;
}

/**
 * Pure: a parsed Stripe event, the node's settings and the objects read through
 * Stripe's API for it (none without the credential) → what the trigger does with it.
 */
export function normalizeStripeEvent(event: unknown, settings: TriggerSettings, found: FoundObjects = {}): Normalized {
	const screened = screenStripeEvent(event, settings);
	if (screened.outcome !== 'screened') return screened;
	const { envelope, definition } = screened;
	const { type } = envelope;

	const object = envelope.data.object;
	const picked = pickEmail(definition.emails(object, found));
	if ('problem' in picked) return ignored(noEmailReason(picked.problem, found));

	const perEvent = settings.perEvent.get(type) ?? DEFAULT_PER_EVENT;
	const contact = { email: picked.email } as StripeContact;
	if (perEvent.syncNames) {
		const { firstName, lastName } = splitName(definition.personName(object, found));
		if (firstName !== undefined) contact.firstName = firstName;
		if (lastName !== undefined) contact.lastName = lastName;
	}
	if (perEvent.userGroup !== undefined) contact.userGroup = perEvent.userGroup;
	if (perEvent.mailingLists !== undefined) contact.mailingLists = { ...perEvent.mailingLists };
	contact.source = 'Stripe';
	const subscription = wantsSubscriptionState(settings, type) ? definition.subscription(object, found) : undefined;
	if (subscription !== undefined) Object.assign(contact, subscriptionContactState(subscription));

	const action: ContactAction = definition.effect === 'upsert' ? 'upsert' : settings.onCustomerDeleted;
	const item: StripeContactItem = {
		stripeEventId: envelope.id,
		stripeEventType: type,
		livemode: envelope.livemode,
		occurredAt: new Date(envelope.created * 1000).toISOString(),
		action,
		contact,
		stripe: {},
	};
	if (perEvent.eventName !== undefined) {
		item.event = {
			name: perEvent.eventName,
			properties: definition.properties(object, type, found),
			idempotencyKey: envelope.id,
		};
	}
	const customerId = definition.customerId(object, found);
	if (customerId !== undefined) item.stripe.customerId = customerId;
	if (typeof object.id === 'string' && object.id !== '') item.stripe.objectId = object.id;
	if (settings.includeStripeObject) item.stripe.object = object;
	return { outcome: 'accepted', item };
}
