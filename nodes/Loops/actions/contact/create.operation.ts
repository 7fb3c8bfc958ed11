import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailField } from '../common.descriptions';
import { emailKey, requiredString } from '../fields';
import type { LoopsClient } from '../../transport';
import { contactBody, contactFieldOptions } from './contactFields';

const show = { resource: ['contact'], operation: ['create'] };

export const description: INodeProperties[] = [
	{ ...emailField('The new contact’s email. Loops answers an error if it already exists; use Update to upsert.'), displayOptions: { show } },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: contactFieldOptions,
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const email = requiredString.call(this, 'email', 'Email', itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const body = contactBody.call(this, email, fields, itemIndex);
	const { body: answer } = await loops.request<IDataObject>({ method: 'POST', path: '/contacts/create', body, itemIndex });
	return { id: answer.id, ...body };
}

export function orderingKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return emailKey.call(this, itemIndex);
}
