/**
 * The subscription state a Stripe Contact Trigger item carries, written as
 * Loops contact properties. Loops refuses a property it does not know, so the
 * first upsert that meets a missing one creates it with the right type, once;
 * what cannot be created is named exactly.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	SUBSCRIPTION_CONTACT_PROPERTIES,
	SUBSCRIPTION_PROPERTY_NAMES,
	type SubscriptionPropertyName,
} from '../../../shared/subscriptionProperties';
import type { LoopsClient } from '../../transport';

/** The subscription properties present on a contact, as Loops takes them. */
export function subscriptionFields(contact: IDataObject): IDataObject {
	const fields: IDataObject = {};
	for (const name of SUBSCRIPTION_PROPERTY_NAMES) {
		if (contact[name] !== undefined && contact[name] !== null) fields[name] = contact[name];
	}
	return fields;
}

/** Problems with the subscription properties of an item's contact (wrong value types). */
export function subscriptionFieldProblems(contact: IDataObject): string[] {
	const problems: string[] = [];
	for (const [name, value] of Object.entries(subscriptionFields(contact))) {
		const type = SUBSCRIPTION_CONTACT_PROPERTIES[name as SubscriptionPropertyName];
		const fits =
			type === 'date'
				? typeof value === 'string' && !Number.isNaN(Date.parse(value))
				: typeof value === type && (type !== 'number' || Number.isFinite(value));
		if (!fits) problems.push(`contact.${name} must be a ${type === 'date' ? 'date (ISO 8601 string)' : type}`);
	}
	return problems;
}

interface LoopsProperty {
	key: string;
	type: string;
}

async function customProperties(loops: LoopsClient, itemIndex: number): Promise<Map<string, string>> {
	const { body } = await loops.request<LoopsProperty[]>({
		method: 'GET',
		path: '/contacts/properties',
		qs: { list: 'all' },
		itemIndex,
	});
	return new Map((Array.isArray(body) ? body : []).map((property) => [property.key, property.type]));
}

const described = (names: SubscriptionPropertyName[]) =>
	names.map((name) => `${name} (${SUBSCRIPTION_CONTACT_PROPERTIES[name]})`).join(', ');

/**
 * After Loops refused an upsert: creates the subscription properties it lacks.
 * Returns the names created (none: the refusal was about something else);
 * throws, naming each, when one exists with another type or cannot be created.
 */
export async function createMissingSubscriptionProperties(
	this: IExecuteFunctions,
	loops: LoopsClient,
	names: SubscriptionPropertyName[],
	itemIndex: number,
): Promise<SubscriptionPropertyName[]> {
	const existing = await customProperties(loops, itemIndex);
	const wrongType = names.filter((name) => existing.has(name) && existing.get(name) !== SUBSCRIPTION_CONTACT_PROPERTIES[name]);
	if (wrongType.length > 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Loops has contact properties of the wrong type for the subscription state: ${wrongType
				.map((name) => `${name} is ${existing.get(name)}`)
				.join(', ')}`,
			{
				itemIndex,
				description: `Stripe Sync writes ${described(wrongType)}. Delete these properties in Loops (Audience → Contact properties) and run again: they are then created with the right type. The contact was not updated.`,
			},
		);
	}
	const missing = names.filter((name) => !existing.has(name));
	for (const name of missing) {
		// A 400 here may be another execution that created it a moment ago: checked below.
		await loops.request({
			method: 'POST',
			path: '/contacts/properties',
			body: { name, type: SUBSCRIPTION_CONTACT_PROPERTIES[name] },
			accept: [400, 409],
			itemIndex,
		});
	}
	if (missing.length === 0) return [];
	const now = await customProperties(loops, itemIndex);
	const stillMissing = missing.filter((name) => !now.has(name));
	if (stillMissing.length > 0) {
		throw new NodeOperationError(this.getNode(), `Loops did not create the contact properties ${described(stillMissing)}`, {
			itemIndex,
			description: `Create them in Loops (Audience → Contact properties) with exactly these names and types: ${described(stillMissing)}. The contact was not updated.`,
		});
	}
	return missing;
}
