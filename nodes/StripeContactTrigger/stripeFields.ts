import type { IDataObject } from 'n8n-workflow';

import { isObject } from '../shared/isObject';
import { nonBlank } from '../shared/text';

/**
 * Defensive readers for Stripe objects. Stripe renders each event in the
 * endpoint's API version, so a field that is missing, null, empty or of the
 * wrong type is simply not there.
 */

export const finiteNumber = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isFinite(value) ? value : undefined;

export const booleanValue = (value: unknown): boolean | undefined =>
	typeof value === 'boolean' ? value : undefined;

export const isoFromUnixSeconds = (value: unknown): string | undefined => {
	const seconds = finiteNumber(value);
	return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
};

/** Stripe fields that are either an id or, when expanded, an object carrying the id. */
export const idOf = (value: unknown): string | undefined =>
	nonBlank(isObject(value) ? value.id : value);

/** A nested object, or an empty one when it is absent or not an object. */
export const objectAt = (holder: unknown, key: string): IDataObject =>
	isObject(holder) && isObject(holder[key]) ? (holder[key] as IDataObject) : {};

/** The entries of a Stripe list (`{ object: 'list', data: [...] }`) that are objects. */
export const listData = (list: unknown): IDataObject[] =>
	isObject(list) && Array.isArray(list.data) ? (list.data.filter(isObject) as IDataObject[]) : [];

/**
 * Newer API versions split a name into `individual_name` and `business_name`;
 * `name` then repeats one of them. Only a person's name becomes first/last name.
 */
export function personNameIn(holder: unknown): unknown {
	if (!isObject(holder)) return undefined;
	const individual = nonBlank(holder.individual_name);
	if (individual !== undefined) return individual;
	const name = nonBlank(holder.name);
	const business = nonBlank(holder.business_name);
	if (name !== undefined && name === business) return undefined;
	return name;
}
