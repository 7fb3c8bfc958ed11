/**
 * Stripe → Stripe Contact Trigger → Loops node → Loops (contract server), in a real n8n (N8N_VERSION) on
 * Node 24 with the package installed the way n8n's community-node installer installs it.
 * Everything goes over real HTTP to the production webhook URLs; executions are read from n8n.
 */
import { stripeToLoopsScenarios } from './scenarios/stripeToLoops';
import { expectInstalledAsCommunityPackage } from './support/communityPackage';
import { startE2eEnvironment, withN8nLog, type E2eEnvironment } from './support/environment';
import { e2eWorkflows, webhookPathOf } from './support/workflows';

let env: E2eEnvironment | undefined;

beforeAll(async () => {
	const workflows = e2eWorkflows();
	env = await startE2eEnvironment({
		workflows,
		publish: workflows.map((workflow) => workflow.id),
		webhookPaths: workflows.map((workflow) => webhookPathOf(workflow.id)),
	});
}, 900_000);

afterAll(async () => {
	await env?.stop();
});

describe('the package inside n8n', () => {
	it(
		'is installed like a community package: nothing next to it, n8n-workflow from n8n itself',
		withN8nLog(() => env, async () => {
			if (!env) throw new Error('n8n did not start (see beforeAll)');
			expectInstalledAsCommunityPackage(env.n8n.userFolder, env.n8n.logText());
		}),
	);
});

stripeToLoopsScenarios(() => env);
