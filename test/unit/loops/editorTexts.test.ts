/**
 * Guidance the Loops node shows in the editor without a tooltip: the notices that set
 * Unsubscribe and Delete apart, and the idempotency key's purpose.
 */
import type { INodeProperties } from 'n8n-workflow';

import { Loops } from '../../../nodes/Loops/Loops.node';

const { properties } = new Loops().description;

/** The top-level properties shown for one resource/operation, in order. */
function shownFor(resource: string, operation: string): INodeProperties[] {
	return properties.filter(({ displayOptions }) => {
		const show = displayOptions?.show;
		return show?.resource?.includes(resource) && show.operation?.includes(operation);
	});
}

function additionalField(resource: string, operation: string, name: string): INodeProperties | undefined {
	const collection = shownFor(resource, operation).find((property) => property.name === 'additionalFields');
	return (collection?.options as INodeProperties[] | undefined)?.find((option) => option.name === name);
}

describe('Unsubscribe versus Delete', () => {
	it('Unsubscribe opens with a notice: the contact stays, campaign and loop emails stop, Delete removes', () => {
		const [notice, ...rest] = shownFor('contact', 'unsubscribe');
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toBe(
			'Keeps the contact and its history; stops campaign and loop emails (transactional emails still arrive). To remove the contact, use Delete.',
		);
		expect(rest.map((property) => property.name)).toEqual(['email']);
	});

	it('Delete opens with a notice: the contact and its history go, Unsubscribe only stops emails', () => {
		const [notice, ...rest] = shownFor('contact', 'delete');
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toBe('Removes the contact and its history from Loops. To only stop emails, use Unsubscribe.');
		expect(rest.map((property) => property.name)).toEqual(['identifyBy', 'email', 'userId', 'options']);
	});

	it('each notice shows on its own operation only', () => {
		const showOf = (name: string) => properties.find((property) => property.name === name)?.displayOptions?.show;
		expect(showOf('unsubscribeNotice')).toEqual({ resource: ['contact'], operation: ['unsubscribe'] });
		expect(showOf('deleteNotice')).toEqual({ resource: ['contact'], operation: ['delete'] });
	});
});

describe('the idempotency key', () => {
	it.each([
		['event', 'send'],
		['transactionalEmail', 'send'],
	])('%s/%s says what it protects against in a visible hint, not only in the tooltip', (resource, operation) => {
		const field = additionalField(resource, operation, 'idempotencyKey');
		expect(field?.hint).toMatch(/retried request or a re-run never sends the email twice within 24 h/);
	});
});
