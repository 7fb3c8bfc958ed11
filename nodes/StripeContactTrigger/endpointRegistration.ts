/**
 * The trigger's webhook endpoint in Stripe, when the node registers it
 * itself: one endpoint per webhook URL, its id and signing secret kept in the
 * node's static data, deleted on unpublish only when the node created it.
 * Endpoints the node creates carry a metadata mark, so one whose id and
 * secret were lost is recognised and replaced instead of piling up.
 */
import type { IDataObject } from 'n8n-workflow';

import { STRIPE_API_VERSION, type StripeClient, type WebhookEndpoint } from './stripeApi';

/** Metadata key on endpoints the node created; its value names the workflow and node. */
export const OWNER_METADATA_FIELD = 'n8n_stripe_contact_trigger';

/**
 * What the node remembers about the endpoint it created for one webhook URL (Production and
 * Test URL apart). Stripe reveals the secret only in its answer to the create.
 */
export interface RegisteredEndpoint {
	id: string;
	secret: string;
	events: string[];
}

/** The node's static data, by webhook URL. */
export interface RegistrationData extends IDataObject {
	stripeEndpoints?: Record<string, RegisteredEndpoint> & IDataObject;
}

export interface EndpointTarget {
	url: string;
	events: string[];
	/** Identifies this node in this workflow, e.g. "<workflow id>/<node id>". */
	owner: string;
}

/** A registration that cannot go ahead; the message tells the user what to do. */
export class RegistrationError extends Error {}

const sameEvents = (a: string[], b: string[]) =>
	a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export function registeredEndpoint(data: RegistrationData, url: string): RegisteredEndpoint | undefined {
	return data.stripeEndpoints?.[url];
}

/** The secret to verify deliveries to `url` with; undefined when the node has no endpoint there (fail closed). */
export function registeredSecret(data: RegistrationData, url: string): string | undefined {
	const secret = registeredEndpoint(data, url)?.secret;
	return typeof secret === 'string' && secret !== '' ? secret : undefined;
}

function remember(data: RegistrationData, url: string, endpoint: RegisteredEndpoint | undefined): void {
	const endpoints = { ...(data.stripeEndpoints ?? {}) };
	if (endpoint) endpoints[url] = endpoint;
	else delete endpoints[url];
	data.stripeEndpoints = endpoints;
}

/** n8n's checkExists: true only when the remembered endpoint is there, enabled, with exactly these events. */
export async function endpointIsCurrent(client: StripeClient, target: EndpointTarget, data: RegistrationData): Promise<boolean> {
	const known = registeredEndpoint(data, target.url);
	if (!known || registeredSecret(data, target.url) === undefined) return false;
	const endpoint = (await client.listWebhookEndpoints()).find((candidate) => candidate.id === known.id);
	return (
		endpoint !== undefined &&
		endpoint.url === target.url &&
		endpoint.status !== 'disabled' &&
		sameEvents(endpoint.enabled_events, target.events)
	);
}

/**
 * n8n's create: reuse the node's endpoint for this URL (updating its events)
 * or create one; afterwards exactly one endpoint in Stripe has this URL. An
 * endpoint made outside n8n is left alone: its secret is only in Stripe's
 * Dashboard, so deliveries to it could never be verified here.
 */
export async function registerEndpoint(client: StripeClient, target: EndpointTarget, data: RegistrationData): Promise<void> {
	if (target.events.length === 0) throw new RegistrationError('Select at least one event to register the endpoint in Stripe');
	const known = registeredEndpoint(data, target.url);
	const withUrl = (await client.listWebhookEndpoints()).filter((endpoint) => endpoint.url === target.url);
	const isOwn = (endpoint: WebhookEndpoint) =>
		(endpoint.metadata as IDataObject | undefined)?.[OWNER_METADATA_FIELD] === target.owner || endpoint.id === known?.id;

	const current = known?.secret ? withUrl.find((endpoint) => endpoint.id === known.id) : undefined;
	if (current && known) {
		const events = await updateEvents(client, current, target.events);
		remember(data, target.url, { ...known, events });
		for (const duplicate of withUrl.filter((endpoint) => isOwn(endpoint) && endpoint !== current)) {
			await client.deleteWebhookEndpoint(duplicate.id);
		}
		return;
	}

	// Created by this node, but its secret is gone: it could never be verified again.
	for (const lost of withUrl.filter(isOwn)) await client.deleteWebhookEndpoint(lost.id);

	const foreign = withUrl.find((endpoint) => !isOwn(endpoint));
	if (foreign) {
		remember(data, target.url, undefined);
		throw new RegistrationError(
			`Stripe already has an endpoint for ${target.url} (${foreign.id}) that this node did not create, and Stripe shows its signing secret only in the Dashboard. Delete that endpoint in Stripe and publish again, or turn off Register Endpoint in Stripe and put its secret in a Stripe Webhook Signing Secret credential.`,
		);
	}

	const created = await client.createWebhookEndpoint({
		url: target.url,
		enabled_events: target.events,
		api_version: STRIPE_API_VERSION,
		description: 'n8n Stripe Contact Trigger',
		metadata: { [OWNER_METADATA_FIELD]: target.owner },
	});
	if (typeof created.secret !== 'string' || created.secret === '') {
		await client.deleteWebhookEndpoint(created.id);
		throw new RegistrationError(`Stripe created the endpoint ${created.id} without returning its signing secret`);
	}
	remember(data, target.url, { id: created.id, secret: created.secret, events: target.events });
}

/** n8n's delete: removes the endpoint the node created for this URL, and forgets it. */
export async function unregisterEndpoint(client: StripeClient, url: string, data: RegistrationData): Promise<void> {
	const known = registeredEndpoint(data, url);
	if (known) await client.deleteWebhookEndpoint(known.id);
	remember(data, url, undefined);
}

async function updateEvents(client: StripeClient, endpoint: WebhookEndpoint, events: string[]): Promise<string[]> {
	if (sameEvents(endpoint.enabled_events, events) && endpoint.status !== 'disabled') return events;
	const updated = await client.updateWebhookEndpoint(endpoint.id, { enabled_events: events, disabled: false });
	return updated.enabled_events ?? events;
}

