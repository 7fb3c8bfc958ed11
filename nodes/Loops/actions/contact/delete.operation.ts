import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { LoopsClient } from '../../transport';
import { identifyFields, identity, identityKey } from './identify';

const show = { resource: ['contact'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Removes the contact and its history from Loops. To only stop emails, use Unsubscribe.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	...identifyFields('delete', 'Delete'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Succeed If Not Found',
				name: 'succeedIfNotFound',
				type: 'boolean',
				default: false,
				description: 'Whether a contact that does not exist counts as deleted instead of an error',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const who = identity.call(this, itemIndex);
	const { succeedIfNotFound } = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const { statusCode } = await loops.request({
		method: 'POST',
		path: '/contacts/delete',
		body: who,
		accept: succeedIfNotFound ? [404] : [],
		itemIndex,
	});
	return { ...who, deleted: true, ...(statusCode === 404 ? { alreadyAbsent: true } : {}) };
}

export const orderingKey = identityKey;
