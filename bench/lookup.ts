/**
 * npm run bench:lookup — how long Stripe waits for the answer to a delivery whose email the
 * trigger must first read through Stripe's API, in a real n8n (Node 24), against the Stripe
 * API contract server in this process. One published trigger (all 22 events, the Stripe API
 * credential, nothing downstream) receives, one request at a time, in interleaved rounds:
 *   (a) invoice.paid: carries its email, no Stripe request (the baseline)
 *   (b) customer.subscription.updated: GET the subscription, customer and products expanded
 *   (c) charge.dispute.created: GET the charge, customer expanded (the charge has no email)
 *   (d) quote.accepted: GET the customer
 * Every request is answered 200 and starts one execution. Prints p50/p99 of each and the
 * p50 ratio to (a). The contract server answers in well under a millisecond: against
 * api.stripe.com add Stripe's own latency (BENCH_LOOKUP_STRIPE_MS delays every Stripe answer).
 */
import { Agent, request } from 'node:http';

import { SUPPORTED_EVENT_TYPES } from '../nodes/StripeContactTrigger/events';
import { exampleCredentials, TRIGGER_NODE_TYPE, STRIPE_API_CREDENTIAL, STRIPE_SIGNING_CREDENTIAL } from '../scripts/lib/examples';
import { buildAndPackPackage, launchLocalN8n, type LocalN8n, type WorkflowToImport } from '../scripts/lib/localN8n';
import { buildStripeEvent, PRODUCT_NAME, signStripeDelivery } from '../test/fixtures/stripeEvents';
import productFixture from '../test/fixtures/stripe/product.json';
import { startStripeApiContractServer, type StripeApiContractServer } from '../tools/stripe-api-contract-server';
import { applySeeds, seedsForEvent } from '../tools/stripe-api-contract-server/seed';
import { percentile } from './support/httpLoad';

const ROUNDS = Number(process.env.BENCH_LOOKUP_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_LOOKUP_PER_ROUND ?? 20);
const STRIPE_MS = Number(process.env.BENCH_LOOKUP_STRIPE_MS ?? 0);
const WARMUP = 10;
const SIGNING_SECRET = 'whsec_bench_lookup_0123456789abcdef01234567';
const WEBHOOK_ID = 'b3ac0000-0000-4000-8000-00000000100c';
const PERSON = { email: 'bench.lookup@example.com', name: 'Jenny Rosen' };

const workflow: WorkflowToImport = {
	id: 'benchLookupTrigr',
	name: 'Bench: Stripe Contact Trigger with lookups',
	nodes: [
		{
			id: 'b0000000-0000-4000-8000-00000000100c',
			name: 'Stripe Contact Trigger',
			type: TRIGGER_NODE_TYPE,
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: { events: [...SUPPORTED_EVENT_TYPES], onCustomerDeleted: 'unsubscribe', options: {} },
			credentials: { stripeWebhookSigningApi: STRIPE_SIGNING_CREDENTIAL, stripeRestrictedKeyApi: STRIPE_API_CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

interface Target {
	label: string;
	type: string;
	latenciesMs: number[];
}

/** A signed delivery of `type` whose objects the contract server holds (re-signed for every request). */
async function delivery(stripe: StripeApiContractServer, type: string) {
	const event = buildStripeEvent(type, { email: PERSON.email, name: PERSON.name });
	await applySeeds(stripe, seedsForEvent(event, PERSON));
	if (type.startsWith('charge.dispute.')) {
		// The last place a dispute's email can be: the charge's customer.
		const charge = stripe.state.object('charge', (event.data as { object: { charge: string } }).object.charge)!;
		stripe.put('charge', { ...charge, billing_details: { email: null, name: null }, receipt_email: null, customer: 'cus_bench' });
		stripe.put('customer', { id: 'cus_bench', ...PERSON });
	}
	return signStripeDelivery(JSON.stringify(event), SIGNING_SECRET);
}

async function post(n8n: LocalN8n, agent: Agent, signed: { body: string; headers: Record<string, string> }): Promise<number> {
	const { port } = new URL(n8n.baseUrl);
	const headers = { ...signed.headers, 'content-length': String(Buffer.byteLength(signed.body)) };
	return await new Promise<number>((resolve, reject) => {
		const started = process.hrtime.bigint();
		const req = request({ host: '127.0.0.1', port, path: `/webhook/${WEBHOOK_ID}/stripe`, method: 'POST', headers, agent }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (text += chunk));
			res.on('end', () => {
				const ms = Number(process.hrtime.bigint() - started) / 1e6;
				if (res.statusCode !== 200 || text.includes('ignored')) reject(new Error(`unexpected answer ${res.statusCode}: ${text}`));
				else resolve(ms);
			});
		});
		req.on('error', reject);
		req.end(signed.body);
	});
}

async function main(): Promise<void> {
	console.log('lookup benchmark: building and packing the package, then n8n on Node 24');
	const pack = await buildAndPackPackage();
	const stripe = await startStripeApiContractServer(STRIPE_MS > 0 ? { faults: { slowRate: 1, slowMs: STRIPE_MS } } : {});
	stripe.put('product', { id: productFixture.id, name: PRODUCT_NAME });
	const n8n = await launchLocalN8n({
		pack,
		credentials: exampleCredentials({
			signingSecret: SIGNING_SECRET,
			loopsApiKey: 'unused',
			loopsBaseUrl: 'http://127.0.0.1:9/api/v1',
			stripeApiKey: 'rk_test_contract',
			stripeApiBaseUrl: stripe.url,
		}),
		workflows: [workflow],
		publish: [workflow.id],
		webhookPaths: [`${WEBHOOK_ID}/stripe`],
	});
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const targets: Target[] = [
			{ label: '(a) invoice.paid, no lookup', type: 'invoice.paid', latenciesMs: [] },
			{ label: '(b) customer.subscription.updated: 1 GET', type: 'customer.subscription.updated', latenciesMs: [] },
			{ label: '(c) charge.dispute.created: 1 GET', type: 'charge.dispute.created', latenciesMs: [] },
			{ label: '(d) quote.accepted: 1 GET', type: 'quote.accepted', latenciesMs: [] },
		];
		for (const target of targets) for (let i = 0; i < WARMUP; i++) await post(n8n, agent, await delivery(stripe, target.type));
		const before = stripe.state.requestLog().length;
		for (let round = 0; round < ROUNDS; round++) {
			const order = targets.map((_, i) => targets[(i + round) % targets.length]);
			for (const target of order) {
				for (let i = 0; i < PER_ROUND; i++) target.latenciesMs.push(await post(n8n, agent, await delivery(stripe, target.type)));
			}
		}
		const stripeRequests = stripe.state.requestLog().length - before;

		console.log(
			`\n${ROUNDS} interleaved rounds × ${PER_ROUND} deliveries per target, one at a time, keep-alive; ` +
				`Stripe API contract server${STRIPE_MS > 0 ? ` answering after ${STRIPE_MS} ms` : ''}; ` +
				`${stripeRequests} Stripe API requests for ${ROUNDS * PER_ROUND * 3} lookup deliveries`,
		);
		console.log(`${'delivery'.padEnd(44)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'p50 / (a)'.padStart(11)}`);
		const p50s = targets.map((target) => percentile([...target.latenciesMs].sort((x, y) => x - y), 50));
		targets.forEach((target, index) => {
			const sorted = [...target.latenciesMs].sort((x, y) => x - y);
			console.log(
				`${target.label.padEnd(44)}${p50s[index].toFixed(2).padStart(9)}${percentile(sorted, 99).toFixed(2).padStart(9)}${(p50s[index] / p50s[0]).toFixed(2).padStart(10)}×`,
			);
		});
	} finally {
		agent.destroy();
		await n8n.stop();
		await stripe.close();
	}
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
