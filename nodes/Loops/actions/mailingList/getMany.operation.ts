import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { LoopsClient } from '../../transport';

export const description: INodeProperties[] = [];

/** One output item per mailing list. */
export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject[]> {
	const { body } = await loops.request<IDataObject[]>({ method: 'GET', path: '/lists', itemIndex });
	return Array.isArray(body) ? body : [];
}
