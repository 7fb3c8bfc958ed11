/**
 * n8n in queue mode for a test file: main, workers and webhook processors on a fresh PostgreSQL
 * database and Redis prefix, the package installed into each process, the Loops contract server,
 * and an owner session on main. Deliveries rotate over the webhook processors.
 */
import { launchQueueN8n, type QueueN8n, type QueueN8nOptions } from '../../../scripts/lib/queueN8n';
import type { WorkflowToImport } from '../../../scripts/lib/localN8n';
import { startN8nUnderTest, type N8nUnderTest } from '../../e2e/support/environment';
import { webhookPathOf } from '../../e2e/support/workflows';

export interface QueueEnvironment extends N8nUnderTest {
	n8n: QueueN8n;
	/** How many deliveries went to each webhook processor, in processor order. */
	deliveriesPerProcessor(): number[];
	stop(): Promise<void>;
}

export async function startQueueEnvironment(
	options: {
		workflows: WorkflowToImport[];
		publish: string[];
		rateLimitPerSecond?: number;
	} & Pick<QueueN8nOptions, 'workers' | 'webhookProcessors' | 'workerConcurrency' | 'env'>,
): Promise<QueueEnvironment> {
	const { rateLimitPerSecond, ...queueOptions } = options;
	const counts: number[] = [];
	let next = 0;
	const environment = await startN8nUnderTest({
		suite: 'queue',
		rateLimitPerSecond,
		launch: (input) =>
			launchQueueN8n({
				...input,
				...queueOptions,
				label: 'test',
				webhookPaths: options.publish.map(webhookPathOf),
			}),
		editorOf: (n8n) => n8n.main,
		webhookUrl: (n8n, workflowId) => {
			const urls = n8n.webhookUrls(webhookPathOf(workflowId));
			const index = next++ % urls.length;
			counts[index] = (counts[index] ?? 0) + 1;
			return urls[index];
		},
	});
	return { ...environment, deliveriesPerProcessor: () => [...counts] };
}
