/**
 * Guidance the Loops node shows in the editor without a tooltip: a notice that opens
 * Unsubscribe and Delete, each on its own operation only, and the idempotency key's
 * hint, visible under the field. The wording itself is the editor's, not the tests'.
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
	it('Unsubscribe opens with a notice, then asks only for the email', () => {
		const [notice, ...rest] = shownFor('contact', 'unsubscribe');
		expect(notice.type).toBe('notice');
		expect(rest.map((property) => property.name)).toEqual(['email']);
	});

	it('Delete opens with a notice, then asks whom to delete and how a missing contact counts', () => {
		const [notice, ...rest] = shownFor('contact', 'delete');
		expect(notice.type).toBe('notice');
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
	])('%s/%s explains itself in a visible hint, not only in the tooltip', (resource, operation) => {
		const field = additionalField(resource, operation, 'idempotencyKey');
		expect(field?.hint).toEqual(expect.any(String));
		expect(field?.hint).not.toBe('');
	});
});
