/**
 * `npm run bench:loops`: how close the Loops node runs to Loops' rate limit.
 * Stripe Sync → Apply over StripeContactItems with events (2 requests each)
 * against the contract server at 50 requests/s with 60 ms answers, side by
 * side with a naive client (same concurrency, no pacing, no retries).
 * Prints; asserts nothing.
 */
import { LoopsApi } from '../credentials/LoopsApi.credentials';
import type { StripeContactItem } from '../nodes/shared/StripeContactItem';
import { startLoopsContractServer, type LoopsContractServer } from '../tools/loops-contract-server';
import { runExecute } from '../test/helpers/n8nHarness';

// tsx resolves the extensionless 'Loops.node' to Loops.node.json (the codex), so name the .ts file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Loops } = require('../nodes/Loops/Loops.node.ts') as typeof import('../nodes/Loops/Loops.node');

const LIMIT = 50;
const LATENCY_MS = 60;
const ITEMS = 200;
const CONCURRENCY = 20; // the node's default, so the naive client gets the same parallelism
const KEY = 'bench_key';

function sustainedRate(server: LoopsContractServer): number {
	const arrivals = server.state.requestLog().filter((r) => r.status === 200).map((r) => r.at);
	if (arrivals.length < 2) return 0;
	return (arrivals.length - 1) / ((arrivals[arrivals.length - 1] - arrivals[0]) / 1000);
}

function itemFor(run: string, i: number): StripeContactItem {
	return {
		stripeEventId: `evt_${run}_${i}`,
		stripeEventType: 'invoice.paid',
		livemode: false,
		occurredAt: '2026-11-26T18:00:00.000Z',
		action: 'upsert',
		contact: { email: `bench${i}@example.com`, firstName: 'Bench', lastName: `No${i}`, source: 'Stripe' },
		event: { name: 'successfulPayment', properties: { amount: 2000 + i }, idempotencyKey: `evt_${run}_${i}` },
		stripe: { customerId: `cus_${i}` },
	};
}

function items(run: string): StripeContactItem[] {
	return Array.from({ length: ITEMS }, (_, i) => itemFor(run, i));
}

interface Result {
	name: string;
	seconds: number;
	items: number;
	/** Accepted requests per second between the first and last accepted arrival at the server. */
	sustained: number;
	accepted: number;
	rejected429: number;
	itemsFailed: number;
}

/** What the server saw since its last reset, for a client that ran since `started`. */
function measured(server: LoopsContractServer, name: string, started: number, items: number, itemsFailed: number): Result {
	const { byStatus } = server.state.requests();
	return {
		name,
		seconds: (performance.now() - started) / 1000,
		items,
		sustained: sustainedRate(server),
		accepted: byStatus['200'] ?? 0,
		rejected429: byStatus['429'] ?? 0,
		itemsFailed,
	};
}

async function node(server: LoopsContractServer): Promise<Result> {
	const started = performance.now();
	const [output] = await runExecute(new Loops(), {
		parameters: { resource: 'stripeSync', operation: 'apply' },
		credentials: { loopsApi: { apiKey: KEY, baseUrl: server.url } },
		credentialTypes: [new LoopsApi()],
		items: items('node').map((json) => ({ json })),
		continueOnFail: true,
	});
	const failed = output.filter((item) => item.json.error !== undefined).length;
	return measured(server, 'Loops node (paced, retrying)', started, ITEMS, failed);
}

/** Same concurrency, no pacing, no retries; keeps sending for as long as the node ran. */
async function naive(server: LoopsContractServer, forSeconds: number): Promise<Result> {
	const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
	let next = 0;
	let failed = 0;
	const started = performance.now();
	const timeLeft = () => performance.now() - started < forSeconds * 1000;
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (timeLeft()) {
				const item = itemFor('naive', next++);
				const update = await fetch(`${server.url}/contacts/update`, {
					method: 'PUT',
					headers,
					body: JSON.stringify({ email: item.contact.email, firstName: item.contact.firstName }),
				});
				const send = update.ok
					? await fetch(`${server.url}/events/send`, {
							method: 'POST',
							headers: { ...headers, 'idempotency-key': item.event!.idempotencyKey },
							body: JSON.stringify({ email: item.contact.email, eventName: item.event!.name, eventProperties: item.event!.properties }),
						})
					: undefined;
				await update.text();
				await send?.text();
				if (!update.ok || !send?.ok) failed++;
			}
		}),
	);
	return measured(server, 'naive client (no pacing)', started, next, failed);
}

async function main() {
	const server = await startLoopsContractServer({
		apiKeys: [KEY],
		rateLimitPerSecond: LIMIT,
		faults: { slowRate: 1, slowMs: LATENCY_MS },
	});
	const results: Result[] = [];
	const fresh = async () => {
		server.reset();
		await new Promise((resolve) => setTimeout(resolve, 1100)); // an empty rate-limit window
	};
	try {
		await fresh();
		results.push(await node(server));
		await fresh();
		results.push(await naive(server, results[0].seconds));
	} finally {
		await server.close();
	}

	console.log(
		`Loops rate-limit bench: ${ITEMS} Stripe items × 2 requests, server limit ${LIMIT}/s, every answer ${LATENCY_MS} ms, concurrency ${CONCURRENCY}`,
	);
	console.log('client                          seconds  items  accepted  sustained req/s  ratio  end-to-end ratio  429s  items failed');
	for (const r of results) {
		console.log(
			[
				r.name.padEnd(31),
				r.seconds.toFixed(2).padStart(7),
				String(r.items).padStart(5),
				String(r.accepted).padStart(8),
				r.sustained.toFixed(1).padStart(15),
				(r.sustained / LIMIT).toFixed(3).padStart(5),
				(r.accepted / r.seconds / LIMIT).toFixed(3).padStart(16),
				String(r.rejected429).padStart(4),
				String(r.itemsFailed).padStart(12),
			].join('  '),
		);
	}
	const [paced] = results;
	console.log(
		`target: sustained ratio ≥ 0.95 with 0 items failed → ${(paced.sustained / LIMIT).toFixed(3)}, ${paced.itemsFailed} failed`,
	);
	const [, brute] = results;
	console.log(
		`node sustained ÷ naive sustained (what a brute-force client got accepted on this machine, now): ${(paced.sustained / brute.sustained).toFixed(3)}`,
	);
	console.log('sustained = accepted requests between the first and last accepted arrival at the server; end-to-end includes start-up and the last answer');
}

main().catch((error: Error) => {
	console.error(error);
	process.exit(1);
});
