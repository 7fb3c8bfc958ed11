/**
 * The Stripe objects a webhook event points at, for seeding the contract
 * server before the event is delivered: the event's own object as it now is
 * in Stripe (what "read the current object" finds), and the customer or
 * charge it names only by id, carrying the person the event is about.
 */
import { OBJECT_TYPES, type Json, type ObjectType } from './store';

export interface SeedObject {
	type: ObjectType;
	fields: Json;
}

export interface Seeds {
	objects: SeedObject[];
	/** Customers Stripe now shows as deleted. */
	deletedCustomers: string[];
}

/** Anything that stores objects: the in-process server, or httpSeedTarget for one in another process. */
export interface SeedTarget {
	put(type: ObjectType, fields: Json): Promise<unknown> | unknown;
	deleteCustomer(id: string): Promise<unknown> | unknown;
}

const TYPE_BY_PREFIX: Array<[string, ObjectType]> = [
	['cus_', 'customer'],
	['ch_', 'charge'],
	['py_', 'charge'],
	['sub_', 'subscription'],
	['qt_', 'quote'],
];

const isObjectType = (value: unknown): value is ObjectType => (OBJECT_TYPES as readonly unknown[]).includes(value);

export function seedsForEvent(event: Json, person: { email: string; name?: string }): Seeds {
	const object = ((event.data as Json | undefined)?.object ?? {}) as Json;
	const objects = new Map<string, SeedObject>();
	if (typeof object.id === 'string' && isObjectType(object.object)) {
		objects.set(object.id, { type: object.object, fields: object });
	}
	for (const field of ['customer', 'charge', 'subscription', 'quote']) {
		const id = object[field];
		if (typeof id !== 'string' || objects.has(id)) continue;
		const type = TYPE_BY_PREFIX.find(([prefix]) => id.startsWith(prefix))?.[1];
		if (type === undefined) continue;
		objects.set(id, { type, fields: { id, ...personFields(type, person) } });
	}
	const deletedCustomers = event.type === 'customer.deleted' && typeof object.id === 'string' ? [object.id] : [];
	return { objects: [...objects.values()], deletedCustomers };
}

function personFields(type: ObjectType, { email, name }: { email: string; name?: string }): Json {
	const named = name === undefined ? {} : { name };
	if (type === 'customer') return { email, ...named };
	if (type === 'charge') {
		return {
			billing_details: { address: null, email, name: name ?? null, phone: null, tax_id: null },
			receipt_email: email,
		};
	}
	return {};
}

export async function applySeeds(target: SeedTarget, seeds: Seeds): Promise<void> {
	for (const { type, fields } of seeds.objects) await target.put(type, fields);
	for (const id of seeds.deletedCustomers) await target.deleteCustomer(id);
}

/** A contract server in another process (npm start's), through its /_contract admin routes. */
export function httpSeedTarget(baseUrl: string): SeedTarget {
	const call = async (method: string, path: string, body?: Json) => {
		const response = await fetch(`${baseUrl}/_contract${path}`, {
			method,
			headers: { 'content-type': 'application/json' },
			...(body ? { body: JSON.stringify(body) } : {}),
		});
		if (!response.ok) throw new Error(`${method} ${baseUrl}/_contract${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as unknown;
	};
	return {
		put: async (type, fields) => call('POST', `/objects/${type}`, fields),
		deleteCustomer: async (id) => call('DELETE', `/customers/${encodeURIComponent(id)}`),
	};
}
