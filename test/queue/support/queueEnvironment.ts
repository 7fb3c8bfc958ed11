/**
 * n8n in queue mode for a test file or benchmark: main, workers and webhook processors on a fresh
 * PostgreSQL database and Redis prefix, the package installed into each process, the Loops contract
 * server, an owner session on main, and a round-robin load balancer in front of the webhook
 * processors: every delivery goes through it, so they share the work as behind nginx.
 */
import type { WorkflowToImport } from '../../../scripts/lib/localN8n';
import { launchQueueN8n, type QueueN8n, type QueueN8nOptions } from '../../../scripts/lib/queueN8n';
import { startRoundRobinProxy, type RoundRobinProxy } from '../../../scripts/lib/roundRobinProxy';
import { startN8nUnderTest, webhookPathIn, type N8nUnderTest } from '../../e2e/support/environment';

export interface QueueEnvironment extends N8nUnderTest {
	n8n: QueueN8n;
	balancer: RoundRobinProxy;
	stop(): Promise<void>;
}

export async function startQueueEnvironment(
	options: {
		workflows: WorkflowToImport[];
		/** Workflow ids to publish; every webhook processor must serve their triggers before the start resolves. */
		publish: string[];
		/** The contract server's per-team limit; default a generous 1000/s (tests that are not about pacing). */
		loopsRateLimit?: number;
		/** Where the log goes: test-results/<suite>/. */
		suite?: string;
	} & Pick<QueueN8nOptions, 'workers' | 'webhookProcessors' | 'workerConcurrency' | 'env' | 'onLog'>,
): Promise<QueueEnvironment> {
	const { loopsRateLimit, suite = 'queue', workflows, publish, ...queueOptions } = options;
	const webhookPathOf = (workflowId: string) => webhookPathIn(workflows, workflowId);
	let balancer: RoundRobinProxy | undefined;
	const environment = await startN8nUnderTest({
		suite,
		loopsRateLimit,
		launch: async (input) => {
			const n8n = await launchQueueN8n({ ...input, ...queueOptions, workflows, publish, label: suite, webhookPaths: publish.map(webhookPathOf) });
			balancer = await startRoundRobinProxy(n8n.webhookProcessors.map((processor) => processor.baseUrl));
			return n8n;
		},
		editorOf: (n8n) => n8n.main,
		webhookUrl: (_n8n, workflowId) => `${balancer!.baseUrl}/webhook/${webhookPathOf(workflowId)}`,
	});
	return {
		...environment,
		balancer: balancer!,
		stop: async () => {
			await balancer?.close();
			await environment.stop();
		},
	};
}
