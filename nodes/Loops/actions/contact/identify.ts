/** "Find/delete by email or user ID": the selector both operations share. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { emailField } from '../common.descriptions';
import { emailOrderingKey, requiredString } from '../../helpers/fields';

export function identifyFields(operation: string, verb: string): INodeProperties[] {
	const show = { resource: ['contact'], operation: [operation] };
	return [
		{
			displayName: `${verb} By`,
			name: 'identifyBy',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Email', value: 'email' },
				{ name: 'User ID', value: 'userId' },
			],
			default: 'email',
			displayOptions: { show },
		},
		{ ...emailField(), displayOptions: { show: { ...show, identifyBy: ['email'] } } },
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			required: true,
			default: '',
			displayOptions: { show: { ...show, identifyBy: ['userId'] } },
		},
	];
}

/** { email } or { userId }, as chosen. */
export function identity(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const by = this.getNodeParameter('identifyBy', itemIndex, 'email') as 'email' | 'userId';
	return by === 'userId'
		? { userId: requiredString.call(this, 'userId', 'User ID', itemIndex) }
		: { email: requiredString.call(this, 'email', 'Email', itemIndex) };
}

export function identityKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	const id = identity.call(this, itemIndex);
	return id.email ? emailOrderingKey(id.email) : `userId:${String(id.userId)}`;
}
