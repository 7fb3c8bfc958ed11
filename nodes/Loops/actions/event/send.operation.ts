import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { additionalFields, emailField, idempotencyKeyField, mailingListFields, typedPairsField } from '../common.descriptions';
import { emailKey, idempotencyKey, mailingLists, pairsIn, requiredString, typedPairs } from '../../helpers/fields';
import { knownFields } from '../../../shared/knownFields';
import { sendOnce } from '../../helpers/sendOnce';
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
	additionalFields(show, [
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
	]),
];

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const eventName = requiredString.call(this, 'eventName', 'Event Name', itemIndex);
	const email = requiredString.call(this, 'email', 'Email', itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const eventProperties = typedPairs.call(this, pairsIn(fields, 'eventProperties'), itemIndex, 'Event property');
	const lists = mailingLists(fields.subscribeToLists, fields.unsubscribeFromLists);
	const body: IDataObject = {
		...typedPairs.call(this, pairsIn(fields, 'contactProperties'), itemIndex, 'Contact property'),
		...knownFields({ email, eventName, userId: fields.userId }),
		...(Object.keys(eventProperties).length > 0 ? { eventProperties } : {}),
		...(lists ? { mailingLists: lists } : {}),
	};
	const idempotency = idempotencyKey.call(this, fields.idempotencyKey, itemIndex);
	return { eventName, email, ...(await sendOnce(loops, { path: '/events/send', body, idempotency, itemIndex })) };
}

export const orderingKey = emailKey;
