/** Pickers in the node's UI, filled from the team's own Loops data. */
import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { LoopsClient } from '../transport';

async function get<T>(context: ILoadOptionsFunctions, path: string, qs?: IDataObject): Promise<T> {
	const { body } = await new LoopsClient(context).request<T>({ method: 'GET', path, qs });
	return body;
}

export async function getMailingLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const lists = await get<IDataObject[]>(this, '/lists');
	return lists.map((list) => ({
		name: String(list.name),
		value: String(list.id),
		description: list.description ? String(list.description) : undefined,
	}));
}

async function properties(context: ILoadOptionsFunctions, list: 'all' | 'custom'): Promise<INodePropertyOptions[]> {
	const found = await get<IDataObject[]>(context, '/contacts/properties', { list });
	return found
		.filter((p) => !['email', 'subscribed'].includes(String(p.key)))
		.map((p) => ({ name: `${String(p.label)} (${String(p.type)})`, value: String(p.key) }));
}

export async function getCustomProperties(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await properties(this, 'custom');
}

export async function getContactProperties(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await properties(this, 'all');
}

/** Published transactional emails, following Loops' cursor pagination. */
export async function getTransactionalEmails(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const options: INodePropertyOptions[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < 20; page++) {
		const answer = await get<{ data?: IDataObject[]; pagination?: { nextCursor?: string | null } }>(
			this,
			'/transactional',
			{ perPage: 50, ...(cursor ? { cursor } : {}) },
		);
		for (const email of answer.data ?? []) {
			const variables = Array.isArray(email.dataVariables) ? email.dataVariables.join(', ') : '';
			options.push({
				name: String(email.name),
				value: String(email.id),
				description: variables ? `Data variables: ${variables}` : undefined,
			});
		}
		cursor = answer.pagination?.nextCursor ?? undefined;
		if (!cursor) break;
	}
	return options;
}
