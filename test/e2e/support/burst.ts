/**
 * Renewal-run scenarios on a real n8n: a burst of signed invoice.paid deliveries from the Stripe
 * delivery simulator into the "Payment successful email" example, and the tally of what reached
 * the Loops contract server (lost, sent twice, 429s), counted from the server's own state.
 * Used by the burst e2e files and by bench/burst.ts.
 */
import type { LoopsContractServer } from '../../../tools/loops-contract-server';
import {
	simulateStripeDeliveries,
	type DeliveryReport,
	type SimulatedEvent,
} from '../../../tools/stripe-delivery-simulator';
import { exampleWorkflow, triggerWebhookPath, TRIGGER_NODE_TYPE, LOOPS_NODE_TYPE } from '../../../scripts/lib/examples';
import type { WorkflowToImport } from '../../../scripts/lib/localN8n';
import { buildStripeEvent } from '../../fixtures/stripeEvents';
import { SIGNING_SECRET } from './environment';

interface Node {
	type: string;
	webhookId?: string;
	parameters: Record<string, unknown>;
}

export interface BurstWorkflowOptions {
	id: string;
	webhookId: string;
	/** The trigger's Answer Stripe After the Workflow option. */
	durable: boolean;
	/** The Loops node's Keep Retrying For option; unset = the node's default. */
	retryForSeconds?: number;
}

/** "Payment successful email" as shipped, under a new id and webhook, with the given options. */
export function burstWorkflow(options: BurstWorkflowOptions): WorkflowToImport {
	const workflow = structuredClone(exampleWorkflow('stripeLoopsPaid1'));
	const nodes = workflow.nodes as Node[];
	const trigger = nodes.find((node) => node.type === TRIGGER_NODE_TYPE)!;
	trigger.webhookId = options.webhookId;
	trigger.parameters.options = { ...(trigger.parameters.options as object), ...(options.durable ? { durable: true } : {}) };
	if (options.retryForSeconds !== undefined) {
		nodes.find((node) => node.type === LOOPS_NODE_TYPE)!.parameters.retryOptions = { retryForSeconds: options.retryForSeconds };
	}
	return {
		...workflow,
		id: options.id,
		name: `Burst: ${options.durable ? 'durable' : 'answer at once'}${options.retryForSeconds !== undefined ? `, retry ${options.retryForSeconds} s` : ''}`,
	};
}

export const webhookPath = (workflow: WorkflowToImport) => triggerWebhookPath(workflow);

export interface Person {
	email: string;
	firstName: string;
	lastName: string;
	eventId: string;
}

/** `count` renewals, one person each, with names that must reach Loops intact. */
export function renewals(run: string, count: number): { people: Person[]; events: SimulatedEvent[] } {
	const people: Person[] = [];
	const events: SimulatedEvent[] = [];
	for (let i = 0; i < count; i++) {
		const person = {
			email: `renewal.${run}.${i}@example.com`,
			firstName: `Ada${i}`,
			lastName: `Lovelace ${run} ${i}`,
			eventId: `evt_${run}_${String(i).padStart(5, '0')}`,
		};
		const event = buildStripeEvent('invoice.paid', {
			id: person.eventId,
			email: person.email,
			name: `${person.firstName} ${person.lastName}`,
		});
		people.push(person);
		events.push({ id: person.eventId, body: JSON.stringify(event) });
	}
	return { people, events };
}

export interface LoopsTally {
	people: number;
	/** Expected contacts missing, or present with another name. */
	contactsLost: number;
	/** Expected successfulPayment events that never reached Loops. */
	emailsLost: number;
	/** Events beyond the first for the same person or Stripe event. */
	emailsTwice: number;
	requests: number;
	rateLimited429: number;
	outage503: number;
	outageResets: number;
}

export function tallyLoops(loops: LoopsContractServer, people: Person[]): LoopsTally {
	const events = loops.state.events().filter((event) => event.eventName === 'successfulPayment');
	const byEmail = new Map<string, number>();
	for (const event of events) byEmail.set(String(event.email), (byEmail.get(String(event.email)) ?? 0) + 1);
	const byKey = new Map<string, number>();
	for (const event of events) byKey.set(String(event.idempotencyKey), (byKey.get(String(event.idempotencyKey)) ?? 0) + 1);
	const requests = loops.state.requests();
	return {
		people: people.length,
		contactsLost: people.filter((p) => {
			const contact = loops.state.contact(p.email);
			return contact?.firstName !== p.firstName || contact?.lastName !== p.lastName;
		}).length,
		emailsLost: people.filter((p) => !byKey.has(p.eventId) || !byEmail.has(p.email)).length,
		emailsTwice:
			[...byEmail.values()].reduce((sum, n) => sum + n - 1, 0) + [...byKey.values()].reduce((sum, n) => sum + n - 1, 0),
		requests: requests.total,
		rateLimited429: requests.byStatus['429'] ?? 0,
		outage503: requests.outage.status503,
		outageResets: requests.outage.reset,
	};
}

export interface BurstRun {
	report: DeliveryReport;
	/** When the last request Loops accepted arrived (ms since the epoch). */
	lastLoopsSuccessAt: number | undefined;
	tally: LoopsTally;
}

/**
 * Delivers the renewals like Stripe, then (with answer-at-once, where a 2xx comes before the work)
 * waits until Loops holds every contact and email or stops changing for `settleMs`. Prints
 * progress every 10 s so a long run is not silent.
 */
export async function runBurst(options: {
	url: string;
	loops: LoopsContractServer;
	people: Person[];
	events: SimulatedEvent[];
	label: string;
	concurrency?: number;
	duplicateShare?: number;
	outOfOrderShare?: number;
	settleMs?: number;
	/** Called once, when the first delivery goes out (e.g. to schedule an outage or a kill). */
	onStart?: () => void;
	log?: (line: string) => void;
}): Promise<BurstRun> {
	const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
	const { loops, people } = options;
	const describeLoops = () => {
		const t = tallyLoops(loops, people);
		return `Loops: ${people.length - t.contactsLost}/${people.length} contacts, ${people.length - t.emailsLost} emails, ${t.emailsTwice} twice, ${t.requests} requests, ${t.rateLimited429} × 429, outage ${t.outage503} × 503 + ${t.outageResets} resets`;
	};
	options.onStart?.();
	const report = await simulateStripeDeliveries({
		url: options.url,
		secret: SIGNING_SECRET,
		events: options.events,
		concurrency: options.concurrency ?? 20,
		duplicateShare: options.duplicateShare ?? 0.05,
		outOfOrderShare: options.outOfOrderShare ?? 0.05,
		seed: 9,
		progressEveryMs: 10_000,
		onProgress: (p) =>
			log(
				`[${options.label} ${Math.round(p.elapsedMs / 1000)} s] Stripe: ${p.acked}/${p.deliveries} acked, ${p.inFlight} in flight, ${p.failedAttempts} failed attempts. ${describeLoops()}`,
			),
	});
	log(`[${options.label}] all deliveries answered: ${JSON.stringify(report.results)}; gave up ${report.gaveUp}`);

	const settleMs = options.settleMs ?? 60_000;
	let last = '';
	let unchangedSince = Date.now();
	let lastPrint = Date.now();
	for (;;) {
		const tally = tallyLoops(loops, people);
		if (tally.contactsLost === 0 && tally.emailsLost === 0) break;
		const now = describeLoops();
		if (now !== last) {
			last = now;
			unchangedSince = Date.now();
		}
		if (Date.now() - unchangedSince > settleMs) break;
		if (Date.now() - lastPrint >= 10_000) {
			lastPrint = Date.now();
			log(`[${options.label} draining] ${now}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	const accepted = loops.state.requestLog().filter((r) => typeof r.status === 'number' && r.status >= 200 && r.status < 300);
	const tally = tallyLoops(loops, people);
	log(`[${options.label}] done. ${describeLoops()}`);
	return { report, lastLoopsSuccessAt: accepted.at(-1)?.at, tally };
}
