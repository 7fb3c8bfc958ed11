/**
 * The signing-secret credential's test, found and called the way n8n's
 * CredentialsTester does it when a credential is saved: the credential type has
 * no `test` request, so n8n takes the node that uses the credential, reads its
 * `testedBy` and calls `methods.credentialTest[testedBy]` with a
 * CredentialTestContext and the decrypted credential.
 */
import { randomBytes } from 'crypto';

import { CredentialTestContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialType,
	INodeCredentialTestResult,
	INodeParameters,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { StripeWebhookSigningApi } from '../../../credentials/StripeWebhookSigningApi.credentials';
import { StripeContactTrigger } from '../../../nodes/StripeContactTrigger/StripeContactTrigger.node';

const credentialType: ICredentialType = new StripeWebhookSigningApi();

function credentialTestOfTheNode(): ICredentialTestFunction {
	const node = new StripeContactTrigger();
	const usage = node.description.credentials?.find((credential) => credential.name === credentialType.name);
	expect(typeof usage?.testedBy).toBe('string');
	const test = node.methods.credentialTest[usage!.testedBy as keyof typeof node.methods.credentialTest];
	expect(test).toBeInstanceOf(Function);
	return test;
}

/** What the editor stores: every property's default filled in, then what was typed. */
async function testCredential(entered: INodeParameters): Promise<INodeCredentialTestResult> {
	const data = NodeHelpers.getNodeParameters(credentialType.properties, entered, true, false, null, null);
	return await credentialTestOfTheNode().call(new CredentialTestContext(), {
		id: 'credential-1',
		name: 'Stripe signing secret',
		type: credentialType.name,
		data: data as ICredentialDataDecryptedObject,
	});
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const dashboardSecret = () =>
	`whsec_${[...randomBytes(32)].map((byte) => BASE62[byte % BASE62.length]).join('')}`;
const cliSecret = () => `whsec_${randomBytes(32).toString('hex')}`;

describe('the signing-secret credential test', () => {
	it('is the node\'s test: the credential asks nothing of Stripe, there is no request to make', () => {
		expect(credentialType.test).toBeUndefined();
		expect(credentialTestOfTheNode()).toBeDefined();
	});

	it.each([
		['a secret from the dashboard', dashboardSecret()],
		['a secret from the Stripe CLI (stripe listen)', cliSecret()],
		['a secret pasted with a trailing line break and spaces', `  ${dashboardSecret()}\n`],
	])('accepts %s', async (_label, signingSecret) => {
		const result = await testCredential({ signingSecret });
		expect(result.status).toBe('OK');
	});

	it.each([
		['a secret API key', 'sk_live_51Hx2bLKn0pQeXampleKey0000000000000000', 'Stripe API key'],
		['a test secret API key', 'sk_test_51Hx2bLKn0pQeXampleKey0000000000000000', 'Stripe API key'],
		['a restricted API key', 'rk_live_51Hx2bLKn0pQeXampleKey0000000000000000', 'Stripe API key'],
		['a publishable key', 'pk_live_51Hx2bLKn0pQeXampleKey0000000000000000', 'publishable key'],
		['the dashboard URL of the endpoint', 'https://dashboard.stripe.com/test/webhooks/we_1PgcQx2eZvKYlo2C', 'a URL'],
		['the URL without its scheme', 'dashboard.stripe.com/webhooks/we_1PgcQx2eZvKYlo2C', 'a URL'],
		['the endpoint ID', 'we_1PgcQx2eZvKYlo2CbQ8pRrWm', "endpoint's ID"],
		['the masked value shown before Reveal', 'whsec_••••••••••••••••••••', 'masked'],
		['a secret cut in two by a line break', 'whsec_1a2b3c4d5e6f\n7a8b9c0d1e2f3a4b', 'spaces or line breaks'],
		['something else entirely', 'my-webhook-secret', 'does not start with whsec_'],
		['a quoted secret', '"whsec_1a2b3c4d5e6f7a8b9c0d1e2f3a4b"', 'does not start with whsec_'],
		['a secret with a trailing quote', 'whsec_1a2b3c4d5e6f7a8b9c0d1e2f3a4b"', 'characters a Stripe signing secret never contains'],
	])('rejects %s, says what it is and where the secret is, without repeating it', async (_label, signingSecret, what) => {
		const result = await testCredential({ signingSecret });
		expect(result.status).toBe('Error');
		expect(result.message).toContain(what);
		expect(result.message).toContain('Signing secret → Reveal');
		expect(result.message).not.toContain(signingSecret.trim().slice(0, 12));
	});

	it.each([
		['an empty secret', '   ', 'The signing secret is empty.'],
		['only the prefix', 'whsec_', 'The signing secret is incomplete'],
	])('rejects %s', async (_label, signingSecret, message) => {
		const result = await testCredential({ signingSecret });
		expect(result).toEqual({ status: 'Error', message: expect.stringContaining(message) });
	});

	it('checks the previous secret only when one is entered, and names which of the two is wrong', async () => {
		expect((await testCredential({ signingSecret: dashboardSecret(), previousSigningSecret: '' })).status).toBe('OK');
		expect((await testCredential({ signingSecret: dashboardSecret(), previousSigningSecret: cliSecret() })).status).toBe(
			'OK',
		);

		const wrongPrevious = await testCredential({
			signingSecret: dashboardSecret(),
			previousSigningSecret: 'sk_test_51Hx2bLKn0pQeXampleKey0000000000000000',
		});
		expect(wrongPrevious.status).toBe('Error');
		expect(wrongPrevious.message).toMatch(/^The previous signing secret is a Stripe API key/);

		const bothWrong = await testCredential({
			signingSecret: 'https://dashboard.stripe.com/webhooks/we_1PgcQx2eZvKYlo2C',
			previousSigningSecret: 'we_1PgcQx2eZvKYlo2CbQ8pRrWm',
		});
		expect(bothWrong.message).toMatch(/^The signing secret is a URL.* The previous signing secret is the endpoint's ID/);
	});
});
