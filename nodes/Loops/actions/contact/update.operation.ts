import { contactWriteOperation } from './contactWrite';

export const { description, execute, orderingKey } = contactWriteOperation({
	operation: 'update',
	request: { method: 'PUT', path: '/contacts/update' },
	emailDescription: 'The contact’s email; Loops creates the contact when it does not exist',
	fields: { displayName: 'Update Fields', name: 'updateFields' },
});
