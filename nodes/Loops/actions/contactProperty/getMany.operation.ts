import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { LoopsClient } from '../../transport';

export const description: INodeProperties[] = [
	{
		displayName: 'Which Properties',
		name: 'list',
		type: 'options',
		options: [
			{ name: 'All', value: 'all', description: 'Default and custom properties' },
			{ name: 'Custom Only', value: 'custom' },
		],
		default: 'all',
		displayOptions: { show: { resource: ['contactProperty'], operation: ['getMany'] } },
	},
];

/** One output item per property: { key, label, type }. */
export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject[]> {
	const list = this.getNodeParameter('list', itemIndex, 'all') as string;
	const { body } = await loops.request<IDataObject[]>({
		method: 'GET',
		path: '/contacts/properties',
		qs: { list },
		itemIndex,
	});
	return Array.isArray(body) ? body : [];
}
