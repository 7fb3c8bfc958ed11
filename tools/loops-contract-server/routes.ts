/**
 * The Loops API surface: method + path → what Loops answers. Each handler
 * works on the store and returns status and body; index.ts adds auth, the
 * rate limit, faults and headers around it.
 */
import { LoopsRuleError, type LoopsStore, type StoredContact } from './store';

export interface ApiRequest {
	query: URLSearchParams;
	body: Record<string, unknown>;
	idempotencyKey: string | undefined;
}

export interface ApiAnswer {
	status: number;
	body: unknown;
}

type Handler = (store: LoopsStore, request: ApiRequest, context: { teamName: string }) => ApiAnswer;

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

/** The transactional endpoint's error body: { success: false, error: { path, message } }. */
const nestedError = (error: LoopsRuleError): ApiAnswer => ({
	status: error.status,
	body: { success: false, error: { ...(error.path ? { path: error.path } : {}), message: error.message } },
});

/** The shape GET /contacts/find answers: unknown fields are null, custom properties flattened. */
export function contactView(contact: StoredContact): Record<string, unknown> {
	const { properties, ...standard } = contact;
	return { ...standard, mailingLists: { ...contact.mailingLists }, ...properties };
}

export const routes: Record<string, Handler> = {
	'GET /api-key': (_store, _request, { teamName }) => ok({ success: true, teamName }),

	'POST /contacts/create': (store, { body }) => ok({ success: true, id: store.createContact(body).id }),

	'PUT /contacts/update': (store, { body }) => ok({ success: true, id: store.upsertContact(body).contact.id }),

	'GET /contacts/find': (store, { query }) => {
		const email = query.get('email') ?? undefined;
		const userId = query.get('userId') ?? undefined;
		const contact = store.lookup({ email, userId });
		return ok(contact ? [contactView(contact)] : []);
	},

	'POST /contacts/delete': (store, { body }) => {
		store.deleteContact(body);
		return ok({ success: true, message: 'Contact deleted.' });
	},

	'POST /events/send': (store, { body, idempotencyKey }) => {
		store.sendEvent(body, idempotencyKey);
		return ok({ success: true });
	},

	'POST /transactional': (store, { body, idempotencyKey }) => {
		try {
			store.sendTransactional(body, idempotencyKey);
		} catch (error) {
			// Loops nests this endpoint's refusals under `error`; a reused key answers as everywhere else.
			if (error instanceof LoopsRuleError && error.status !== 409) return nestedError(error);
			throw error;
		}
		return ok({ success: true });
	},

	'GET /transactional': (store, { query }) => {
		const perPage = Math.min(50, Math.max(10, Number(query.get('perPage') ?? 20) || 20));
		const all = [...store.transactionalEmails.values()];
		const start = Number(query.get('cursor') ?? 0) || 0;
		const page = all.slice(start, start + perPage);
		const next = start + perPage < all.length ? String(start + perPage) : null;
		return ok({
			pagination: {
				totalResults: all.length,
				returnedResults: page.length,
				perPage,
				totalPages: Math.ceil(all.length / perPage),
				nextCursor: next,
				nextPage: next ? `https://app.loops.so/api/v1/transactional?cursor=${next}&perPage=${perPage}` : null,
			},
			data: page,
		});
	},

	'GET /lists': (store) => ok([...store.mailingLists.values()]),

	'GET /contacts/properties': (store, { query }) => {
		const list = query.get('list') ?? 'all';
		if (list !== 'all' && list !== 'custom') throw new LoopsRuleError(400, 'list must be "all" or "custom".');
		const properties = [...store.properties.values()].filter((p) => list === 'all' || p.custom);
		return ok(properties.map(({ key, label, type }) => ({ key, label, type })));
	},

	'POST /contacts/properties': (store, { body }) => {
		store.createProperty(body);
		return ok({ success: true });
	},
};

/** Runs the handler for `method path`; Loops' rule errors become its error bodies. */
export function answer(
	store: LoopsStore,
	method: string,
	path: string,
	request: ApiRequest,
	context: { teamName: string },
): ApiAnswer {
	const handler = routes[`${method} ${path}`];
	if (!handler) {
		const known = Object.keys(routes).some((route) => route.endsWith(` ${path}`));
		return known
			? { status: 405, body: { success: false, message: `Method ${method} is not allowed on ${path}.` } }
			: { status: 404, body: { success: false, message: `No route ${path}.` } };
	}
	try {
		return handler(store, request, context);
	} catch (error) {
		if (error instanceof LoopsRuleError) {
			return {
				status: error.status,
				body: { success: false, ...(error.path ? { path: error.path } : {}), message: error.message },
			};
		}
		throw error;
	}
}
