/**
 * The renewal run of the burst scenarios, in queue mode: the simulator delivers through the load
 * balancer to the webhook processors, the workers share Loops' limit, and the figures the queue
 * benchmark prints (drain ratio, 429 share) come from the contract server's own request log.
 */
import type { LocalN8n } from '../../../scripts/lib/localN8n';
import { burstWorkflow, renewals, runBurst, webhookPath, type BurstRun } from '../../e2e/support/burst';
import type { QueueEnvironment } from './queueEnvironment';

/** The example "Payment successful email" answering Stripe at once, and the same answering after the workflow. */
export const QUEUE_BURST_WORKFLOWS = {
	atOnce: burstWorkflow({ id: 'queueBurstOnce01', webhookId: '9e2e0000-0000-4000-8000-00000a0e0001', durable: false }),
	durable: burstWorkflow({ id: 'queueBurstDurab1', webhookId: '9e2e0000-0000-4000-8000-00000a0e0002', durable: true }),
};

export interface BurstFigures {
	/** From the first delivery to the last request Loops accepted, ÷ (requests needed ÷ the limit). */
	drainRatio: number;
	drainSeconds: number;
	idealSeconds: number;
	/** Share of Loops' answers that were 429. */
	share429: number;
}

/** Each renewal needs two accepted Loops requests: the contact upsert and the event. */
export function burstFigures(run: BurstRun, limitPerSecond: number): BurstFigures {
	const idealSeconds = (2 * run.tally.people) / limitPerSecond;
	const drainSeconds =
		run.lastLoopsSuccessAt !== undefined && run.report.firstAttemptAt !== undefined
			? (run.lastLoopsSuccessAt - run.report.firstAttemptAt) / 1000
			: Number.NaN;
	return {
		drainRatio: drainSeconds / idealSeconds,
		drainSeconds,
		idealSeconds,
		share429: run.tally.requests === 0 ? 0 : run.tally.rateLimited429 / run.tally.requests,
	};
}

export function describeFigures(figures: BurstFigures): string {
	return (
		`drain ratio ${figures.drainRatio.toFixed(2)} (${figures.drainSeconds.toFixed(1)} s for an ideal ${figures.idealSeconds.toFixed(0)} s), ` +
		`429 share ${(figures.share429 * 100).toFixed(2)} %`
	);
}

/** Executions a worker has started and not finished, from its log. */
export function executionsInFlight(worker: LocalN8n): number {
	const log = worker.logText();
	return (log.match(/Worker started execution/g)?.length ?? 0) - (log.match(/Worker finished execution/g)?.length ?? 0);
}

/**
 * `count` renewals into `workflow` through the balancer, with the contract server reset first (and
 * a second for its rate-limit window to empty). `onStart` runs as the first delivery goes out.
 */
export async function queueBurst(
	env: QueueEnvironment,
	options: {
		workflow: 'atOnce' | 'durable';
		run: string;
		count: number;
		label: string;
		/** Default 5 % twice, 5 % out of order (as the burst scenarios); the benchmark uses 0 like bench:burst. */
		duplicateShare?: number;
		outOfOrderShare?: number;
		onStart?: () => void;
		log?: (line: string) => void;
	},
): Promise<{ run: BurstRun; figures: BurstFigures }> {
	const workflow = QUEUE_BURST_WORKFLOWS[options.workflow];
	env.loops.reset();
	await new Promise((resolve) => setTimeout(resolve, 1100));
	const { people, events } = renewals(options.run, options.count);
	const run = await runBurst({
		url: `${env.balancer.baseUrl}/webhook/${webhookPath(workflow)}`,
		loops: env.loops,
		people,
		events,
		label: options.label,
		duplicateShare: options.duplicateShare,
		outOfOrderShare: options.outOfOrderShare,
		onStart: options.onStart,
		log: options.log,
	});
	return { run, figures: burstFigures(run, env.loops.rateLimitPerSecond) };
}
