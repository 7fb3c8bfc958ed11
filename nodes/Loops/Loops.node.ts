import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as contact from './actions/contact/Contact.resource';
import * as contactProperty from './actions/contactProperty/ContactProperty.resource';
import * as event from './actions/event/Event.resource';
import * as mailingList from './actions/mailingList/MailingList.resource';
import * as stripeSync from './actions/stripeSync/StripeSync.resource';
import * as transactionalEmail from './actions/transactionalEmail/TransactionalEmail.resource';
import { retryOptionsField } from './actions/common.descriptions';
import { router } from './actions/router';
import * as loadOptions from './methods/loadOptions';

export class Loops implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Loops',
		name: 'loops',
		icon: 'file:loops.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Sync contacts, send events and transactional emails with Loops',
		defaults: {
			name: 'Loops',
		},
		inputs: ['main'],
		outputs: ['main'],
		credentials: [
			{
				name: 'loopsApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Contact', value: 'contact' },
					{ name: 'Contact Property', value: 'contactProperty' },
					{ name: 'Event', value: 'event' },
					{ name: 'Mailing List', value: 'mailingList' },
					{ name: 'Stripe Sync', value: 'stripeSync' },
					{ name: 'Transactional Email', value: 'transactionalEmail' },
				],
				default: 'stripeSync',
			},
			...stripeSync.description,
			...contact.description,
			...event.description,
			...transactionalEmail.description,
			...mailingList.description,
			...contactProperty.description,
			retryOptionsField,
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
