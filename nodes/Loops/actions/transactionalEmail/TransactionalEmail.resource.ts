import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';

export { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['transactionalEmail'] } },
		options: [
			{ name: 'Send', value: 'send', description: 'Send a transactional email', action: 'Send a transactional email' },
		],
		default: 'send',
	},
	...send.description,
];
