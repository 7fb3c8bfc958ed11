/** The contact fields create and update share, and the body they become. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { mailingListFields, typedPairsField } from '../common.descriptions';
import { mailingLists, pairsIn, typedPairs } from '../../helpers/fields';
import { knownFields } from '../../../shared/knownFields';

export const contactFieldOptions: INodeProperties[] = [
	typedPairsField({
		displayName: 'Custom Properties',
		name: 'customProperties',
		placeholder: 'Add Custom Property',
		description: 'Custom contact properties; create them in Loops first (Contact Property → Create)',
		keyLoadOptions: 'getCustomProperties',
		allowClear: true,
	}),
	{
		displayName: 'First Name',
		name: 'firstName',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Last Name',
		name: 'lastName',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Source',
		name: 'source',
		type: 'string',
		default: '',
		description: 'Where the contact came from; Loops shows "API" when empty',
	},
	...mailingListFields,
	{
		displayName: 'Subscribed',
		name: 'subscribed',
		type: 'boolean',
		default: true,
		description:
			'Whether the contact receives campaign and loop emails. Only sent when added here: setting it to true re-subscribes someone who unsubscribed.',
	},
	{
		displayName: 'User Group',
		name: 'userGroup',
		type: 'string',
		default: '',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		description: 'Your own ID for the contact; with an email on Update, lets you change the email',
	},
];

/** Email + the fields the user filled in; nothing else. */
export function contactBody(this: IExecuteFunctions, email: string, fields: IDataObject, itemIndex: number): IDataObject {
	const body: IDataObject = knownFields({
		email,
		firstName: fields.firstName,
		lastName: fields.lastName,
		userGroup: fields.userGroup,
		userId: fields.userId,
		source: fields.source,
	});
	if (typeof fields.subscribed === 'boolean') body.subscribed = fields.subscribed;
	const lists = mailingLists(fields.subscribeToLists, fields.unsubscribeFromLists);
	if (lists) body.mailingLists = lists;
	return { ...typedPairs.call(this, pairsIn(fields, 'customProperties'), itemIndex, 'Custom property'), ...body };
}
