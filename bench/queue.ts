/**
 * npm run bench:queue — this package in n8n's queue mode, printed from one run:
 *
 * 1. Accepted deliveries per second: signed invoice.paid deliveries to a workflow that is only the
 *    Stripe Contact Trigger, at fixed concurrency over keep-alive connections, into (a) single-process
 *    n8n (n8n's defaults), (b) queue mode through one webhook processor, (c) queue mode through two.
 *    All three run at once and are measured in interleaved rounds (rotating order); after each
 *    queue-mode round the workers finish the backlog before the next round starts, so no round pays
 *    for another's executions. In queue mode the answer comes once the execution is stored in
 *    PostgreSQL and its job is queued in Redis; the two workers run the (empty) executions meanwhile.
 * 2. The burst with two workers: BENCH_QUEUE_DELIVERIES signed invoice.paid deliveries from the Stripe delivery simulator, 20 at a time, through a round-robin balancer to two webhook
 *    processors, into "Payment successful email" (answering Stripe at once), no duplicates (as
 *    bench:burst, so the two compare), Loops at 10 requests/s
 *    for the team. Drain ratio = time from the first delivery to the last request Loops accepted ÷
 *    (2 requests per renewal ÷ the limit), target ≤ 1.25; 429 share of Loops' answers, target < 5 %.
 *
 * Environment: BENCH_QUEUE_ROUND_MS (3000), BENCH_QUEUE_ROUNDS (3), BENCH_QUEUE_CONCURRENCY (8),
 * BENCH_QUEUE_DELIVERIES (1000: the burst), BENCH_QUEUE_SKIP_BURST=1 (acceptance only).
 */
import { Agent } from 'node:http';
import { cpus } from 'node:os';

import { exampleCredentials } from '../scripts/lib/examples';
import { buildAndPackPackage, launchLocalN8n, N8N_VERSION, type LocalN8n, type N8nRestSession } from '../scripts/lib/localN8n';
import { launchQueueN8n, type QueueN8n } from '../scripts/lib/queueN8n';
import { describeUnexpected, fire, newLoadRecord, percentile, summarize, type LoadRecord } from './support/httpLoad';
import { SIGNING_SECRET, signedDelivery, TRIGGER_WEBHOOK_PATH, triggerWorkflow } from './support/triggerOnly';
import { queueBurst, QUEUE_BURST_WORKFLOWS } from '../test/queue/support/queueBurst';
import { startQueueEnvironment } from '../test/queue/support/queueEnvironment';

const ROUND_MS = Number(process.env.BENCH_QUEUE_ROUND_MS ?? 3000);
const ROUNDS = Number(process.env.BENCH_QUEUE_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 8);
const WARMUP_MS = 1000;
const BURST_DELIVERIES = Number(process.env.BENCH_QUEUE_DELIVERIES ?? 1000);

const startedAt = Date.now();
const say = (message: string) => console.log(`[bench:queue ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${message}`);

interface AcceptanceTarget extends LoadRecord {
	label: string;
	urls: string[];
	/** Waits until the executions this target's round queued have run (queue mode only). */
	settle?: () => Promise<void>;
}

/** Polls until no execution of the trigger-only workflow is queued or running. */
async function waitForBacklog(session: N8nRestSession): Promise<void> {
	for (;;) {
		const executions = await session.listExecutions(triggerWorkflow.id);
		if (!executions.some((execution) => ['new', 'running', 'waiting'].includes(execution.status))) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

async function measureAcceptance(single: LocalN8n, queue: QueueN8n): Promise<void> {
	const session = await queue.ownerSession();
	const settle = () => waitForBacklog(session);
	const [first, second] = queue.webhookProcessors.map((processor) => processor.baseUrl);
	const targets: AcceptanceTarget[] = [
		{ label: '(a) single-process n8n', urls: [single.baseUrl], ...newLoadRecord() },
		{ label: '(b) queue mode, 1 webhook processor', urls: [first], settle, ...newLoadRecord() },
		{ label: '(c) queue mode, 2 webhook processors', urls: [first, second], settle, ...newLoadRecord() },
	];
	const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
	try {
		for (const target of targets) {
			await fire(target.urls, agent, signedDelivery('invoice.paid', 200), WARMUP_MS, CONCURRENCY);
			await target.settle?.();
		}
		for (let round = 0; round < ROUNDS; round++) {
			const order = targets.map((_, i) => targets[(i + round) % targets.length]);
			for (const target of order) {
				target.elapsedMs += await fire(target.urls, agent, signedDelivery('invoice.paid', 200), ROUND_MS, CONCURRENCY, target);
				await target.settle?.();
			}
			say(`acceptance round ${round + 1}/${ROUNDS} done`);
		}
	} finally {
		agent.destroy();
	}
	const results = targets.map((target) => ({ target, ...summarize(target) }));
	console.log(`\nAccepted deliveries per second (${ROUNDS} interleaved rounds × ${ROUND_MS / 1000} s, ${CONCURRENCY} POSTs in flight, ${cpus().length} cores)`);
	console.log(`${'target'.padEnd(40)}${'accepted/s'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  unexpected answers`);
	for (const { target, rps, p50, p99 } of results) {
		console.log(`${target.label.padEnd(40)}${rps.toFixed(1).padStart(11)}${p50.toFixed(2).padStart(9)}${p99.toFixed(2).padStart(9)}  ${describeUnexpected(target)}`);
	}
	const [a, b, c] = results;
	console.log(`(b)/(a): ${(b.rps / a.rps).toFixed(2)}   (c)/(a): ${(c.rps / a.rps).toFixed(2)}   (c)/(b): ${(c.rps / b.rps).toFixed(2)}`);
}

async function main(): Promise<void> {
	say(`n8n ${N8N_VERSION}: building and packing the package`);
	const pack = await buildAndPackPackage();
	const credentials = exampleCredentials({ signingSecret: SIGNING_SECRET, loopsApiKey: 'unused', loopsBaseUrl: 'http://127.0.0.1:9/api/v1', stripeApiKey: 'rk_test_unused', stripeApiBaseUrl: 'http://127.0.0.1:9' });
	const triggerOnly = { pack, credentials, workflows: [triggerWorkflow], publish: [triggerWorkflow.id], webhookPaths: [TRIGGER_WEBHOOK_PATH] };

	say('starting single-process n8n and queue-mode n8n (main, 2 workers, 2 webhook processors) side by side');
	const single = await launchLocalN8n(triggerOnly);
	let queue: QueueN8n | undefined;
	try {
		queue = await launchQueueN8n({ ...triggerOnly, workers: 2, webhookProcessors: 2, label: 'bench' });
		await measureAcceptance(single, queue);
	} finally {
		await queue?.stop();
		await single.stop();
	}

	if (process.env.BENCH_QUEUE_SKIP_BURST !== '1') {
		say(`the burst: ${BURST_DELIVERIES} deliveries into queue mode with 2 workers and 2 webhook processors, Loops at 10 requests/s`);
		const workflow = QUEUE_BURST_WORKFLOWS.atOnce;
		const env = await startQueueEnvironment({ workflows: [workflow], publish: [workflow.id], loopsRateLimit: 10, suite: 'bench-queue', workers: 2, webhookProcessors: 2 });
		try {
			const { run, figures } = await queueBurst(env, {
				workflow: 'atOnce',
				run: 'bench',
				count: BURST_DELIVERIES,
				label: 'bench burst',
				duplicateShare: 0,
				outOfOrderShare: 0,
				log: say,
			});
			console.log(`\nBurst with two workers (${BURST_DELIVERIES} deliveries 20 at a time, as bench:burst; Loops at ${env.loops.rateLimitPerSecond}/s for the team)`);
			console.log(`drain ratio:  ${figures.drainRatio.toFixed(2)}   (target ≤ 1.25; ${figures.drainSeconds.toFixed(1)} s from the first delivery to the last accepted Loops request, ideal ${figures.idealSeconds.toFixed(0)} s)`);
			console.log(`429 share:    ${(figures.share429 * 100).toFixed(2)} %   (target < 5 %; ${run.tally.rateLimited429} of ${run.tally.requests} Loops answers)`);
			console.log(`outcome:      ${run.tally.contactsLost} contacts lost, ${run.tally.emailsLost} emails lost, ${run.tally.emailsTwice} sent twice; Stripe gave up on ${run.report.gaveUp}`);
			const acked = ((run.report.lastAckAt ?? Number.NaN) - (run.report.firstAttemptAt ?? Number.NaN)) / 1000;
			const latencies = [...run.report.ackLatenciesMs].sort((x, y) => x - y);
			console.log(`Stripe:       every delivery acknowledged ${acked.toFixed(1)} s after the first (${(run.report.deliveries / acked).toFixed(1)} deliveries/s); ack p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`);
			console.log(`spread:       deliveries per webhook processor ${JSON.stringify(env.balancer.forwarded())}`);
			console.log(`(when Stripe's acknowledgements take as long as the drain, the webhook processors' intake, not Loops' pace, set the drain)`);
		} finally {
			await env.stop();
		}
	}
	say('done');
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
