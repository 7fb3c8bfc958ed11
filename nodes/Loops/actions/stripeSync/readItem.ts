/**
 * Checks that an input item is a StripeContactItem (nodes/shared) before
 * anything is sent: a wrong item changes nothing in Loops.
 */
import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../../../shared/isObject';
import type { ContactAction, StripeContactItem } from '../../../shared/StripeContactItem';
import { isNonBlank } from '../../../shared/text';
import { IDEMPOTENCY_KEY_MAX_LENGTH } from '../../helpers/fields';
import { subscriptionFieldProblems } from './subscriptionProperties';

const ACTIONS: ContactAction[] = ['upsert', 'unsubscribe', 'delete'];

export type ReadResult = { ok: true; item: StripeContactItem } | { ok: false; problems: string[] };

export function readStripeContactItem(json: IDataObject): ReadResult {
	const problems: string[] = [];
	if (!ACTIONS.includes(json.action as ContactAction)) {
		problems.push(
			json.action === undefined
				? 'action is missing'
				: `action must be upsert, unsubscribe or delete (got ${JSON.stringify(json.action)})`,
		);
	}
	const contact = json.contact;
	if (!isObject(contact)) problems.push('contact is missing');
	else {
		if (!isNonBlank(contact.email)) problems.push('contact.email is missing');
		if (contact.mailingLists !== undefined && !isObject(contact.mailingLists)) {
			problems.push('contact.mailingLists must be an object of list ids to true/false');
		}
		problems.push(...subscriptionFieldProblems(contact));
	}
	const event = json.event;
	if (event !== undefined) {
		if (!isObject(event)) problems.push('event must be an object');
		else {
			if (!isNonBlank(event.name)) problems.push('event.name is missing');
			if (!isNonBlank(event.idempotencyKey)) problems.push('event.idempotencyKey is missing');
			else if (event.idempotencyKey.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
				problems.push(`event.idempotencyKey is longer than ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
			}
			if (event.properties !== undefined && !isObject(event.properties)) problems.push('event.properties must be an object');
		}
	}
	if (problems.length > 0) return { ok: false, problems };
	// A node between the trigger and this one may have re-typed the address: every call gets it trimmed.
	const item = json as StripeContactItem;
	return { ok: true, item: { ...item, contact: { ...item.contact, email: item.contact.email.trim() } } };
}
