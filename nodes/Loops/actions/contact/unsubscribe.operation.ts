import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailField } from '../common.descriptions';
import { emailKey, requiredString } from '../fields';
import type { LoopsClient } from '../../transport';

export const description: INodeProperties[] = [
	{
		...emailField('The contact to unsubscribe from campaign and loop emails (transactional emails still arrive)'),
		displayOptions: { show: { resource: ['contact'], operation: ['unsubscribe'] } },
	},
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

export function orderingKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return emailKey.call(this, itemIndex);
}
