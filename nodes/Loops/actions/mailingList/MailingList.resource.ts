import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['mailingList'] } },
		options: [
			{ name: 'Get Many', value: 'getMany', description: 'List your mailing lists', action: 'Get many mailing lists' },
		],
		default: 'getMany',
	},
	...getMany.description,
];
