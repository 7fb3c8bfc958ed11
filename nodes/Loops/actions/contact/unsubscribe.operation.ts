import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailField } from '../common.descriptions';
import { emailKey, requiredString } from '../../helpers/fields';
import type { LoopsClient } from '../../transport';

const show = { resource: ['contact'], operation: ['unsubscribe'] };

export const description: INodeProperties[] = [
	{
		displayName:
			'Keeps the contact and its history; stops campaign and loop emails (transactional emails still arrive). To remove the contact, use Delete.',
		name: 'unsubscribeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	{ ...emailField('The contact to unsubscribe'), displayOptions: { show } },
];

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const email = requiredString.call(this, 'email', 'Email', itemIndex);
	const { body } = await loops.request<IDataObject>({
		method: 'PUT',
		path: '/contacts/update',
		body: { email, subscribed: false },
		itemIndex,
	});
	return { id: body.id, email, subscribed: false };
}

export const orderingKey = emailKey;
