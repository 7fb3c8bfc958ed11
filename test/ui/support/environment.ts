/**
 * Everything the browser suite runs against: the package built, packed and installed into a real
 * n8n through the community-node route (scripts/lib/localN8n), a signing-secret credential for the
 * trigger, the Loops contract server for the credential test, and Chromium logged in as the owner.
 * stop() ends whatever was started, also after a failed start.
 */
import { join } from 'path';

import { communityNodesFolder } from '../../../scripts/lib/communityPackage';
import {
	exampleWorkflow,
	LOOPS_CREDENTIAL,
	STRIPE_SIGNING_CREDENTIAL,
	SYNC_WORKFLOW_ID,
} from '../../../scripts/lib/examples';
import { buildAndPackPackage, DEFAULT_OWNER, launchLocalN8n, type LocalN8n } from '../../../scripts/lib/localN8n';
import { startLoopsContractServer, type LoopsContractServer } from '../../../tools/loops-contract-server';
import { launchEditorBrowser, type EditorBrowser } from './browser';

export const SIGNING_SECRET = 'whsec_ui_suite_signing_secret_0123456789';
export const LOOPS_API_KEY = 'loops_ui_suite_key';
/**
 * The credentials the example workflows reference, by the same ids: a signing secret for the
 * trigger, and a working Loops credential so the Loops node can load its options.
 */
export const SIGNING_CREDENTIAL = STRIPE_SIGNING_CREDENTIAL;
export { LOOPS_CREDENTIAL };
/** An example workflow (examples/), imported so the suite can show it on the canvas. */
export const EXAMPLE_WORKFLOW = exampleWorkflow(SYNC_WORKFLOW_ID);

export interface UiEnvironment {
	n8n: LocalN8n;
	loops: LoopsContractServer;
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
	let browser: EditorBrowser | undefined;
	let packageFolder: string | undefined;

	return {
		get() {
			if (!n8n || !loops || !browser || !packageFolder) {
				throw new Error('the UI environment did not start (see the beforeAll error)');
			}
			return { n8n, loops, browser, packageFolder };
		},

		async start() {
			loops = await startLoopsContractServer({ apiKeys: [LOOPS_API_KEY], teamName: 'UI Suite Team' });
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
		},
	};
}
