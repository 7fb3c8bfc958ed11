/**
 * Create and Update send the same contact fields and differ only in the
 * endpoint (POST /contacts/create answers 409 for an existing contact,
 * PUT /contacts/update upserts) and in how the editor labels them.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeProperties } from 'n8n-workflow';

import { additionalFields, emailField } from '../common.descriptions';
import { emailKey, requiredString } from '../../helpers/fields';
import type { LoopsClient } from '../../transport';
import type { LoopsOperation } from '../types';
import { contactBody, contactFieldOptions } from './contactFields';

interface ContactWrite {
	operation: 'create' | 'update';
	request: { method: IHttpRequestMethods; path: '/contacts/create' | '/contacts/update' };
	emailDescription: string;
	/** The collection of optional contact fields. */
	fields: Pick<INodeProperties, 'displayName' | 'name'>;
}

export function contactWriteOperation(write: ContactWrite): Required<LoopsOperation> {
	const show = { resource: ['contact'], operation: [write.operation] };
	return {
		description: [
			{ ...emailField(write.emailDescription), displayOptions: { show } },
			additionalFields(show, contactFieldOptions, write.fields),
		],
		async execute(this: IExecuteFunctions, itemIndex: number, loops: LoopsClient): Promise<IDataObject> {
			const email = requiredString.call(this, 'email', 'Email', itemIndex);
			const fields = this.getNodeParameter(write.fields.name, itemIndex, {}) as IDataObject;
			const body = contactBody.call(this, email, fields, itemIndex);
			const { body: answer } = await loops.request<IDataObject>({ ...write.request, body, itemIndex });
			return { id: answer.id, ...body };
		},
		orderingKey: emailKey,
	};
}
