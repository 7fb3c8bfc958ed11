import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { propertyTypeOptions } from '../common.descriptions';
import { requiredString } from '../../helpers/fields';
import type { LoopsClient } from '../../transport';

const show = { resource: ['contactProperty'], operation: ['create'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. planName',
		description: 'In camelCase, as used in the API and in email tags',
		displayOptions: { show },
	},
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		options: propertyTypeOptions(['boolean', 'date', 'number', 'string']),
		default: 'string',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const name = requiredString.call(this, 'name', 'Name', itemIndex);
	if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) {
		throw new NodeOperationError(this.getNode(), `"${name}" is not a camelCase property name`, {
			itemIndex,
			description: 'Loops property names start with a lower-case letter and contain only letters and digits, e.g. planName',
		});
	}
	const type = this.getNodeParameter('type', itemIndex) as string;
	await loops.request({ method: 'POST', path: '/contacts/properties', body: { name, type }, itemIndex });
	return { name, type, created: true };
}

/** Two creates of the same name must not race. */
export function orderingKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return `property:${String(this.getNodeParameter('name', itemIndex, ''))}`;
}
