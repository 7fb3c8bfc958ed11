/**
 * Both credentials as n8n's editor shows, stores and tests them. The editor stores a
 * credential with every property's default filled in (NodeHelpers.getNodeParameters),
 * a notice's empty value included, so the checks below run on data of that shape.
 */
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, ICredentialType, INode, INodeParameters, INodeType } from 'n8n-workflow';

import { LoopsApi } from '../../../credentials/LoopsApi.credentials';
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
