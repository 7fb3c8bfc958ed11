/**
 * "Register Endpoint in Stripe" in a real n8n: the workflow is published with n8n's CLI before
 * start (n8n then runs the trigger's webhookMethods while activating it), unpublished and
 * published again through n8n's REST API as the editor's Publish button does (so both of n8n's
 * publish paths call webhookMethods). The endpoints are
 * counted in the Stripe API contract server's own state.
 */
import { buildStripeEvent, CUSTOMER_ID, DEFAULT_EMAIL, signStripeDelivery } from '../fixtures/stripeEvents';
import { STRIPE_API_CREDENTIAL, TRIGGER_NODE_TYPE, triggerWebhookPath } from '../../scripts/lib/examples';
import type { WorkflowToImport } from '../../scripts/lib/localN8n';
import { STRIPE_API_VERSION } from '../../nodes/StripeContactTrigger/stripeApi';
import { deliver } from './support/deliveries';
import { startE2eEnvironment, withN8nLog, type E2eEnvironment } from './support/environment';

const WORKFLOW_ID = 'e2eRegisterEndpt';
const EVENTS = ['customer.created', 'invoice.paid'];

/** A trigger that registers its own endpoint: no signing-secret credential, only the Stripe API key. */
const workflow: WorkflowToImport = {
	id: WORKFLOW_ID,
	name: 'E2E: trigger registers its endpoint in Stripe',
	nodes: [
		{
			id: 'a7c1e2d3-0000-4000-8000-0000000000e1',
			name: 'Stripe Contact Trigger',
			type: TRIGGER_NODE_TYPE,
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: '9e2e0000-0000-4000-8000-0000000e9d01',
			parameters: { registerEndpoint: true, events: EVENTS, options: {} },
			credentials: { stripeRestrictedKeyApi: STRIPE_API_CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
	active: false,
};

let env: E2eEnvironment | undefined;
const e2e = (name: string, body: () => Promise<void>) => it(name, withN8nLog(() => env, body));
const environment = () => {
	if (!env) throw new Error('n8n did not start (see beforeAll)');
	return env;
};
const url = () => environment().n8n.webhookUrl(triggerWebhookPath(workflow));
const endpoints = () => environment().stripe.state.webhookEndpoints();

/**
 * n8n 2.41 answers the publish and unpublish requests before it has run the trigger's
 * webhookMethods (its publication service works through an outbox): poll until `read()` is
 * `expected`, and return what it finally was.
 */
async function settled<T>(read: () => T, expected: T, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let value = read();
	while (value !== expected && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		value = read();
	}
	// A moment more: a second, unwanted change would show now.
	await new Promise((resolve) => setTimeout(resolve, 500));
	return read();
}

/** A customer.created delivery signed with the secret Stripe holds for the one endpoint. */
async function deliverSigned() {
	const [endpoint] = endpoints();
	const secret = environment().stripe.state.signingSecret(String(endpoint.id))!;
	// With the Stripe API credential, customer.created is read as the customer is now: it exists in the account.
	environment().stripe.put('customer', { id: CUSTOMER_ID, email: DEFAULT_EMAIL });
	return await deliver(url(), signStripeDelivery(JSON.stringify(buildStripeEvent('customer.created')), secret));
}

beforeAll(async () => {
	env = await startE2eEnvironment({
		workflows: [workflow],
		publish: [WORKFLOW_ID],
		webhookPaths: [triggerWebhookPath(workflow)],
	});
}, 900_000);

afterAll(async () => {
	await env?.stop();
});

describe('Register Endpoint in Stripe, in a real n8n', () => {
	e2e('publishing with the CLI registers one endpoint on start, with the events and the pinned API version', async () => {
		// n8n stores the webhook route before it runs checkExists/create, so the URL can answer first.
		expect(await settled(() => endpoints().length, 1)).toBe(1);
		expect(endpoints()).toEqual([
			expect.objectContaining({ url: url(), enabled_events: EVENTS, api_version: STRIPE_API_VERSION, status: 'enabled' }),
		]);
		// Verified with the secret the node kept from Stripe's answer (no signing-secret credential).
		expect(await deliverSigned()).toMatchObject({ status: 200, json: { received: true } });
		const forged = signStripeDelivery(JSON.stringify(buildStripeEvent('customer.created')), 'whsec_forged_0000');
		expect((await deliver(url(), forged)).status).toBe(401);
	});

	e2e('unpublish → publish → unpublish → publish through the REST API leaves exactly one endpoint', async () => {
		const { session } = environment();
		for (let round = 0; round < 2; round++) {
			await session.unpublishWorkflow(WORKFLOW_ID);
			expect(await settled(() => endpoints().length, 0)).toBe(0);
			await session.publishWorkflow(WORKFLOW_ID);
			expect(await settled(() => endpoints().length, 1)).toBe(1);
		}
		await environment().n8n.waitForWebhook(triggerWebhookPath(workflow));
		expect(await deliverSigned()).toMatchObject({ status: 200, json: { received: true } });
		const writes = environment().stripe.state.requestLog().filter((request) => request.method !== 'GET');
		expect(writes.map((request) => `${request.method} ${request.status}`)).toEqual([
			'POST 200',
			'DELETE 200',
			'POST 200',
			'DELETE 200',
			'POST 200',
		]);
	});
});
