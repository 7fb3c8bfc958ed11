import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteContact from './delete.operation';
import * as find from './find.operation';
import * as unsubscribe from './unsubscribe.operation';
import * as update from './update.operation';

export { create, deleteContact as delete, find, unsubscribe, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a contact (error if it exists)', action: 'Create a contact' },
			{ name: 'Delete', value: 'delete', description: 'Delete a contact by email or user ID', action: 'Delete a contact' },
			{ name: 'Find', value: 'find', description: 'Find a contact by email or user ID', action: 'Find a contact' },
			{ name: 'Unsubscribe', value: 'unsubscribe', description: 'Unsubscribe a contact from campaign and loop emails', action: 'Unsubscribe a contact' },
			{ name: 'Update', value: 'update', description: 'Create or update a contact (upsert by email)', action: 'Update a contact' },
		],
		default: 'update',
	},
	...create.description,
	...update.description,
	...find.description,
	...deleteContact.description,
	...unsubscribe.description,
];
