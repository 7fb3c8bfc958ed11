/**
 * The e2e scenarios, in n8n's queue mode: a main, two workers and two webhook processors on
 * PostgreSQL and Redis, each process with the package installed the community-node way, deliveries
 * alternating between the two webhook processors (a round-robin balancer in front of them).
 */
import { stripeToLoopsScenarios } from '../e2e/scenarios/stripeToLoops';
import { expectInstalledAsCommunityPackage } from '../e2e/support/communityPackage';
import { withN8nLog } from '../e2e/support/environment';
import { e2eWorkflows } from '../e2e/support/workflows';
import { startQueueEnvironment, type QueueEnvironment } from './support/queueEnvironment';

let env: QueueEnvironment | undefined;

beforeAll(async () => {
	const workflows = e2eWorkflows();
	env = await startQueueEnvironment({ workflows, publish: workflows.map((workflow) => workflow.id) });
}, 900_000);

afterAll(async () => {
	await env?.stop();
});

function environment(): QueueEnvironment {
	if (!env) throw new Error('n8n did not start (see beforeAll)');
	return env;
}

describe('the package in every queue-mode process', () => {
	it.each(['main', 'worker-1', 'worker-2', 'webhook-1', 'webhook-2'])('%s', (name) =>
		withN8nLog(() => env, async () => {
			const process = environment().n8n.processes.find((candidate) => candidate.name === name);
			expect(process).toBeDefined();
			expectInstalledAsCommunityPackage(process!.n8n.userFolder, process!.n8n.logText());
		})(),
	);
});

stripeToLoopsScenarios(() => env);

describe('the work was spread', () => {
	it(
		'over both webhook processors and both workers',
		withN8nLog(() => env, async () => {
			const [first, second] = environment().balancer.forwarded();
			expect(first).toBeGreaterThan(5);
			expect(second).toBeGreaterThan(5);
			for (const worker of environment().n8n.workers) {
				expect(worker.logText()).toMatch(/Worker started execution/);
			}
		}),
	);
});
