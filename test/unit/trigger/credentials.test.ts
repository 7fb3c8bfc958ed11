/**
 * The credentials as n8n's editor shows, stores and tests them. The editor stores a
 * credential with every property's default filled in (NodeHelpers.getNodeParameters),
 * a notice's empty value included, so the checks below run on data of that shape.
 */
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, ICredentialType, INode, INodeParameters, INodeType } from 'n8n-workflow';

import { LoopsApi } from '../../../credentials/LoopsApi.credentials';
import { StripeRestrictedKeyApi } from '../../../credentials/StripeRestrictedKeyApi.credentials';
import { StripeWebhookSigningApi } from '../../../credentials/StripeWebhookSigningApi.credentials';

function storedAsByTheEditor(credential: ICredentialType, entered: INodeParameters) {
	return NodeHelpers.getNodeParameters(credential.properties, entered, true, false, null, null) as ICredentialDataDecryptedObject;
}

/** Resolves a credential expression the way n8n's CredentialsHelper does: with $credentials. */
function resolve(expression: string, credentials: ICredentialDataDecryptedObject): unknown {
	const node: INode = { id: 'n', name: 'Node', type: 'any', typeVersion: 1, position: [0, 0], parameters: {} };
	const nodeType = { description: { properties: [] } } as unknown as INodeType;
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) },
	});
	return workflow.expression.getSimpleParameterValue(node, expression, 'internal', { $credentials: credentials });
}

const fieldsOf = (credential: ICredentialType) =>
	credential.properties.filter((property) => property.type !== 'notice').map((property) => property.name);
const noticesOf = (credential: ICredentialType) =>
	credential.properties.filter((property) => property.type === 'notice');

describe('the Stripe signing-secret credential', () => {
	const credential = new StripeWebhookSigningApi();

	it('opens with one notice above the fields', () => {
		expect(credential.properties[0].type).toBe('notice');
		expect(noticesOf(credential)).toHaveLength(1);
	});

	it('keeps its fields: the secret (required) and the optional previous one', () => {
		expect(fieldsOf(credential)).toEqual(['signingSecret', 'previousSigningSecret']);
		expect(credential.properties.filter((property) => property.required).map((property) => property.name)).toEqual([
			'signingSecret',
		]);
	});

	it('stores what the user entered; the notice adds only its empty default', () => {
		expect(storedAsByTheEditor(credential, { signingSecret: 'whsec_abc' })).toEqual({
			notice: '',
			signingSecret: 'whsec_abc',
			previousSigningSecret: '',
		});
	});
});

describe('the Loops credential', () => {
	const credential = new LoopsApi();
	const stored = storedAsByTheEditor(credential, { apiKey: 'loops_key_123', baseUrl: 'https://loops.test/api/v1/' });

	it('opens with one notice above its fields, the API key and the base URL', () => {
		expect(credential.properties[0].type).toBe('notice');
		expect(noticesOf(credential)).toHaveLength(1);
		expect(fieldsOf(credential)).toEqual(['apiKey', 'baseUrl']);
	});

	it('authenticates and tests with the stored data (notice included): GET {baseUrl}/api-key with the bearer key', () => {
		expect(stored).toEqual({ notice: '', apiKey: 'loops_key_123', baseUrl: 'https://loops.test/api/v1/' });
		const { request } = credential.test;
		expect(request.method).toBe('GET');
		expect(request.url).toBe('/api-key');
		expect(resolve(request.baseURL!, stored)).toBe('https://loops.test/api/v1');
		const authorization = (credential.authenticate as { properties: { headers: Record<string, string> } }).properties
			.headers.Authorization;
		expect(resolve(authorization, stored)).toBe('Bearer loops_key_123');
	});

	it('answers a rejected key (401) with a message of its own, not just "Unauthorized"', () => {
		// n8n's credential tester returns the message of the responseCode rule matching the failed status.
		expect(credential.test.rules).toEqual([
			{ type: 'responseCode', properties: { value: 401, message: expect.stringMatching(/API key/) } },
		]);
	});
});

describe('the Stripe restricted-key credential', () => {
	const credential = new StripeRestrictedKeyApi();
	const stored = storedAsByTheEditor(credential, { apiKey: 'rk_test_123' });

	it('names, in a notice above the fields, every read permission the lookups need and the write one registration needs', () => {
		expect(credential.properties[0].type).toBe('notice');
		const [notice] = noticesOf(credential).map((property) => property.displayName);
		for (const permission of ['Customers', 'Charges', 'Subscriptions', 'Quotes']) {
			expect(notice).toMatch(new RegExp(`Read on [^.]*${permission}`));
		}
		expect(notice).toMatch(/Write on Webhook Endpoints only if the trigger should register its endpoint/);
		expect(fieldsOf(credential)).toEqual(['apiKey', 'baseUrl']);
	});

	it("defaults the base URL to Stripe's API and authenticates with the key as a bearer token", () => {
		expect(stored).toEqual({ notice: '', apiKey: 'rk_test_123', baseUrl: 'https://api.stripe.com' });
		const authorization = (credential.authenticate as { properties: { headers: Record<string, string> } }).properties
			.headers.Authorization;
		expect(resolve(authorization, stored)).toBe('Bearer rk_test_123');
	});

	it('tests with the permission every lookup needs: GET {baseUrl}/v1/customers?limit=1', () => {
		const { request } = credential.test;
		expect(request.method).toBe('GET');
		expect(request.url).toBe('/v1/customers');
		expect(request.qs).toEqual({ limit: 1 });
		expect(resolve(request.baseURL!, { ...stored, baseUrl: 'http://127.0.0.1:12111//' })).toBe('http://127.0.0.1:12111');
	});

	it('says what is wrong for a rejected key (401) and for a key that may not read customers (403)', () => {
		const messages = Object.fromEntries(
			(credential.test.rules ?? []).map((rule) => [
				(rule.properties as { value: number }).value,
				(rule.properties as { message: string }).message,
			]),
		);
		expect(Object.keys(messages)).toEqual(['401', '403']);
		expect(messages[401]).toMatch(/Stripe rejected this key/);
		expect(messages[403]).toMatch(/set Customers to Read/);
	});
});
