/**
 * `npm run bench:burst`: a renewal run through a real n8n (its defaults), the way it happens: 1 000
 * signed invoice.paid deliveries from the Stripe delivery simulator (20 at a time), one execution
 * each, into "Payment successful email", with the Loops contract server at 10 requests/s. Once
 * answering Stripe at once, once in durable mode, on the same n8n.
 *
 * Prints, per mode: the drain ratio = (first delivery → last request Loops accepted) ÷ (Loops
 * requests needed ÷ the rate limit), target ≤ 1.10; the share of Loops answers that were 429,
 * target < 2 %; Stripe's acknowledgement time p50/p99; what was lost (from the contract server's
 * state); and n8n's resident memory before and after. Asserts nothing.
 */
import { readFileSync } from 'node:fs';

import { N8N_VERSION } from '../scripts/lib/localN8n';
import { burstWorkflow, renewals, runBurst, webhookPath, type BurstRun } from '../test/e2e/support/burst';
import { startE2eEnvironment, type E2eEnvironment } from '../test/e2e/support/environment';
import { percentile } from './support/httpLoad';

const DELIVERIES = Number(process.env.BENCH_BURST_DELIVERIES ?? 1000);
const LIMIT = 10;
const CONCURRENCY = 20;

const atOnce = burstWorkflow({ id: 'benchBurstOnce01', webhookId: '9e2e0000-0000-4000-8000-0000be4c0001', durable: false });
const durable = burstWorkflow({ id: 'benchBurstDurab1', webhookId: '9e2e0000-0000-4000-8000-0000be4c0002', durable: true });

function rssMb(pid: number | undefined): number {
	if (pid === undefined) return Number.NaN;
	const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
	return Number(line?.replace(/\D+/g, '') ?? Number.NaN) / 1024;
}

function percentileOf(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	return percentile([...values].sort((a, b) => a - b), p);
}

interface Row {
	mode: string;
	run: BurstRun;
	requestsNeeded: number;
}

async function measure(env: E2eEnvironment, mode: string, workflow: typeof atOnce, run: string): Promise<Row> {
	env.loops.reset();
	await new Promise((resolve) => setTimeout(resolve, 1100)); // an empty rate-limit window
	const { people, events } = renewals(run, DELIVERIES);
	const result = await runBurst({
		url: env.n8n.webhookUrl(webhookPath(workflow)),
		loops: env.loops,
		people,
		events,
		label: mode,
		concurrency: CONCURRENCY,
		duplicateShare: 0,
		outOfOrderShare: 0,
	});
	return { mode, run: result, requestsNeeded: 2 * DELIVERIES };
}

async function main() {
	const workflows = [atOnce, durable];
	const env = await startE2eEnvironment({
		workflows,
		publish: workflows.map((w) => w.id),
		webhookPaths: workflows.map(webhookPath),
		loopsRateLimit: LIMIT,
	});
	const rss: Array<[string, number]> = [['idle, before', rssMb(env.n8n.pid)]];
	const rows: Row[] = [];
	try {
		rows.push(await measure(env, 'answer at once', atOnce, 'bench1'));
		rss.push(['after answer at once', rssMb(env.n8n.pid)]);
		rows.push(await measure(env, 'durable', durable, 'bench2'));
		rss.push(['after durable', rssMb(env.n8n.pid)]);
	} finally {
		await env.stop();
	}

	console.log(
		`\nbench:burst — n8n ${N8N_VERSION} (defaults), ${DELIVERIES} signed invoice.paid deliveries ${CONCURRENCY} at a time, one execution each; Loops contract server at ${LIMIT} requests/s`,
	);
	console.log('mode            Loops requests (needed)  drain s  ideal s  drain ratio  429s  429 share  ack p50 ms  ack p99 ms  lost contacts  lost emails  emails twice');
	for (const { mode, run, requestsNeeded } of rows) {
		const first = run.report.firstAttemptAt ?? Number.NaN;
		const drainS = ((run.lastLoopsSuccessAt ?? Number.NaN) - first) / 1000;
		const idealS = requestsNeeded / LIMIT;
		const { tally } = run;
		console.log(
			[
				mode.padEnd(14),
				`${tally.requests} (${requestsNeeded})`.padStart(23),
				drainS.toFixed(1).padStart(7),
				idealS.toFixed(1).padStart(7),
				(drainS / idealS).toFixed(3).padStart(11),
				String(tally.rateLimited429).padStart(4),
				`${((100 * tally.rateLimited429) / Math.max(1, tally.requests)).toFixed(2)} %`.padStart(9),
				percentileOf(run.report.ackLatenciesMs, 50).toFixed(0).padStart(10),
				percentileOf(run.report.ackLatenciesMs, 99).toFixed(0).padStart(10),
				String(tally.contactsLost).padStart(13),
				String(tally.emailsLost).padStart(11),
				String(tally.emailsTwice).padStart(12),
			].join('  '),
		);
	}
	console.log('targets: drain ratio ≤ 1.10, 429 share < 2 %');
	console.log(`n8n RSS: ${rss.map(([when, mb]) => `${when} ${mb.toFixed(0)} MB`).join(', ')}`);
	console.log('drain = first delivery → last request Loops accepted; ideal = Loops requests needed ÷ the rate limit; ack = one delivery attempt, sent → 2xx');
}

main().catch((error: Error) => {
	console.error(error);
	process.exit(1);
});
