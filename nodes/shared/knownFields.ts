import type { IDataObject } from 'n8n-workflow';

import { nonBlank } from './text';

/**
 * Copies only the entries that have a value, strings trimmed: an unknown or
 * empty field stays absent, never null or "" (Loops reads null as "clear this value").
 */
export function knownFields(entries: Record<string, unknown>): IDataObject {
	const result: IDataObject = {};
	for (const [key, value] of Object.entries(entries)) {
		const known = typeof value === 'string' ? nonBlank(value) : value;
		if (known !== undefined && known !== null) result[key] = known as IDataObject[string];
	}
	return result;
}
