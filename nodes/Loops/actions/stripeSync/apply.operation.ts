import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { StripeContactItem } from '../../../shared/StripeContactItem';
import { emailOrderingKey } from '../../helpers/fields';
import { knownFields } from '../../../shared/knownFields';
import { sendOnce } from '../../helpers/sendOnce';
import type { LoopsClient } from '../../transport';
import { readStripeContactItem } from './readItem';
import { createMissingSubscriptionProperties, subscriptionFields } from './subscriptionProperties';
import type { SubscriptionPropertyName } from '../../../shared/subscriptionProperties';

export const description: INodeProperties[] = [
	{
		displayName:
			'Connect the Stripe Contact Trigger. Each item upserts, unsubscribes or deletes its contact in Loops, then sends its event once (the Stripe event ID is the idempotency key, so Stripe retries never send twice).',
		name: 'applyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['stripeSync'], operation: ['apply'] } },
	},
];

type ContactResult = 'upserted' | 'unsubscribed' | 'deleted' | 'alreadyDeleted';
type EventResult = 'sent' | 'alreadySent' | 'skipped';

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const item = readItem.call(this, itemIndex);
	const { email } = item.contact;
	const contact = await applyContact.call(this, item, loops, itemIndex);

	let event: { result: EventResult; reason?: string } | undefined;
	if (item.event && item.action === 'delete') {
		// Loops creates the contact an event names: sending it would undo the delete.
		event = { result: 'skipped', reason: 'not sent after a delete: Loops would re-create the contact' };
	} else if (item.event) {
		const sent = await sendOnce(loops, {
			path: '/events/send',
			body: {
				email,
				eventName: item.event.name,
				...(item.event.properties && Object.keys(item.event.properties).length > 0
					? { eventProperties: item.event.properties }
					: {}),
				// Only an upsert joins lists; an unsubscribed person is not put back on any.
				...(item.action === 'upsert' && item.contact.mailingLists ? { mailingLists: item.contact.mailingLists } : {}),
			},
			idempotency: { key: item.event.idempotencyKey, own: false },
			itemIndex,
		});
		event = { result: sent.result };
	}

	return {
		stripeEventId: item.stripeEventId,
		stripeEventType: item.stripeEventType,
		action: item.action,
		email,
		contactResult: contact.result,
		...(contact.id ? { contactId: contact.id } : {}),
		...(item.event && event
			? { eventName: item.event.name, eventResult: event.result, ...(event.reason ? { eventSkippedReason: event.reason } : {}) }
			: {}),
		summary: summarize(contact.result, item.event?.name, event?.result),
	};
}

/** Same person, same order: an upsert never overtakes an earlier one for that email. */
export function orderingKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return emailOrderingKey((this.getInputData()[itemIndex]?.json?.contact as IDataObject | undefined)?.email);
}

function readItem(this: IExecuteFunctions, itemIndex: number): StripeContactItem {
	const read = readStripeContactItem(this.getInputData()[itemIndex].json);
	if (read.ok) return read.item;
	throw new NodeOperationError(
		this.getNode(),
		`Item ${itemIndex + 1} is not a StripeContactItem: ${read.problems.join('; ')}`,
		{
			itemIndex,
			description:
				'Stripe Sync → Apply takes the items the Stripe Contact Trigger emits (action, contact.email, optional event). Nothing was sent to Loops for this item.',
		},
	);
}

async function applyContact(
	this: IExecuteFunctions,
	item: StripeContactItem,
	loops: LoopsClient,
	itemIndex: number,
): Promise<{ result: ContactResult; id?: string }> {
	const { email } = item.contact;
	if (item.action === 'delete') {
		const { statusCode, attempts } = await loops.request({
			method: 'POST',
			path: '/contacts/delete',
			body: { email },
			accept: [404],
			itemIndex,
		});
		// After a retry a 404 may be our own earlier attempt: the contact is gone either way.
		return { result: statusCode === 404 && attempts === 1 ? 'alreadyDeleted' : 'deleted' };
	}
	// Never `subscribed: true` (it would re-subscribe people who opted out); unsubscribe sends only false.
	const subscription = item.action === 'upsert' ? subscriptionFields(item.contact) : {};
	const body: IDataObject =
		item.action === 'unsubscribe'
			? { email, subscribed: false }
			: {
					...knownFields({
						email,
						firstName: item.contact.firstName,
						lastName: item.contact.lastName,
						userGroup: item.contact.userGroup,
						source: item.contact.source,
						...(item.contact.mailingLists && Object.keys(item.contact.mailingLists).length > 0
							? { mailingLists: item.contact.mailingLists }
							: {}),
					}),
					...subscription,
				};
	const names = Object.keys(subscription) as SubscriptionPropertyName[];
	const update = async (accept?: number[]) =>
		await loops.request<IDataObject>({ method: 'PUT', path: '/contacts/update', body, itemIndex, accept });
	const first = await update(names.length > 0 ? [400] : undefined);
	let answer = first.body;
	if (first.statusCode === 400) {
		// Loops refuses contact properties it does not have: create the missing ones, then once more.
		// When none was missing the refusal is about something else, and the repeat reports it.
		await createMissingSubscriptionProperties.call(this, loops, names, itemIndex);
		({ body: answer } = await update());
	}
	return {
		result: item.action === 'unsubscribe' ? 'unsubscribed' : 'upserted',
		...(typeof answer?.id === 'string' ? { id: answer.id } : {}),
	};
}

const CONTACT_WORDS: Record<ContactResult, string> = {
	upserted: 'contact created or updated',
	unsubscribed: 'contact unsubscribed',
	deleted: 'contact deleted',
	alreadyDeleted: 'contact already deleted',
};

function summarize(contact: ContactResult, eventName?: string, event?: EventResult): string {
	const eventWords =
		event === 'sent'
			? `event "${eventName}" sent`
			: event === 'alreadySent'
				? `event "${eventName}" already sent`
				: event === 'skipped'
					? `event "${eventName}" not sent (the contact was deleted)`
					: undefined;
	return [CONTACT_WORDS[contact], eventWords].filter(Boolean).join('; ');
}
