/**
 * npm run bench:host — the trigger inside a real n8n 2.40 (Node 24), next to n8n's own Webhook node.
 * One n8n, one run, four targets, measured in interleaved rounds so drift hits all of them alike:
 *   (a) a workflow made of n8n's Webhook node (n8n-nodes-base.webhook, answers on receipt)
 *   (b) a workflow made of the Stripe Contact Trigger, receiving a signed invoice.paid
 *   (c) the same trigger receiving a signed, unsupported event (answered 200, no execution)
 *   (d) an unregistered webhook path (n8n answers 404)
 * (a) and (b) have no downstream node, so both pay exactly one webhook execution per request.
 * Load: POSTs at fixed concurrency over keep-alive connections for a fixed time per round, so the
 * pass ends in about a minute and a half on any machine. Prints requests/s, p50/p99 latency and the ratios
 * (b)/(a) (target ≥ 0.95) and (c)/(d) (target ≥ 0.8).
 *
 * It measures three times, each on a fresh n8n: with n8n's defaults, with the vm engine's lazy isolate
 * acquisition, and with N8N_EXPRESSION_ENGINE=legacy. n8n 2.40's default expression engine ("vm")
 * acquires an isolated-vm isolate (pool of one) for the webhook phase of every webhook node except its
 * own Webhook node (LiveWebhooks.webhookPhaseNeedsIsolate), before any node code runs; a node cannot
 * opt out. With lazy acquisition an isolate is built only when an expression is evaluated. Neither the
 * trigger nor n8n evaluates one in the webhook phase of the trigger at typeVersion 1.1 (the version
 * measured here); at typeVersion 1 n8n itself evaluates {{$parameter["options"]["binaryData"]}} for
 * every request (webhook-helpers parseRequestBody), which costs an isolate each. The later passes show
 * what the trigger costs without the host-side toll.
 */
import { Agent } from 'node:http';

import { exampleCredentials } from '../scripts/lib/examples';
import {
	buildAndPackPackage,
	launchLocalN8n,
	type PackedPackage,
	type WorkflowToImport,
} from '../scripts/lib/localN8n';
import { describeUnexpected, fire, newLoadRecord, summarize, type Delivery, type LoadRecord } from './support/httpLoad';
import { SIGNING_SECRET, signedDelivery, TRIGGER_WEBHOOK_PATH, triggerWorkflow } from './support/triggerOnly';

const ROUND_MS = Number(process.env.BENCH_HOST_ROUND_MS ?? 3000);
const ROUNDS = Number(process.env.BENCH_HOST_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_HOST_CONCURRENCY ?? 8);
const WARMUP_MS = 1000;

const WEBHOOK_NODE_PATH = 'bench-webhook-node';

const webhookNodeWorkflow: WorkflowToImport = {
	id: 'benchWebhookNode',
	name: 'Bench (a): n8n Webhook node',
	nodes: [
		{
			id: 'b0000000-0000-4000-8000-00000000000a',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'b3ac0000-0000-4000-8000-00000000a00a',
			parameters: { httpMethod: 'POST', path: WEBHOOK_NODE_PATH, responseMode: 'onReceived', options: {} },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

/** One target's load and what it was sent: re-signed each round so the signature stays inside Stripe's tolerance however long the run takes. */
interface Target extends LoadRecord {
	label: string;
	delivery: () => Delivery;
}

interface Pass {
	label: string;
	env: Record<string, string>;
}

const PASSES: Pass[] = [
	{ label: "n8n's defaults (expression engine: vm)", env: {} },
	{
		label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (vm engine; an isolate only once an expression runs)',
		env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
	},
	{ label: 'N8N_EXPRESSION_ENGINE=legacy (no isolate per webhook)', env: { N8N_EXPRESSION_ENGINE: 'legacy' } },
];

async function measure(pack: PackedPackage, pass: Pass): Promise<void> {
	const n8n = await launchLocalN8n({
		pack,
		env: pass.env,
		credentials: exampleCredentials({ signingSecret: SIGNING_SECRET, loopsApiKey: 'unused', loopsBaseUrl: 'http://127.0.0.1:9/api/v1', stripeApiKey: 'rk_test_unused', stripeApiBaseUrl: 'http://127.0.0.1:9' }),
		workflows: [webhookNodeWorkflow, triggerWorkflow],
		publish: [webhookNodeWorkflow.id, triggerWorkflow.id],
		webhookPaths: [WEBHOOK_NODE_PATH, TRIGGER_WEBHOOK_PATH],
	});
	const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
	try {
		const make = (label: string, delivery: () => Delivery): Target => ({ label, delivery, ...newLoadRecord() });
		const invoicePaid = () => signedDelivery('invoice.paid', 200);
		const targets = [
			make('(a) n8n Webhook node', () => ({ ...invoicePaid(), path: `/webhook/${WEBHOOK_NODE_PATH}` })),
			make('(b) Stripe Contact Trigger, invoice.paid', invoicePaid),
			make('(c) trigger, unsupported event (ignored)', () => signedDelivery('payment_intent.succeeded', 200)),
			make('(d) unregistered path (404)', () => ({ ...invoicePaid(), path: '/webhook/not-registered/stripe', expectedStatus: 404 })),
		];
		for (const target of targets) await fire([n8n.baseUrl], agent, target.delivery(), WARMUP_MS, CONCURRENCY);

		for (let round = 0; round < ROUNDS; round++) {
			// Rotate the order each round so no target always follows the same neighbour.
			const order = targets.map((_, i) => targets[(i + round) % targets.length]);
			for (const target of order) target.elapsedMs += await fire([n8n.baseUrl], agent, target.delivery(), ROUND_MS, CONCURRENCY, target);
		}

		const results = targets.map((target) => ({ target, ...summarize(target) }));
		console.log(`\n${pass.label}`);
		console.log(`${'target'.padEnd(44)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  unexpected answers`);
		for (const { target, rps, p50, p99 } of results) {
			console.log(`${target.label.padEnd(44)}${rps.toFixed(0).padStart(9)}${p50.toFixed(2).padStart(9)}${p99.toFixed(2).padStart(9)}  ${describeUnexpected(target)}`);
		}
		const [a, b, c, d] = results;
		console.log(`(b)/(a) throughput ratio: ${(b.rps / a.rps).toFixed(2)}  (target ≥ 0.95)`);
		console.log(`(c)/(d) throughput ratio: ${(c.rps / d.rps).toFixed(2)}  (target ≥ 0.8)`);
	} finally {
		agent.destroy();
		await n8n.stop();
	}
}

async function main(): Promise<void> {
	console.log('host benchmark: building and packing the package, then n8n 2.40 on Node 24, once per configuration');
	const pack = await buildAndPackPackage();
	console.log(
		`${ROUNDS} interleaved rounds × ${ROUND_MS / 1000} s per target, ${CONCURRENCY} POSTs in flight, keep-alive, ` +
			`${WARMUP_MS / 1000} s warm-up per target; (a) and (b) each start one execution per request, nothing downstream`,
	);
	for (const pass of PASSES) await measure(pack, pass);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
