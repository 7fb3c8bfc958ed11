import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as getMany from './getMany.operation';

export { create, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contactProperty'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a custom contact property', action: 'Create a contact property' },
			{ name: 'Get Many', value: 'getMany', description: 'List contact properties', action: 'Get many contact properties' },
		],
		default: 'getMany',
	},
	...create.description,
	...getMany.description,
];
