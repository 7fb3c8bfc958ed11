/**
 * What a Stripe account holds for the trigger: customers, charges,
 * subscriptions, quotes, products and webhook endpoints, each built from
 * Stripe's own fixtures with the caller's fields on top. Pure data and rules,
 * no HTTP: routes.ts turns requests into calls here.
 */
import { randomBytes } from 'crypto';

import chargeFixture from '../../test/fixtures/stripe/charge.json';
import customerFixture from '../../test/fixtures/stripe/customer.json';
import deletedCustomerFixture from '../../test/fixtures/stripe/deleted_customer.json';
import productFixture from '../../test/fixtures/stripe/product.json';
import quoteFixture from '../../test/fixtures/stripe/quote.json';
import subscriptionFixture from '../../test/fixtures/stripe/subscription.json';
import webhookEndpointFixture from '../../test/fixtures/stripe/webhook_endpoint.json';
import { stripeId } from '../../test/fixtures/stripeIds';

export type Json = Record<string, unknown>;

/** The objects the API serves by id, by their `object` name. */
export const OBJECT_TYPES = ['customer', 'charge', 'subscription', 'quote', 'product'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

const FIXTURES: Record<ObjectType, Json> = {
	customer: customerFixture,
	charge: chargeFixture,
	subscription: subscriptionFixture,
	quote: quoteFixture,
	product: productFixture,
};

const ID_PREFIX: Record<ObjectType, string> = {
	customer: 'cus',
	charge: 'ch',
	subscription: 'sub',
	quote: 'qt',
	product: 'prod',
};

/** Stripe refuses a 17th endpoint per mode. */
export const MAX_WEBHOOK_ENDPOINTS = 16;

/** A request Stripe refuses; routes.ts turns it into Stripe's error body. */
export class StripeRuleError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly extra: { code?: string; param?: string; type?: string } = {},
	) {
		super(message);
	}
}

export interface StoredWebhookEndpoint extends Json {
	id: string;
	object: 'webhook_endpoint';
	url: string;
	enabled_events: string[];
	api_version: string | null;
	status: 'enabled' | 'disabled';
	secret: string;
	metadata: Record<string, string>;
	description: string | null;
	created: number;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;


const EVENT_TYPE = /^(\*|[a-z_]+(\.[a-z_]+)+)$/;
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

export class StripeStore {
	readonly objects = new Map<ObjectType, Map<string, Json>>();
	/** Customers deleted in Stripe: retrieving them answers Stripe's deleted stub. */
	readonly deletedCustomers = new Set<string>();
	readonly webhookEndpoints = new Map<string, StoredWebhookEndpoint>();

	constructor(private readonly now: () => number = Date.now) {
		this.reset();
	}

	reset(): void {
		for (const type of OBJECT_TYPES) this.objects.set(type, new Map());
		this.deletedCustomers.clear();
		this.webhookEndpoints.clear();
	}

	/** Stores Stripe's fixture for `type` with `fields` on top (a fresh id unless given) and returns it. */
	put(type: ObjectType, fields: Json = {}): Json {
		const object: Json = { ...clone(FIXTURES[type]), id: stripeId(ID_PREFIX[type]), ...clone(fields), object: type };
		if (typeof object.id !== 'string' || object.id === '') throw new StripeRuleError(400, 'id must be a non-empty string');
		this.objects.get(type)!.set(object.id, object);
		if (type === 'customer') this.deletedCustomers.delete(object.id);
		return clone(object);
	}

	/** What GET /v1/<type>s/<id> finds: the object, Stripe's deleted stub, or a 404. */
	get(type: ObjectType, id: string): Json {
		if (type === 'customer' && this.deletedCustomers.has(id)) return { ...clone(deletedCustomerFixture), id };
		const object = this.objects.get(type)!.get(id);
		if (!object) {
			throw new StripeRuleError(404, `No such ${type}: '${id}'`, { code: 'resource_missing', param: 'id' });
		}
		return clone(object);
	}

	deleteCustomer(id: string): void {
		if (!this.objects.get('customer')!.delete(id) && !this.deletedCustomers.has(id)) {
			throw new StripeRuleError(404, `No such customer: '${id}'`, { code: 'resource_missing', param: 'id' });
		}
		this.deletedCustomers.add(id);
	}

	/**
	 * Replaces ids with the objects they name along each dotted path, the way
	 * Stripe's `expand[]` does (through lists' `data`). A path that does not
	 * lead to an id Stripe could expand is refused, as Stripe refuses it.
	 */
	expand(object: Json, paths: string[]): Json {
		const result = clone(object);
		for (const path of paths) {
			if (!this.expandPath(result, path.split('.'))) {
				throw new StripeRuleError(400, `This property cannot be expanded (${path}).`, { param: 'expand' });
			}
		}
		return result;
	}

	private expandPath(holder: unknown, segments: string[]): boolean {
		if (Array.isArray(holder)) return holder.every((item) => this.expandPath(item, segments));
		if (typeof holder !== 'object' || holder === null) return false;
		const [field, ...rest] = segments;
		const value = (holder as Json)[field];
		if (rest.length > 0) return value === null || this.expandPath(value, rest);
		if (value === null || (typeof value === 'object' && !Array.isArray(value))) return true;
		if (typeof value !== 'string') return false;
		const type = OBJECT_TYPES.find((candidate) => value.startsWith(`${ID_PREFIX[candidate]}_`));
		if (type === undefined) return false;
		try {
			(holder as Json)[field] = this.get(type, value);
		} catch {
			// Stripe leaves an id it cannot resolve as it is.
		}
		return true;
	}

	createWebhookEndpoint(params: Json): StoredWebhookEndpoint {
		if (this.webhookEndpoints.size >= MAX_WEBHOOK_ENDPOINTS) {
			throw new StripeRuleError(
				400,
				`You have reached the maximum of ${MAX_WEBHOOK_ENDPOINTS} test webhook endpoints.`,
				{ code: 'webhook_endpoints_limit' },
			);
		}
		if (params.url === undefined) throw missingParam('url');
		if (params.enabled_events === undefined) throw missingParam('enabled_events');
		const endpoint: StoredWebhookEndpoint = {
			...clone(webhookEndpointFixture),
			id: stripeId('we'),
			object: 'webhook_endpoint',
			created: Math.floor(this.now() / 1000),
			url: readUrl(params.url),
			enabled_events: readEvents(params.enabled_events),
			api_version: params.api_version === undefined ? null : readApiVersion(params.api_version),
			description: params.description === undefined ? null : String(params.description),
			metadata: readMetadata(params.metadata ?? {}),
			status: 'enabled',
			secret: `whsec_${randomBytes(24).toString('hex')}`,
		};
		this.webhookEndpoints.set(endpoint.id, endpoint);
		return clone(endpoint);
	}

	updateWebhookEndpoint(id: string, params: Json): StoredWebhookEndpoint {
		const endpoint = this.webhookEndpoint(id);
		const updated = { ...endpoint };
		if (params.url !== undefined) updated.url = readUrl(params.url);
		if (params.enabled_events !== undefined) updated.enabled_events = readEvents(params.enabled_events);
		if (params.description !== undefined) updated.description = String(params.description);
		if (params.metadata !== undefined) updated.metadata = { ...endpoint.metadata, ...readMetadata(params.metadata) };
		if (params.disabled !== undefined) updated.status = readBoolean(params.disabled, 'disabled') ? 'disabled' : 'enabled';
		for (const key of Object.keys(params)) {
			if (!['url', 'enabled_events', 'description', 'metadata', 'disabled'].includes(key)) {
				throw new StripeRuleError(400, `Received unknown parameter: ${key}`, { code: 'parameter_unknown', param: key });
			}
		}
		this.webhookEndpoints.set(id, updated);
		return clone(updated);
	}

	deleteWebhookEndpoint(id: string): void {
		this.webhookEndpoint(id);
		this.webhookEndpoints.delete(id);
	}

	webhookEndpoint(id: string): StoredWebhookEndpoint {
		const endpoint = this.webhookEndpoints.get(id);
		if (!endpoint) {
			throw new StripeRuleError(404, `No such webhook endpoint: '${id}'`, { code: 'resource_missing', param: 'id' });
		}
		return clone(endpoint);
	}
}

/** An endpoint as Stripe shows it after creation: the secret is only in the answer to create. */
export function endpointView(endpoint: StoredWebhookEndpoint): Json {
	const { secret: _secret, ...shown } = endpoint;
	return shown;
}

function missingParam(name: string): StripeRuleError {
	return new StripeRuleError(400, `Missing required param: ${name}.`, { code: 'parameter_missing', param: name });
}

function readUrl(value: unknown): string {
	if (typeof value === 'string') {
		try {
			const url = new URL(value);
			if (url.protocol === 'https:' || url.protocol === 'http:') return value;
		} catch {
			// refused below
		}
	}
	throw new StripeRuleError(400, `Invalid URL: ${String(value)}`, { code: 'url_invalid', param: 'url' });
}

function readEvents(value: unknown): string[] {
	const events = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : undefined;
	if (!events || events.length === 0) {
		throw new StripeRuleError(400, 'Invalid array', { code: 'parameter_invalid_empty', param: 'enabled_events' });
	}
	events.forEach((event, index) => {
		if (typeof event !== 'string' || !EVENT_TYPE.test(event)) {
			throw new StripeRuleError(400, `Invalid enabled_events[${index}]: ${String(event)} is not a known event type`, {
				param: `enabled_events[${index}]`,
			});
		}
	});
	return events as string[];
}

function readApiVersion(value: unknown): string {
	if (typeof value !== 'string' || !API_VERSION.test(value)) {
		throw new StripeRuleError(400, `Invalid API version: ${String(value)}`, { param: 'api_version' });
	}
	return value;
}

function readMetadata(value: unknown): Record<string, string> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new StripeRuleError(400, 'Invalid object', { param: 'metadata' });
	}
	return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, String(item)]));
}

function readBoolean(value: unknown, name: string): boolean {
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	throw new StripeRuleError(400, `Invalid boolean: ${String(value)}`, { param: name });
}
