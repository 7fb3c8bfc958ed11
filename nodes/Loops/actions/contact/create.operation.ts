import { contactWriteOperation } from './contactWrite';

export const { description, execute, orderingKey } = contactWriteOperation({
	operation: 'create',
	request: { method: 'POST', path: '/contacts/create' },
	emailDescription: 'The new contact’s email. Loops answers an error if it already exists; use Update to upsert.',
	fields: { displayName: 'Additional Fields', name: 'additionalFields' },
});
