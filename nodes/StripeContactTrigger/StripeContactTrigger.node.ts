import type {
	IDataObject,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { handleStripeDelivery } from './delivery';
import { DEFAULT_EVENT_TYPES, DEFAULT_REMOVAL_ACTION, STRIPE_API_EVENT_TYPES, stripeEventOptions } from './events';
import { lookUp } from './lookup';
import { readRawBody } from './rawBody';
import { stripeSigningSecretTest } from './signingSecretTest';
import {
	DEFAULT_TOLERANCE_SECONDS,
	readToleranceSeconds,
	readTriggerSettings,
} from './settings';
import { STRIPE_CREDENTIAL_TYPE, stripeClientFor } from './stripeApi';
import type { SigningSecrets } from './verify';
import { REGISTER_ENDPOINT_PARAMETER, registeredSigningSecret, stripeEndpointMethods } from './webhookMethods';

/**
 * n8n's key for a webhook description's native resolvers (n8n-workflow's
 * WEBHOOK_RESOLVERS, a registered symbol, so it exists on every n8n version).
 * n8n 2.41+ resolves a field through its resolver, without the expression
 * engine, when the field still holds the resolver's template and the node's
 * parameters hold no expression; older versions evaluate the template.
 */
const WEBHOOK_RESOLVERS = Symbol.for('n8n.webhookDescriptionResolvers');

/** Durable mode answers Stripe after the workflow ("lastNode"); otherwise once the execution is registered. */
const RESPONSE_MODE = {
	template: '={{$parameter["options"]["durable"] === true ? "lastNode" : "onReceived"}}',
	resolve: (parameters: INodeParameters) =>
		(parameters.options as IDataObject | undefined)?.durable === true ? 'lastNode' : 'onReceived',
};

export class StripeContactTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stripe Contact Trigger',
		name: 'stripeContactTrigger',
		icon: { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly like 1. It exists because n8n's webhook server, for any
		// start node at typeVersion 1, evaluates the expression
		// {{$parameter["options"]["binaryData"]}} (a Webhook v1 option) before webhook()
		// runs; with n8n's isolated-vm expression engine that builds a fresh isolate
		// for every delivery. Workflows saved with 1 keep working.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{$parameter["events"].length === 1 ? $parameter["events"][0] : $parameter["events"].length + " Stripe events"}}',
		description:
			'Starts the workflow with one clean contact item for every verified Stripe event about a person',
		defaults: {
			name: 'Stripe Contact Trigger',
		},
		eventTriggerDescription: 'Waiting for a signed Stripe event at the Test URL',
		// n8n 2.x publishes workflows (there is no "Activate" any more); its generic
		// webhook texts say neither that, nor where a Stripe test event comes from.
		triggerPanel: {
			header: 'Send a Stripe test event to the Test URL',
			executionsHelp: {
				inactive:
					"Click 'Execute step', then send a test event: in Stripe (Developers → Webhooks → your endpoint → Send test event) or with npm run send-test-event. Once published, deliveries to the Production URL run the workflow.",
				active: 'The workflow is published: every Stripe delivery to the Production URL runs it.',
			},
			activationHint: 'Publish the workflow, then add its Production URL as an endpoint in Stripe.',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// While the node registers its own endpoint it verifies with the secret Stripe
		// returned, and the signing-secret credential is hidden (hide, not show: a
		// workflow saved before registerEndpoint existed has no value for it). The API
		// key is optional for lookups; registration checks for it on publish.
		credentials: [
			{
				name: 'stripeWebhookSigningApi',
				displayName: 'Signing Secret',
				required: true,
				testedBy: 'stripeSigningSecretTest',
				displayOptions: { hide: { [REGISTER_ENDPOINT_PARAMETER]: [true] } },
			},
			{ name: STRIPE_CREDENTIAL_TYPE, displayName: 'Stripe API Key', required: false },
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: RESPONSE_MODE.template,
				// n8n answers an onReceived webhook with this value when it is set, and
				// defaults it to the text "firstEntryJson"; empty makes it answer with
				// the webhookResponse that webhook() returns: {"received":true}. In
				// durable mode (lastNode) it answers with the last node's items.
				responseData: '',
				path: 'stripe',
				[WEBHOOK_RESOLVERS]: { responseMode: RESPONSE_MODE },
			} as IWebhookDescription,
		],
		properties: [
			{
				displayName:
					'In Stripe, open Developers → Webhooks → Add endpoint, paste this node\'s Production URL (under Webhook URLs above) and select the same events as below. Then click Reveal under Signing secret and paste the whsec_… value into the credential. Publish the workflow (top right) to start receiving events on the Production URL.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { [REGISTER_ENDPOINT_PARAMETER]: [false] } },
			},
			{
				displayName:
					'On publish, the node finds or creates the Stripe webhook endpoint for its Production URL with the selected events, and verifies deliveries with the signing secret Stripe returns; on unpublish it deletes that endpoint. It needs a Stripe API Key credential with Write on Webhook Endpoints.',
				name: 'registrationNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { [REGISTER_ENDPOINT_PARAMETER]: [true] } },
			},
			{
				displayName: 'Register Endpoint in Stripe',
				name: REGISTER_ENDPOINT_PARAMETER,
				type: 'boolean',
				default: false,
				description:
					'Whether publishing the workflow creates (or reuses) the webhook endpoint for the Production URL in Stripe with the events below, and unpublishing deletes it. Off: add the endpoint in Stripe by hand.',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: [...DEFAULT_EVENT_TYPES],
				description:
					'Stripe events that become contact items. Anything else Stripe sends is answered and dropped without an execution.',
				options: stripeEventOptions(),
			},
			{
				displayName:
					'Subscription, dispute and quote events carry no email (nor does an expired checkout before the customer typed one): the trigger reads it through Stripe\'s API. Select a Stripe Restricted Key API credential above. Without it, Stripe\'s deliveries of these events are answered with an error that names the missing credential, and Stripe retries them until it is set.',
				name: 'stripeApiNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { events: [...STRIPE_API_EVENT_TYPES] } },
			},
			{
				displayName: 'Event Settings',
				name: 'eventSettings',
				type: 'fixedCollection',
				placeholder: 'Add Event Setting',
				typeOptions: {
					multipleValues: true,
				},
				default: {},
				description:
					'Per Stripe event: the Loops event to send, and the user group and mailing lists to set. Events without an entry only sync the contact.',
				options: [
					{
						name: 'settings',
						displayName: 'Event',
						values: [
							{
								displayName: 'Event Name',
								name: 'eventName',
								type: 'string',
								default: '',
								placeholder: 'e.g. successfulPayment',
								description:
									'Loops event to send with the contact; empty sends none. Loops\' templates use newStripeCustomer, stripeCheckout, successfulPayment and failedPayment.',
							},
							{
								displayName: 'Mailing Lists',
								name: 'mailingLists',
								type: 'string',
								default: '',
								placeholder: 'e.g. cm06f5v0e45nf0ml5754o9cix, cm06f5v0e45nf0ml5754o9ciy',
								description:
									'Comma-separated Loops mailing list IDs to subscribe the contact to; empty leaves lists unchanged',
								hint: "Find list IDs in Loops → Audience → Lists, or with the Loops node's Mailing List → Get Many.",
							},
							{
								displayName: 'Stripe Event',
								name: 'stripeEvent',
								type: 'options',
								default: 'invoice.paid',
								options: stripeEventOptions(),
								description: 'The Stripe event these settings apply to (one entry per event)',
							},
							{
								displayName: 'Sync Names',
								name: 'syncNames',
								type: 'boolean',
								default: true,
								description:
									'Whether to set first and last name from the name in Stripe (first word / the rest)',
							},
							{
								displayName: 'Sync Subscription State',
								name: 'syncSubscriptionState',
								type: 'boolean',
								default: false,
								description:
									'Whether to set the subscription state on the contact (subscriptionStatus, subscriptionPlan, trialEndsAt, currentPeriodEndsAt, cancelAtPeriodEnd, stripeCustomerId, mrr, subscriptionCurrency) for this event. Needs the Stripe API credential for invoice and checkout events.',
							},
							{
								displayName: 'User Group',
								name: 'userGroup',
								type: 'string',
								default: '',
								placeholder: 'e.g. customers',
								description: 'Loops user group to set on the contact; empty leaves it unchanged',
							},
						],
					},
				],
			},
			{
				displayName: 'On Customer Deleted',
				name: 'onCustomerDeleted',
				type: 'options',
				default: DEFAULT_REMOVAL_ACTION,
				description: 'What a customer.deleted event does to the contact',
				options: [
					{
						name: 'Unsubscribe',
						value: 'unsubscribe',
						description: 'Keep the contact and its history, but stop all emails to it',
					},
					{
						name: 'Delete',
						value: 'delete',
						description: 'Remove the contact from the audience entirely',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Answer Stripe After the Workflow (Durable)',
						name: 'durable',
						type: 'boolean',
						default: false,
						description:
							'Whether to answer Stripe only when the workflow has finished: 200 when it succeeded, 500 when it failed (e.g. Loops stayed unavailable longer than the Loops node retries) or n8n stopped, so Stripe redelivers it. Off, Stripe gets 200 at once and what fails later is not redelivered.',
					},
					{
						displayName: 'Include Stripe Object',
						name: 'includeStripeObject',
						type: 'boolean',
						default: false,
						description:
							'Whether to add the full Stripe object the event is about (customer, session, invoice, subscription, dispute or quote) under stripe.object',
					},
					{
						displayName: 'Mode',
						name: 'mode',
						type: 'options',
						default: 'any',
						description: 'Which Stripe mode to accept; events from the other mode are ignored',
						options: [
							{ name: 'Live and Test', value: 'any' },
							{ name: 'Live Only', value: 'live' },
							{ name: 'Test Only', value: 'test' },
						],
					},
					{
						displayName: 'Signature Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_TOLERANCE_SECONDS,
						description:
							'How old a Stripe signature may be before the delivery is rejected as a possible replay',
					},
					{
						displayName: 'Sync Subscription State for All Events',
						name: 'syncSubscriptionState',
						type: 'boolean',
						default: false,
						description:
							'Whether every event about a subscription (subscription events, and invoices and checkouts of one) sets the subscription state on the contact: subscriptionStatus, subscriptionPlan, trialEndsAt, currentPeriodEndsAt, cancelAtPeriodEnd, stripeCustomerId, mrr, subscriptionCurrency. Needs the Stripe API credential; read as the subscription is now.',
					},
				],
			},
		],
	};

	methods = { credentialTest: { stripeSigningSecretTest } };

	webhookMethods = { default: stripeEndpointMethods };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const rawBody = await readRawBody(request);
		const options = this.getNodeParameter('options', {}) as IDataObject;

		let secrets: SigningSecrets = {};
		try {
			secrets = await this.getCredentials<SigningSecrets>('stripeWebhookSigningApi');
		} catch {
			// No usable credential means no secret: verification then fails closed,
			// unless the node registered this endpoint and kept its secret.
			const registered = registeredSigningSecret(this);
			if (registered !== undefined) secrets = { signingSecret: registered };
		}

		const answer = await handleStripeDelivery(
			{ rawBody, signatureHeader: request.headers['stripe-signature'] },
			secrets,
			readToleranceSeconds(options.toleranceSeconds),
			() => {
				try {
					return readTriggerSettings({
						events: this.getNodeParameter('events', []),
						eventSettings: this.getNodeParameter('eventSettings', {}),
						onCustomerDeleted: this.getNodeParameter('onCustomerDeleted', DEFAULT_REMOVAL_ACTION),
						options,
					});
				} catch (error) {
					throw new NodeOperationError(this.getNode(), error as Error);
				}
			},
			async (type, lookups) => await lookUp(type, lookups, async () => await stripeClientFor(this)),
		);

		if ('item' in answer) {
			// Durable mode (responseMode lastNode): n8n answers when the workflow has finished instead.
			return { webhookResponse: answer.body, workflowData: [[{ json: answer.item }]] };
		}
		if (answer.status === 200) return { webhookResponse: answer.body };
		this.getResponseObject().status(answer.status).json(answer.body);
		return { noWebhookResponse: true };
	}
}
