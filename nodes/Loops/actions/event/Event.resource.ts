import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';

export { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{ name: 'Send', value: 'send', description: 'Send an event that can trigger loops', action: 'Send an event' },
		],
		default: 'send',
	},
	...send.description,
];
