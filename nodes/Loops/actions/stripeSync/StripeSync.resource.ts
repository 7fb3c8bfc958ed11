import type { INodeProperties } from 'n8n-workflow';

import * as apply from './apply.operation';

export { apply };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['stripeSync'] } },
		options: [
			{
				name: 'Apply',
				value: 'apply',
				description: 'Apply Stripe Contact Trigger items: sync the contact, then send its event once',
				action: 'Sync a contact and send its event',
			},
		],
		default: 'apply',
	},
	...apply.description,
];
