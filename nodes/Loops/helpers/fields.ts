/**
 * Turning node parameters into Loops request bodies. One rule throughout:
 * a field the user left empty is absent from the body, never null or ""
 * (Loops reads null as "clear this value").
 */
import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { commaSeparated, nonBlank } from '../../shared/text';

export type PropertyValueType = 'string' | 'number' | 'boolean' | 'date' | 'clear';

export interface TypedPair {
	key?: string;
	type?: PropertyValueType;
	stringValue?: string;
	numberValue?: number | string;
	booleanValue?: boolean | string;
	dateValue?: string;
}

/**
 * Typed key/value pairs from a fixed collection → { key: value }. Empty values
 * are skipped; "clear" sends null on purpose; wrong types are a clear error.
 */
export function typedPairs(
	this: IExecuteFunctions,
	pairs: TypedPair[] | undefined,
	itemIndex: number,
	what: string,
): IDataObject {
	const result: IDataObject = {};
	for (const pair of pairs ?? []) {
		const key = nonBlank(pair.key);
		if (!key) continue;
		const type = pair.type ?? 'string';
		const fail = (detail: string) =>
			new NodeOperationError(this.getNode(), `${what} "${key}": ${detail}`, { itemIndex });
		switch (type) {
			case 'clear':
				result[key] = null;
				break;
			case 'string':
				if (pair.stringValue !== undefined && String(pair.stringValue) !== '') result[key] = String(pair.stringValue);
				break;
			case 'number': {
				if (pair.numberValue === undefined || pair.numberValue === '') break;
				const n = Number(pair.numberValue);
				if (!Number.isFinite(n)) throw fail(`"${pair.numberValue}" is not a number`);
				result[key] = n;
				break;
			}
			case 'boolean': {
				const b = pair.booleanValue;
				if (b === true || b === 'true') result[key] = true;
				else if (b === false || b === 'false') result[key] = false;
				else if (b !== undefined && b !== '') throw fail(`"${b}" is not true or false`);
				break;
			}
			case 'date': {
				if (pair.dateValue === undefined || pair.dateValue === '') break;
				const time = Date.parse(String(pair.dateValue));
				if (Number.isNaN(time)) throw fail(`"${pair.dateValue}" is not a date`);
				result[key] = new Date(time).toISOString();
				break;
			}
			default:
				throw fail(`unknown type "${String(type)}"`);
		}
	}
	return result;
}

/** The pairs a typedPairsField named `name` holds inside a collection's values. */
export function pairsIn(collection: IDataObject, name: string): TypedPair[] | undefined {
	return (collection[name] as { property?: TypedPair[] } | undefined)?.property;
}

/** Subscribe/unsubscribe list ids → Loops' { listId: boolean }; absent when both are empty. */
export function mailingLists(subscribe: unknown, unsubscribe: unknown): IDataObject | undefined {
	const lists: IDataObject = {};
	for (const id of commaSeparated(subscribe)) lists[id] = true;
	for (const id of commaSeparated(unsubscribe)) lists[id] = false;
	return Object.keys(lists).length > 0 ? lists : undefined;
}

export const IDEMPOTENCY_KEY_MAX_LENGTH = 100;

/**
 * The key to send: the user's (validated), or a fresh one so that our own
 * retries can never send twice. `own` says which.
 */
export function idempotencyKey(
	this: IExecuteFunctions,
	userKey: unknown,
	itemIndex: number,
): { key: string; own: boolean } {
	const key = nonBlank(String(userKey ?? ''));
	if (key === undefined) return { key: randomUUID(), own: true };
	if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
		throw new NodeOperationError(
			this.getNode(),
			`The idempotency key is ${key.length} characters long; Loops accepts at most ${IDEMPOTENCY_KEY_MAX_LENGTH}`,
			{ itemIndex, description: 'Use a shorter key, e.g. the source event id' },
		);
	}
	return { key, own: false };
}

/** A required string parameter that must not be blank. */
export function requiredString(this: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = nonBlank(String(this.getNodeParameter(name, itemIndex, '') ?? ''));
	if (value === undefined) throw new NodeOperationError(this.getNode(), `${label} is required`, { itemIndex });
	return value;
}

/** Items about the same person share this ordering key; emails compare trimmed and case-blind. */
export function emailOrderingKey(email: unknown): string | undefined {
	const address = nonBlank(email);
	return address === undefined ? undefined : `email:${address.toLowerCase()}`;
}

/** The ordering key for operations addressed by the email parameter. */
export function emailKey(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return emailOrderingKey(this.getNodeParameter('email', itemIndex, ''));
}
