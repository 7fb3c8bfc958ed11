/**
 * n8n's webhook lifecycle (checkExists → create on publish, delete on
 * unpublish) for the "Register Endpoint in Stripe" parameter. Off by default:
 * then there is nothing to create and nothing to delete, as with a hand-made
 * endpoint.
 */
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	endpointIsCurrent,
	registeredEndpoint,
	registeredSecret,
	registerEndpoint,
	RegistrationError,
	unregisterEndpoint,
	type EndpointTarget,
	type RegistrationData,
} from './endpointRegistration';
import { STRIPE_CREDENTIAL_TYPE, StripeApiError, stripeClientFor, type StripeClient } from './stripeApi';

export const REGISTER_ENDPOINT_PARAMETER = 'registerEndpoint';
const SIGNING_CREDENTIAL_TYPE = 'stripeWebhookSigningApi';

const registrationOn = (context: IHookFunctions | IWebhookFunctions) =>
	context.getNodeParameter(REGISTER_ENDPOINT_PARAMETER, false) === true;

const staticData = (context: IHookFunctions | IWebhookFunctions) =>
	context.getWorkflowStaticData('node') as RegistrationData;

function webhookUrl(context: IHookFunctions | IWebhookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(context.getNode(), 'n8n did not give this node a webhook URL');
	return url;
}

async function client(context: IHookFunctions): Promise<StripeClient> {
	const stripe = await stripeClientFor(context);
	if (!stripe) {
		throw new NodeOperationError(
			context.getNode(),
			`Register Endpoint in Stripe needs a Stripe Restricted Key API credential (${STRIPE_CREDENTIAL_TYPE}) with Write on Webhook Endpoints`,
		);
	}
	return stripe;
}

const hasSigningSecret = (context: IHookFunctions) =>
	context.getNode().credentials?.[SIGNING_CREDENTIAL_TYPE] !== undefined;

function target(context: IHookFunctions): EndpointTarget {
	const events = context.getNodeParameter('events', []) as string[];
	return {
		url: webhookUrl(context),
		events: [...events],
		owner: `${context.getWorkflow().id ?? 'workflow'}/${context.getNode().id}`,
	};
}

/** Stripe's and the registration's errors as n8n errors that say what to do. */
async function reported<T>(context: IHookFunctions, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		if (error instanceof RegistrationError) throw new NodeOperationError(context.getNode(), error.message);
		if (error instanceof StripeApiError) {
			const hint =
				error.kind === 'forbidden'
					? 'Give the restricted key Write on Webhook Endpoints in Stripe → Developers → API keys.'
					: error.kind === 'unavailable'
						? 'Stripe is not answering right now; publish again in a moment.'
						: undefined;
			throw new NodeApiError(context.getNode(), { message: error.message }, {
				message: error.message,
				...(hint ? { description: hint } : {}),
				...(error.details.status ? { httpCode: String(error.details.status) } : {}),
			});
		}
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

export const stripeEndpointMethods = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		if (!registrationOn(this)) {
			if (!hasSigningSecret(this)) {
				throw new NodeOperationError(
					this.getNode(),
					'Add the Stripe Webhook Signing Secret credential (the whsec_… secret of the endpoint in Stripe), or turn on Register Endpoint in Stripe',
				);
			}
			return true;
		}
		return await reported(this, async () => endpointIsCurrent(await client(this), target(this), staticData(this)));
	},

	async create(this: IHookFunctions): Promise<boolean> {
		if (!registrationOn(this)) return true;
		await reported(this, async () => registerEndpoint(await client(this), target(this), staticData(this)));
		return true;
	},

	async delete(this: IHookFunctions): Promise<boolean> {
		const data = staticData(this);
		const url = webhookUrl(this);
		if (!registeredEndpoint(data, url)) return true;
		await reported(this, async () => unregisterEndpoint(await client(this), url, data));
		return true;
	},
};

/**
 * The signing secret of the endpoint the node registered for the URL this
 * delivery came to; only while registration is on.
 */
export function registeredSigningSecret(context: IWebhookFunctions): string | undefined {
	if (!registrationOn(context)) return undefined;
	return registeredSecret(staticData(context) as IDataObject as RegistrationData, webhookUrl(context));
}
