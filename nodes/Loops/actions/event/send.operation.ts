import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailField, idempotencyKeyField, mailingListFields, typedPairsField } from '../common.descriptions';
import { emailKey, idempotencyKey, mailingLists, present, requiredString, typedPairs, type TypedPair } from '../fields';
import type { LoopsClient } from '../../transport';

const show = { resource: ['event'], operation: ['send'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Event Name',
		name: 'eventName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. signup',
		description: 'The event that triggers your loops in Loops',
		displayOptions: { show },
	},
	{ ...emailField('The contact the event is about; Loops creates the contact when it does not exist'), displayOptions: { show } },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			typedPairsField({
				displayName: 'Contact Properties',
				name: 'contactProperties',
				placeholder: 'Add Contact Property',
				description: 'Contact properties to update along with the event',
				keyLoadOptions: 'getContactProperties',
				allowClear: true,
			}),
			typedPairsField({
				displayName: 'Event Properties',
				name: 'eventProperties',
				placeholder: 'Add Event Property',
				description: 'Data available to the emails this event triggers',
			}),
			idempotencyKeyField,
			...mailingListFields,
			{
				displayName: 'User ID',
				name: 'userId',
				type: 'string',
				default: '',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const eventName = requiredString.call(this, 'eventName', 'Event Name', itemIndex);
	const email = requiredString.call(this, 'email', 'Email', itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const pairs = (name: string) => (fields[name] as { property?: TypedPair[] } | undefined)?.property;
	const eventProperties = typedPairs.call(this, pairs('eventProperties'), itemIndex, 'Event property');
	const lists = mailingLists(fields.subscribeToLists, fields.unsubscribeFromLists);
	const body: IDataObject = {
		...typedPairs.call(this, pairs('contactProperties'), itemIndex, 'Contact property'),
		...present({ email, eventName, userId: fields.userId }),
		...(Object.keys(eventProperties).length > 0 ? { eventProperties } : {}),
		...(lists ? { mailingLists: lists } : {}),
	};
	const key = idempotencyKey.call(this, fields.idempotencyKey, itemIndex);
	const { statusCode } = await loops.request({
		method: 'POST',
		path: '/events/send',
		body,
		idempotencyKey: key.key,
		accept: [409],
		itemIndex,
	});
	// A 409 on our own key can only be our earlier attempt, applied before its answer was lost.
	const result = statusCode === 409 && !key.own ? 'alreadySent' : 'sent';
	return { eventName, email, result, ...(key.own ? {} : { idempotencyKey: key.key }) };
}

export function orderingKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return emailKey.call(this, itemIndex);
}
