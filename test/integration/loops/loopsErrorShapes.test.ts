/**
 * Every error body Loops is known to answer reaches the user as Loops' own words:
 * the flat { success:false, message }, and the transactional endpoint's nested
 * { error: { path, message } } and { success:false, error: { message } }.
 * A stub answers each body in turn; the node runs through n8n-core's ExecuteContext.
 */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { runLoops } from './setup';

describe('Loops node · the error bodies Loops answers', () => {
	let server: Server;
	let url: string;
	let answer: { status: number; body: unknown };

	beforeAll(async () => {
		server = createServer((request, response) => {
			request.resume();
			request.on('end', () => {
				response.writeHead(answer.status, { 'content-type': 'application/json', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9' });
				response.end(JSON.stringify(answer.body));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
	});
	afterAll(async () => await new Promise<void>((resolve) => server.close(() => resolve())));

	const send = { resource: 'transactionalEmail', operation: 'send', transactionalId: 'cm0welcome', email: 'ada@example.com' };

	it.each([
		['flat', { success: false, message: 'Missing required fields: loginUrl' }, 'Loops: Missing required fields: loginUrl', undefined],
		['nested with a path', { error: { path: 'dataVariables', message: 'Missing required fields: loginUrl' } }, 'Loops: Missing required fields: loginUrl', 'dataVariables'],
		['nested without a path', { success: false, error: { message: 'Transactional email is not published.' } }, 'Loops: Transactional email is not published.', undefined],
		['nested with a reason', { success: false, error: { path: 'attachments', reason: 'Attachments are not enabled for this team.' } }, 'Loops: Attachments are not enabled for this team.', 'attachments'],
		['both levels', { success: false, message: 'Invalid request.', error: { path: 'email', message: 'Invalid email address.' } }, 'Loops: Invalid request. Invalid email address.', 'email'],
		['both levels, no full stop', { success: false, message: 'Invalid request', error: { message: 'Invalid email address.' } }, 'Loops: Invalid request: Invalid email address.', undefined],
	])('%s: the error shows Loops’ message', async (_shape, body, message, field) => {
		answer = { status: 400, body };
		const error = await runLoops({ url }, send).catch((e) => e);
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.message).toBe(message);
		expect(error.httpCode).toBe('400');
		if (field) expect(error.description).toContain(`field: ${field}`);
		else expect(error.description).not.toContain('field:');
	});

	it('a body without any message still names the status', async () => {
		answer = { status: 400, body: { success: false } };
		const error = await runLoops({ url }, send).catch((e) => e);
		expect(error.message).toBe('Loops answered 400');
	});
});
