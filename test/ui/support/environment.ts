/**
 * Everything the browser suite runs against: the package built, packed and installed into a real
 * n8n through the community-node route (scripts/lib/localN8n), a signing-secret and a Stripe API
 * credential for the trigger, the Loops and Stripe API contract servers for the credential tests,
 * and Chromium logged in as the owner.
 * stop() ends whatever was started, also after a failed start.
 */
import { join } from 'path';

import { communityNodesFolder } from '../../../scripts/lib/communityPackage';
import {
	exampleWorkflow,
	LOOPS_CREDENTIAL,
	STRIPE_API_CREDENTIAL,
	STRIPE_SIGNING_CREDENTIAL,
	SYNC_WORKFLOW_ID,
} from '../../../scripts/lib/examples';
import { buildAndPackPackage, DEFAULT_OWNER, launchLocalN8n, type LocalN8n } from '../../../scripts/lib/localN8n';
import { startLoopsContractServer, type LoopsContractServer } from '../../../tools/loops-contract-server';
import {
	DEFAULT_KEYS,
	startStripeApiContractServer,
	type StripeApiContractServer,
} from '../../../tools/stripe-api-contract-server';
import { launchEditorBrowser, type EditorBrowser } from './browser';

export const SIGNING_SECRET = 'whsec_ui_suite_signing_secret_0123456789';
export const LOOPS_API_KEY = 'loops_ui_suite_key';
/** Restricted keys of the Stripe API contract server: one with the lookups, one that may not read customers. */
export const STRIPE_API_KEY = 'rk_test_contract';
export const STRIPE_KEY_WITHOUT_CUSTOMERS = 'rk_test_nocustomers';
/**
 * The credentials the example workflows reference, by the same ids: a signing secret for the
 * trigger, and a working Loops credential so the Loops node can load its options.
 */
export const SIGNING_CREDENTIAL = STRIPE_SIGNING_CREDENTIAL;
export { LOOPS_CREDENTIAL, STRIPE_API_CREDENTIAL };
/** An example workflow (examples/), imported so the suite can show it on the canvas. */
export const EXAMPLE_WORKFLOW = exampleWorkflow(SYNC_WORKFLOW_ID);

export interface UiEnvironment {
	n8n: LocalN8n;
	loops: LoopsContractServer;
	stripe: StripeApiContractServer;
	browser: EditorBrowser;
	/** Where the community-node installer put the package (<user folder>/.n8n/nodes/node_modules/<name>). */
	packageFolder: string;
}

export interface UiEnvironmentHandle {
	/** Resolves the running environment; throws if the start failed. */
	get(): UiEnvironment;
	start(): Promise<void>;
	stop(): Promise<void>;
}

export function uiEnvironment(): UiEnvironmentHandle {
	let n8n: LocalN8n | undefined;
	let loops: LoopsContractServer | undefined;
	let stripe: StripeApiContractServer | undefined;
	let browser: EditorBrowser | undefined;
	let packageFolder: string | undefined;

	return {
		get() {
			if (!n8n || !loops || !stripe || !browser || !packageFolder) {
				throw new Error('the UI environment did not start (see the beforeAll error)');
			}
			return { n8n, loops, stripe, browser, packageFolder };
		},

		async start() {
			loops = await startLoopsContractServer({ apiKeys: [LOOPS_API_KEY], teamName: 'UI Suite Team' });
			stripe = await startStripeApiContractServer({
				keys: { ...DEFAULT_KEYS, [STRIPE_KEY_WITHOUT_CUSTOMERS]: ['rak_charge_read'] },
			});
			const pack = await buildAndPackPackage();
			n8n = await launchLocalN8n({
				pack,
				credentials: [
					{
						...SIGNING_CREDENTIAL,
						type: 'stripeWebhookSigningApi',
						data: { signingSecret: SIGNING_SECRET },
					},
					{
						...LOOPS_CREDENTIAL,
						type: 'loopsApi',
						data: { apiKey: LOOPS_API_KEY, baseUrl: loops.url },
					},
					{
						...STRIPE_API_CREDENTIAL,
						type: 'stripeRestrictedKeyApi',
						data: { apiKey: STRIPE_API_KEY, baseUrl: stripe.url },
					},
				],
				workflows: [EXAMPLE_WORKFLOW],
			});
			packageFolder = join(communityNodesFolder(n8n.userFolder), 'node_modules', pack.name);
			await n8n.ownerSession(DEFAULT_OWNER);
			browser = await launchEditorBrowser();
			const login = await browser.context.request.post(`${n8n.baseUrl}/rest/login`, {
				data: { emailOrLdapLoginId: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password },
			});
			if (!login.ok()) throw new Error(`browser login failed: ${login.status()} ${await login.text()}`);
		},

		async stop() {
			// Each in turn, so one failing to stop does not leave the others running.
			await browser?.close().catch(() => undefined);
			await n8n?.stop().catch(() => undefined);
			await loops?.close().catch(() => undefined);
			await stripe?.close().catch(() => undefined);
		},
	};
}
