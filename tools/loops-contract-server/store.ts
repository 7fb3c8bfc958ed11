/**
 * What a Loops team holds: contacts, mailing lists, contact properties,
 * transactional emails, and what reached it (events, sends, idempotency keys).
 * Pure data and rules, no HTTP: routes.ts turns requests into calls here.
 */

export type PropertyType = 'string' | 'number' | 'boolean' | 'date';
export type PropertyValue = string | number | boolean | null;

export interface MailingList {
	id: string;
	name: string;
	description: string;
	isPublic: boolean;
}

export interface ContactProperty {
	key: string;
	label: string;
	type: PropertyType;
	custom: boolean;
}

export interface TransactionalEmail {
	id: string;
	name: string;
	lastUpdated: string;
	dataVariables: string[];
}

export interface StoredContact {
	id: string;
	email: string;
	firstName: string | null;
	lastName: string | null;
	source: string;
	subscribed: boolean;
	userGroup: string | null;
	userId: string | null;
	mailingLists: Record<string, boolean>;
	optInStatus: null;
	/** Custom contact properties by key. */
	properties: Record<string, PropertyValue>;
}

export interface ReceivedEvent {
	eventName: string;
	email?: string;
	userId?: string;
	eventProperties: Record<string, PropertyValue>;
	idempotencyKey?: string;
	receivedAt: string;
}

export interface TransactionalSend {
	transactionalId: string;
	email: string;
	dataVariables: Record<string, unknown>;
	attachments: Array<{ filename: string; contentType: string; bytes: number }>;
	addToAudience: boolean;
	idempotencyKey?: string;
	receivedAt: string;
}

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

const DEFAULT_PROPERTIES: ContactProperty[] = [
	{ key: 'email', label: 'Email', type: 'string', custom: false },
	{ key: 'firstName', label: 'First Name', type: 'string', custom: false },
	{ key: 'lastName', label: 'Last Name', type: 'string', custom: false },
	{ key: 'source', label: 'Source', type: 'string', custom: false },
	{ key: 'subscribed', label: 'Subscribed', type: 'boolean', custom: false },
	{ key: 'userGroup', label: 'User Group', type: 'string', custom: false },
	{ key: 'userId', label: 'User Id', type: 'string', custom: false },
];

/** What a fresh team has, so every operation has something real to hit. */
export const SEED = {
	mailingLists: [
		{ id: 'cm0newsletter00000000000a', name: 'Newsletter', description: 'Product news, monthly', isPublic: true },
		{ id: 'cm0customers000000000000b', name: 'Customers', description: 'Paying customers', isPublic: false },
	] as MailingList[],
	customProperties: [
		{ key: 'plan', label: 'Plan', type: 'string', custom: true },
		{ key: 'lifetimeValue', label: 'Lifetime Value', type: 'number', custom: true },
		{ key: 'isVip', label: 'Is VIP', type: 'boolean', custom: true },
		{ key: 'trialEndsAt', label: 'Trial Ends At', type: 'date', custom: true },
	] as ContactProperty[],
	transactionalEmails: [
		{ id: 'cm0welcome000000000000000', name: 'Welcome', lastUpdated: '2026-01-05T10:00:00.000Z', dataVariables: ['firstName', 'loginUrl'] },
		{ id: 'cm0receipt000000000000000', name: 'Payment receipt', lastUpdated: '2026-01-05T10:00:00.000Z', dataVariables: ['amount', 'invoiceUrl'] },
	] as TransactionalEmail[],
};

/** A rule broken by a request; routes.ts answers it with Loops' error body. */
export class LoopsRuleError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly path?: string,
	) {
		super(message);
	}
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class LoopsStore {
	readonly mailingLists = new Map<string, MailingList>();
	readonly properties = new Map<string, ContactProperty>();
	readonly transactionalEmails = new Map<string, TransactionalEmail>();
	/** By lower-cased email. */
	readonly contacts = new Map<string, StoredContact>();
	readonly events: ReceivedEvent[] = [];
	readonly transactionalSends: TransactionalSend[] = [];
	private readonly idempotencyKeys = new Map<string, number>();
	private nextId = 1;

	constructor(private readonly now: () => number = Date.now) {
		this.reset();
	}

	reset(): void {
		this.mailingLists.clear();
		this.properties.clear();
		this.transactionalEmails.clear();
		this.contacts.clear();
		this.events.length = 0;
		this.transactionalSends.length = 0;
		this.idempotencyKeys.clear();
		for (const list of SEED.mailingLists) this.mailingLists.set(list.id, { ...list });
		for (const p of [...DEFAULT_PROPERTIES, ...SEED.customProperties]) this.properties.set(p.key, { ...p });
		for (const t of SEED.transactionalEmails) this.transactionalEmails.set(t.id, { ...t, dataVariables: [...t.dataVariables] });
	}

	findByEmail(email: string): StoredContact | undefined {
		return this.contacts.get(email.toLowerCase());
	}

	findByUserId(userId: string): StoredContact | undefined {
		for (const contact of this.contacts.values()) if (contact.userId === userId) return contact;
		return undefined;
	}

	/** POST /contacts/create: 409 when the email or userId is taken. */
	createContact(fields: Record<string, unknown>): StoredContact {
		const email = requireEmail(fields.email);
		if (this.findByEmail(email) || (typeof fields.userId === 'string' && this.findByUserId(fields.userId))) {
			throw new LoopsRuleError(409, 'Email or userId is already on list.');
		}
		const changes = this.validateContactFields(fields);
		const contact = this.newContact(email);
		this.applyContactFields(contact, changes);
		this.contacts.set(contact.email, contact);
		return contact;
	}

	/**
	 * PUT /contacts/update: upsert by email, or by userId. With both, the
	 * userId finds the contact and the email is changed (Loops' rule).
	 */
	upsertContact(fields: Record<string, unknown>): { contact: StoredContact; created: boolean } {
		const hasEmail = fields.email !== undefined;
		const userId = typeof fields.userId === 'string' && fields.userId !== '' ? fields.userId : undefined;
		if (!hasEmail && userId === undefined) throw new LoopsRuleError(400, 'An email or userId is required.');
		const email = hasEmail ? requireEmail(fields.email) : undefined;
		const changes = this.validateContactFields(fields);

		let contact = userId !== undefined ? this.findByUserId(userId) : undefined;
		contact ??= email !== undefined ? this.findByEmail(email) : undefined;
		if (!contact) {
			if (email === undefined) throw new LoopsRuleError(400, 'An email is required to create a contact.');
			contact = this.newContact(email);
			this.applyContactFields(contact, changes);
			this.contacts.set(contact.email, contact);
			return { contact, created: true };
		}
		if (email !== undefined && email !== contact.email) {
			if (this.findByEmail(email)) throw new LoopsRuleError(409, 'Email is already used by another contact.');
			this.contacts.delete(contact.email);
			contact.email = email;
			this.contacts.set(email, contact);
		}
		this.applyContactFields(contact, changes);
		return { contact, created: false };
	}

	/** POST /contacts/delete: 404 when absent. */
	deleteContact(by: { email?: unknown; userId?: unknown }): void {
		const contact = this.lookup(by);
		if (!contact) throw new LoopsRuleError(404, 'Contact not found.');
		this.contacts.delete(contact.email);
	}

	lookup(by: { email?: unknown; userId?: unknown }): StoredContact | undefined {
		const hasEmail = by.email !== undefined && by.email !== '';
		const hasUserId = by.userId !== undefined && by.userId !== '';
		if (hasEmail === hasUserId) throw new LoopsRuleError(400, 'Provide either an email or a userId, not both.');
		if (hasEmail) return typeof by.email === 'string' ? this.findByEmail(by.email) : undefined;
		return typeof by.userId === 'string' ? this.findByUserId(by.userId) : undefined;
	}

	/** Throws 409 for a key used in the last 24 h; records it otherwise. */
	claimIdempotencyKey(key: string | undefined): void {
		if (key === undefined) return;
		if (key.length > 100) throw new LoopsRuleError(400, 'Idempotency-Key must be 100 characters or fewer.');
		const usedAt = this.idempotencyKeys.get(key);
		if (usedAt !== undefined && this.now() - usedAt < IDEMPOTENCY_WINDOW_MS) {
			throw new LoopsRuleError(409, 'This Idempotency-Key has already been used in the last 24 hours.');
		}
		this.idempotencyKeys.set(key, this.now());
	}

	/** POST /events/send: creates the contact when missing, as Loops does. */
	sendEvent(body: Record<string, unknown>, idempotencyKey: string | undefined): ReceivedEvent {
		const eventName = body.eventName;
		if (typeof eventName !== 'string' || eventName.trim() === '') {
			throw new LoopsRuleError(400, 'eventName is required.');
		}
		const { eventName: _name, eventProperties, ...contactFields } = body;
		const properties = validateEventProperties(eventProperties);
		const email = contactFields.email !== undefined ? requireEmail(contactFields.email) : undefined;
		const userId = typeof contactFields.userId === 'string' ? contactFields.userId : undefined;
		if (email === undefined && userId === undefined) throw new LoopsRuleError(400, 'An email or userId is required.');
		const changes = this.validateContactFields(contactFields);
		if (email === undefined && !this.findByUserId(userId as string)) {
			throw new LoopsRuleError(404, 'Contact not found.');
		}
		this.claimIdempotencyKey(idempotencyKey);
		this.upsertContact({ ...changes, ...(email !== undefined ? { email } : {}), ...(userId !== undefined ? { userId } : {}) });
		const event: ReceivedEvent = {
			eventName,
			...(email !== undefined ? { email } : {}),
			...(userId !== undefined ? { userId } : {}),
			eventProperties: properties,
			...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
			receivedAt: new Date(this.now()).toISOString(),
		};
		this.events.push(event);
		return event;
	}

	/** POST /transactional. */
	sendTransactional(body: Record<string, unknown>, idempotencyKey: string | undefined): TransactionalSend {
		if (typeof body.transactionalId !== 'string' || body.transactionalId === '') {
			throw new LoopsRuleError(400, 'transactionalId is required.', 'transactionalId');
		}
		const email = requireEmail(body.email);
		const template = this.transactionalEmails.get(body.transactionalId);
		if (!template) throw new LoopsRuleError(404, 'Transactional email not found.', 'transactionalId');
		const dataVariables = (body.dataVariables ?? {}) as Record<string, unknown>;
		if (typeof dataVariables !== 'object' || Array.isArray(dataVariables)) {
			throw new LoopsRuleError(400, 'dataVariables must be an object.', 'dataVariables');
		}
		const missing = template.dataVariables.filter((name) => dataVariables[name] === undefined);
		if (missing.length > 0) {
			throw new LoopsRuleError(400, `Missing required fields: ${missing.join(', ')}`, 'dataVariables');
		}
		const attachments = validateAttachments(body.attachments);
		const addToAudience = body.addToAudience === true;
		this.claimIdempotencyKey(idempotencyKey);
		if (addToAudience && !this.findByEmail(email)) this.upsertContact({ email });
		const send: TransactionalSend = {
			transactionalId: template.id,
			email,
			dataVariables,
			attachments,
			addToAudience,
			...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
			receivedAt: new Date(this.now()).toISOString(),
		};
		this.transactionalSends.push(send);
		return send;
	}

	/** POST /contacts/properties. */
	createProperty(body: Record<string, unknown>): ContactProperty {
		const { name, type } = body;
		if (typeof name !== 'string' || !/^[a-z][a-zA-Z0-9]*$/.test(name)) {
			throw new LoopsRuleError(400, 'Property name must be camelCase, like "planName".');
		}
		if (!['string', 'number', 'boolean', 'date'].includes(type as string)) {
			throw new LoopsRuleError(400, 'Property type must be one of string, number, boolean, date.');
		}
		if (this.properties.has(name)) throw new LoopsRuleError(400, `A property named "${name}" already exists.`);
		const label = name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
		const property: ContactProperty = { key: name, label, type: type as PropertyType, custom: true };
		this.properties.set(name, property);
		return property;
	}

	private newContact(email: string): StoredContact {
		return {
			id: `cm${String(this.nextId++).padStart(23, '0')}`,
			email,
			firstName: null,
			lastName: null,
			source: 'API',
			subscribed: true,
			userGroup: null,
			userId: null,
			mailingLists: {},
			optInStatus: null,
			properties: {},
		};
	}

	/** Checks every field before anything is written: a rejected request changes nothing. */
	private validateContactFields(fields: Record<string, unknown>): Record<string, unknown> {
		const changes: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(fields)) {
			if (key === 'email') continue;
			if (key === 'mailingLists') {
				changes.mailingLists = this.validateMailingLists(value);
				continue;
			}
			const property = this.properties.get(key);
			if (!property) throw new LoopsRuleError(400, `Contact property "${key}" does not exist. Create it first.`);
			changes[key] = coerce(property, value);
		}
		return changes;
	}

	private validateMailingLists(value: unknown): Record<string, boolean> {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			throw new LoopsRuleError(400, 'mailingLists must be an object of list ids to booleans.');
		}
		for (const [id, subscribed] of Object.entries(value)) {
			if (!this.mailingLists.has(id)) throw new LoopsRuleError(400, `Mailing list ${id} not found.`);
			if (typeof subscribed !== 'boolean') throw new LoopsRuleError(400, `Mailing list ${id} must be true or false.`);
		}
		return value as Record<string, boolean>;
	}

	private applyContactFields(contact: StoredContact, changes: Record<string, unknown>): void {
		for (const [key, value] of Object.entries(changes)) {
			if (key === 'mailingLists') Object.assign(contact.mailingLists, value);
			else if (key === 'subscribed') contact.subscribed = value as boolean;
			else if (key === 'source') contact.source = (value as string | null) ?? 'API';
			else if (['firstName', 'lastName', 'userGroup', 'userId'].includes(key)) {
				(contact as unknown as Record<string, unknown>)[key] = value;
			} else contact.properties[key] = value as PropertyValue;
		}
	}
}

function requireEmail(value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '') throw new LoopsRuleError(400, 'An email is required.');
	const email = value.trim().toLowerCase();
	if (!EMAIL.test(email)) throw new LoopsRuleError(400, 'Invalid email address.');
	return email;
}

/** Loops reads null as "clear this value"; other values must match the property's type. */
function coerce(property: ContactProperty, value: unknown): PropertyValue {
	if (value === null) {
		if (property.key === 'subscribed') throw new LoopsRuleError(400, 'subscribed must be true or false.');
		return null;
	}
	const wrong = () => new LoopsRuleError(400, `Invalid value for contact property "${property.key}": expected a ${property.type}.`);
	switch (property.type) {
		case 'string':
			if (typeof value !== 'string') throw wrong();
			return value;
		case 'number':
			if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
			return value;
		case 'boolean':
			if (typeof value !== 'boolean') throw wrong();
			return value;
		case 'date':
			if (typeof value === 'number' && Number.isFinite(value)) return value;
			if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
			throw wrong();
	}
}

function validateEventProperties(value: unknown): Record<string, PropertyValue> {
	if (value === undefined) return {};
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new LoopsRuleError(400, 'eventProperties must be an object.');
	}
	for (const [key, v] of Object.entries(value)) {
		if (!['string', 'number', 'boolean'].includes(typeof v)) {
			throw new LoopsRuleError(400, `Event property "${key}" must be a string, number, boolean or date.`);
		}
	}
	return value as Record<string, PropertyValue>;
}

function validateAttachments(value: unknown): TransactionalSend['attachments'] {
	if (value === undefined) return [];
	if (!Array.isArray(value)) throw new LoopsRuleError(400, 'attachments must be an array.', 'attachments');
	return value.map((a: Record<string, unknown>, i) => {
		if (typeof a?.filename !== 'string' || typeof a.contentType !== 'string' || typeof a.data !== 'string') {
			throw new LoopsRuleError(400, `attachments[${i}] needs filename, contentType and data.`, 'attachments');
		}
		if (!/^[A-Za-z0-9+/]*={0,2}$/.test(a.data)) {
			throw new LoopsRuleError(400, `attachments[${i}].data must be base64.`, 'attachments');
		}
		return { filename: a.filename, contentType: a.contentType, bytes: Buffer.from(a.data, 'base64').length };
	});
}
