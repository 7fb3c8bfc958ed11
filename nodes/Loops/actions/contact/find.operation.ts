import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { LoopsClient } from '../../transport';
import { identifyFields, identity, identityKey } from './identify';

export const description: INodeProperties[] = identifyFields('find', 'Find');

/** One output item per contact found; none when there is no such contact. */
export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject[]> {
	const { body } = await loops.request<IDataObject[]>({
		method: 'GET',
		path: '/contacts/find',
		qs: identity.call(this, itemIndex),
		itemIndex,
	});
	return Array.isArray(body) ? body : [];
}

export const orderingKey = identityKey;
