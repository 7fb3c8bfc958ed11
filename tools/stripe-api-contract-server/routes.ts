/**
 * The Stripe API surface the trigger uses: method + path → the permission it
 * needs and what Stripe answers. index.ts adds auth, faults and headers.
 */
import type { FormNode, FormObject } from './form';
import type { Permission } from './keys';
import { endpointView, StripeRuleError, type Json, type ObjectType, type StripeStore } from './store';

export interface ApiAnswer {
	status: number;
	body: unknown;
}

interface Route {
	method: string;
	pattern: RegExp;
	permission: Permission;
	handle(store: StripeStore, params: FormObject, id: string | undefined): ApiAnswer;
}

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

function retrieve(type: ObjectType, plural: string, permission: Permission): Route {
	return {
		method: 'GET',
		pattern: new RegExp(`^/v1/${plural}/([^/]+)$`),
		permission,
		handle: (store, params, id) => ok(store.expand(store.get(type, id!), expandPaths(params))),
	};
}

/** What an expanded field's objects need: Stripe checks the permission of every object it expands. */
const EXPAND_PERMISSION: Record<string, Permission> = {
	customer: 'rak_customer_read',
	charge: 'rak_charge_read',
	subscription: 'rak_subscription_read',
	quote: 'rak_quote_read',
	product: 'rak_product_read',
};

/** The permissions the `expand[]` of a request needs, beyond the route's own. */
export function expandPermissions(params: FormObject): Permission[] {
	return expandPaths(params)
		.map((path) => EXPAND_PERMISSION[path.split('.').pop()!])
		.filter((permission): permission is Permission => permission !== undefined);
}

function expandPaths(params: FormObject): string[] {
	const expand = params.expand;
	if (expand === undefined) return [];
	const paths = Array.isArray(expand) ? expand : typeof expand === 'string' ? [expand] : Object.values(expand);
	return paths.filter((path): path is string => typeof path === 'string');
}

function list(items: Json[], params: FormObject, url: string): ApiAnswer {
	const limit = params.limit === undefined ? 10 : Number(params.limit);
	if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
		throw new StripeRuleError(400, 'Invalid integer: limit must be between 1 and 100', { param: 'limit' });
	}
	let start = 0;
	if (typeof params.starting_after === 'string') {
		start = items.findIndex((item) => item.id === params.starting_after) + 1;
		if (start === 0) {
			throw new StripeRuleError(404, `No such object: '${params.starting_after}'`, { code: 'resource_missing', param: 'starting_after' });
		}
	}
	const page = items.slice(start, start + limit);
	return ok({ object: 'list', data: page, has_more: start + limit < items.length, url });
}

/** A form body, with the syntax Stripe accepts only as strings where it wants strings. */
const body = (params: FormObject): Json => params as Record<string, FormNode>;

export const routes: Route[] = [
	{
		method: 'GET',
		pattern: /^\/v1\/customers$/,
		permission: 'rak_customer_read',
		handle: (store, params) => list([...store.objects.get('customer')!.values()], params, '/v1/customers'),
	},
	retrieve('customer', 'customers', 'rak_customer_read'),
	retrieve('charge', 'charges', 'rak_charge_read'),
	retrieve('subscription', 'subscriptions', 'rak_subscription_read'),
	retrieve('quote', 'quotes', 'rak_quote_read'),
	retrieve('product', 'products', 'rak_product_read'),
	{
		method: 'GET',
		pattern: /^\/v1\/webhook_endpoints$/,
		permission: 'rak_webhook_read',
		handle: (store, params) =>
			list([...store.webhookEndpoints.values()].map(endpointView), params, '/v1/webhook_endpoints'),
	},
	{
		method: 'GET',
		pattern: /^\/v1\/webhook_endpoints\/([^/]+)$/,
		permission: 'rak_webhook_read',
		handle: (store, _params, id) => ok(endpointView(store.webhookEndpoint(id!))),
	},
	{
		method: 'POST',
		pattern: /^\/v1\/webhook_endpoints$/,
		permission: 'rak_webhook_write',
		handle: (store, params) => ok(store.createWebhookEndpoint(body(params))),
	},
	{
		method: 'POST',
		pattern: /^\/v1\/webhook_endpoints\/([^/]+)$/,
		permission: 'rak_webhook_write',
		handle: (store, params, id) => ok(endpointView(store.updateWebhookEndpoint(id!, body(params)))),
	},
	{
		method: 'DELETE',
		pattern: /^\/v1\/webhook_endpoints\/([^/]+)$/,
		permission: 'rak_webhook_write',
		handle: (store, _params, id) => {
			store.deleteWebhookEndpoint(id!);
			return ok({ id, object: 'webhook_endpoint', deleted: true });
		},
	},
];

/** The route for method + path and the id in its path; undefined for what Stripe calls an unrecognized URL. */
export function matchRoute(method: string, path: string): { route: Route; id: string | undefined } | undefined {
	for (const route of routes) {
		const match = route.pattern.exec(path);
		if (match && route.method === method) {
			return { route, id: match[1] === undefined ? undefined : decodeURIComponent(match[1]) };
		}
	}
	return undefined;
}

/** Runs a matched route; Stripe's rule errors become its error bodies. */
export function answer(store: StripeStore, route: Route, id: string | undefined, params: FormObject): ApiAnswer {
	try {
		return route.handle(store, params, id);
	} catch (error) {
		if (error instanceof StripeRuleError) return stripeErrorAnswer(error);
		throw error;
	}
}

export function stripeErrorAnswer(error: StripeRuleError): ApiAnswer {
	const { code, param, type } = error.extra;
	return {
		status: error.status,
		body: {
			error: {
				...(code ? { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` } : {}),
				message: error.message,
				...(param ? { param } : {}),
				type: type ?? 'invalid_request_error',
			},
		},
	};
}
