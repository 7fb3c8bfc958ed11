import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { additionalFields, emailField, idempotencyKeyField, typedPairsField } from '../common.descriptions';
import { emailKey, idempotencyKey, pairsIn, requiredString, typedPairs } from '../../helpers/fields';
import { sendOnce } from '../../helpers/sendOnce';
import type { LoopsClient } from '../../transport';
import { commaSeparated } from '../../../shared/text';

const show = { resource: ['transactionalEmail'], operation: ['send'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Transactional Email Name or ID',
		name: 'transactionalId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTransactionalEmails' },
		required: true,
		default: '',
		description:
			'A published transactional email. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show },
	},
	{ ...emailField('The recipient'), displayOptions: { show } },
	additionalFields(show, [
		{
			displayName: 'Add to Audience',
			name: 'addToAudience',
			type: 'boolean',
			default: false,
			description: 'Whether to create a contact for the recipient when none exists',
		},
		{
			displayName: 'Attachments (Binary Properties)',
			name: 'attachments',
			type: 'string',
			default: '',
			placeholder: 'e.g. data, invoice',
			description:
				'Comma-separated names of the input item’s binary properties to attach (attachments must be enabled for your Loops team)',
		},
		typedPairsField({
			displayName: 'Data Variables',
			name: 'dataVariables',
			placeholder: 'Add Data Variable',
			description: 'Values for the data variables in the email template',
			types: ['string', 'number'],
		}),
		idempotencyKeyField,
	]),
];

export async function execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
	const transactionalId = requiredString.call(this, 'transactionalId', 'Transactional Email', itemIndex);
	const email = requiredString.call(this, 'email', 'Email', itemIndex);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const dataVariables = typedPairs.call(this, pairsIn(fields, 'dataVariables'), itemIndex, 'Data variable');
	const attachments = await binaryAttachments.call(this, fields.attachments, itemIndex);
	const body: IDataObject = {
		transactionalId,
		email,
		...(fields.addToAudience === true ? { addToAudience: true } : {}),
		...(Object.keys(dataVariables).length > 0 ? { dataVariables } : {}),
		...(attachments.length > 0 ? { attachments } : {}),
	};
	const idempotency = idempotencyKey.call(this, fields.idempotencyKey, itemIndex);
	return {
		transactionalId,
		email,
		...(await sendOnce(loops, { path: '/transactional', body, idempotency, itemIndex })),
		...(attachments.length > 0 ? { attachments: attachments.map((a) => a.filename) } : {}),
	};
}

/** The named binary properties of the item as Loops attachments (base64). */
async function binaryAttachments(this: IExecuteFunctions, names: unknown, itemIndex: number): Promise<IDataObject[]> {
	const attachments: IDataObject[] = [];
	for (const property of commaSeparated(names)) {
		const binary = this.getInputData()[itemIndex].binary?.[property];
		if (!binary) {
			throw new NodeOperationError(this.getNode(), `The item has no binary property "${property}" to attach`, {
				itemIndex,
				description: 'Check the names in Attachments; they must match the input item’s binary properties',
			});
		}
		const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		attachments.push({
			filename: binary.fileName ?? property,
			contentType: binary.mimeType || 'application/octet-stream',
			data: buffer.toString('base64'),
		});
	}
	return attachments;
}

export const orderingKey = emailKey;
