/**
 * What a Stripe delivery must cause in a real n8n, whatever its shape: the seven seed events reach
 * Loops as the right contact and event, what is ignored or rejected gets its status and starts no
 * execution, a Stripe retry sends no second email, and the example workflows work as shipped.
 * Declared once, run against single-process n8n (test:e2e) and queue mode (test:queue).
 */
import { buildStripeEvent, DEFAULT_EMAIL, signStripeDelivery } from '../../fixtures/stripeEvents';
import { seedsForEvent } from '../../../tools/stripe-api-contract-server/seed';
import { deliver, finishedExecutions } from '../support/deliveries';
import { SIGNING_SECRET, withN8nLog, type N8nUnderTest } from '../support/environment';
import { ALL_EVENTS_WORKFLOW_ID, EVENT_NAMES } from '../support/workflows';
import { STRIPE_SIGNING_CREDENTIAL } from '../../../scripts/lib/examples';

/** Declares the scenarios; `getTarget` gives the running n8n (undefined when it failed to start). */
export function stripeToLoopsScenarios(getTarget: () => N8nUnderTest | undefined): void {
	const e2e = (name: string, body: () => Promise<void>) => it(name, withN8nLog(getTarget, body));

	function target(): N8nUnderTest {
		const current = getTarget();
		if (!current) throw new Error('n8n did not start (see beforeAll)');
		return current;
	}

	const url = (workflowId: string) => target().webhookUrl(workflowId);

	/**
	 * A signed delivery; the Stripe API contract server then holds what the event points at, as Stripe
	 * would (the trigger reads a customer's current state through the example's Stripe API credential).
	 */
	function signed(type: string, options: { email?: string; name?: string; secret?: string; timestamp?: number } = {}) {
		const event = buildStripeEvent(type, { email: options.email, name: options.name });
		const seeds = seedsForEvent(event, { email: options.email ?? DEFAULT_EMAIL, ...(options.name ? { name: options.name } : {}) });
		for (const { type: objectType, fields } of seeds.objects) target().stripe.put(objectType, fields);
		for (const id of seeds.deletedCustomers) target().stripe.deleteCustomer(id);
		const delivery = signStripeDelivery(JSON.stringify(event), options.secret ?? SIGNING_SECRET, {
			timestamp: options.timestamp,
		});
		return { event, delivery };
	}

	async function finishedCount(workflowId: string): Promise<number> {
		const executions = await target().session.listExecutions(workflowId);
		return executions.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status)).length;
	}

	/** Delivers, then waits until the workflow has `expectedNew` more finished executions; returns the answer. */
	async function deliverAndSettle(workflowId: string, delivery: { body: string; headers: Record<string, string> }, expectedNew: number) {
		const before = await finishedCount(workflowId);
		const answer = await deliver(url(workflowId), delivery);
		const executions = await finishedExecutions(target().session, workflowId, before + expectedNew);
		return { answer, executions, before };
	}

	const contact = (email: string) => target().loops.state.contact(email);
	const eventsFor = (email: string) => target().loops.state.events().filter((event) => event.email === email);

	describe('the signing-secret credential', () => {
		e2e("is tested by n8n with the trigger's check of its form", async () => {
			const credential = { ...STRIPE_SIGNING_CREDENTIAL, type: 'stripeWebhookSigningApi' };
			const { session } = target();
			expect(await session.testCredential({ ...credential, data: { signingSecret: SIGNING_SECRET } })).toEqual({
				status: 'OK',
				message: expect.stringContaining('whsec_'),
			});
			const apiKey = 'sk_test_51Hx2bLKn0pQeXampleKey0000000000000000';
			const pastedKey = await session.testCredential({ ...credential, data: { signingSecret: apiKey } });
			expect(pastedKey).toEqual({ status: 'Error', message: expect.stringContaining('is a Stripe API key') });
			expect(pastedKey.message).not.toContain(apiKey);
		});
	});

	describe('each of the seven seed events reaches Loops as the right contact and event', () => {
		const upserts = Object.keys(EVENT_NAMES);

		it.each(upserts)('%s', (type) =>
			withN8nLog(getTarget, async () => {
				const email = `e2e.${type.replace(/[._]/g, '-')}@example.com`;
				const { event, delivery } = signed(type, { email, name: 'Ada King Lovelace' });

				const { answer, executions, before } = await deliverAndSettle(ALL_EVENTS_WORKFLOW_ID, delivery, 1);

				expect({ status: answer.status, body: answer.json }).toEqual({ status: 200, body: { received: true } });
				expect(executions.length).toBe(before + 1);
				expect(executions[0].status).toBe('success');
				expect(contact(email)).toMatchObject({ email, firstName: 'Ada', lastName: 'King Lovelace' });
				expect(eventsFor(email)).toEqual([
					expect.objectContaining({ eventName: EVENT_NAMES[type], email, idempotencyKey: event.id }),
				]);
			})(),
		);

		e2e('customer.deleted unsubscribes the contact', async () => {
			const email = 'e2e.customer-deleted@example.com';
			await deliverAndSettle(ALL_EVENTS_WORKFLOW_ID, signed('customer.created', { email }).delivery, 1);
			expect(contact(email)).toMatchObject({ email, subscribed: true });

			const { answer, executions } = await deliverAndSettle(
				ALL_EVENTS_WORKFLOW_ID,
				signed('customer.deleted', { email }).delivery,
				1,
			);

			expect(answer.status).toBe(200);
			expect(executions[0].status).toBe('success');
			expect(contact(email)).toMatchObject({ email, subscribed: false });
		});

		e2e('invoice.paid carries the amount, currency and invoice link to the event', async () => {
			const email = 'e2e.invoice-properties@example.com';
			const { event, delivery } = signed('invoice.paid', { email });
			const invoice = (event.data as { object: { hosted_invoice_url: string } }).object;

			await deliverAndSettle(ALL_EVENTS_WORKFLOW_ID, delivery, 1);

			const [sent] = eventsFor(email);
			expect(sent.eventProperties).toMatchObject({ amount: 2000, currency: 'usd', invoiceUrl: invoice.hosted_invoice_url });
		});
	});

	describe('what starts no execution', () => {
		const anHourAgo = () => Math.floor(Date.now() / 1000) - 60 * 60;
		const cases: Array<[string, string, () => { body: string; headers: Record<string, string> }, number]> = [
			['an unsupported event', ALL_EVENTS_WORKFLOW_ID, () => signed('payment_intent.succeeded').delivery, 200],
			['an unselected event', 'stripeLoopsPaid1', () => signed('customer.created').delivery, 200],
			['a wrong signature', ALL_EVENTS_WORKFLOW_ID, () => signed('invoice.paid', { secret: 'whsec_not_the_secret' }).delivery, 401],
			['an expired signature', ALL_EVENTS_WORKFLOW_ID, () => signed('invoice.paid', { timestamp: anHourAgo() }).delivery, 401],
			[
				'a tampered body',
				ALL_EVENTS_WORKFLOW_ID,
				() => {
					const { delivery } = signed('invoice.paid', { email: 'e2e.tampered@example.com' });
					return { ...delivery, body: delivery.body.replace('e2e.tampered@example.com', 'attacker@example.com') };
				},
				401,
			],
			[
				'a missing signature',
				ALL_EVENTS_WORKFLOW_ID,
				() => ({ body: JSON.stringify(buildStripeEvent('invoice.paid')), headers: { 'content-type': 'application/json' } }),
				401,
			],
			['an authentic body that is not a Stripe event', ALL_EVENTS_WORKFLOW_ID, () => signStripeDelivery('{}', SIGNING_SECRET), 400],
			['a body that is not JSON (n8n answers 422 itself)', ALL_EVENTS_WORKFLOW_ID, () => signStripeDelivery('not json at all', SIGNING_SECRET), 422],
		];

		it.each(cases)('%s', (_name, workflowId, makeDelivery, expectedStatus) =>
			withN8nLog(getTarget, async () => {
				const before = await finishedCount(workflowId);

				const answer = await deliver(url(workflowId), makeDelivery());

				expect(answer.status).toBe(expectedStatus);
				if (expectedStatus === 200) {
					expect(answer.json).toEqual({ received: true, ignored: expect.any(String) });
				} else if (expectedStatus !== 422) {
					expect(answer.json).toEqual({ error: expect.any(String) });
				}
				// Proof of absence: a valid delivery sent afterwards is the only new execution once it has finished
				// (n8n creates executions in arrival order, so an execution from the request above would exist by then).
				const sentinelType = workflowId === 'stripeLoopsPaid1' ? 'invoice.paid' : 'customer.updated';
				const sentinel = await deliver(url(workflowId), signed(sentinelType, { email: 'e2e.sentinel@example.com' }).delivery);
				expect(sentinel.status).toBe(200);
				const executions = await finishedExecutions(target().session, workflowId, before + 1);
				expect(executions.length).toBe(before + 1);
			})(),
		);
	});

	describe('Stripe retries', () => {
		e2e('the same delivery sent twice results in one event at Loops', async () => {
			const email = 'e2e.retried@example.com';
			const { event, delivery } = signed('invoice.paid', { email });

			const first = await deliverAndSettle(ALL_EVENTS_WORKFLOW_ID, delivery, 1);
			const second = await deliverAndSettle(ALL_EVENTS_WORKFLOW_ID, delivery, 1);

			expect([first.answer.status, second.answer.status]).toEqual([200, 200]);
			expect(second.executions[0].status).toBe('success');
			expect(eventsFor(email)).toEqual([expect.objectContaining({ eventName: 'successfulPayment', idempotencyKey: event.id })]);
		});
	});

	describe('the example workflows, as shipped', () => {
		const cases: Array<[string, string, string, string[]]> = [
			['Sync Stripe customers to Loops', 'stripeLoopsSync1', 'customer.updated', []],
			['Email new Stripe customers (new customer)', 'stripeLoopsNewCu', 'customer.created', ['newStripeCustomer']],
			['Email new Stripe customers (Checkout)', 'stripeLoopsNewCu', 'checkout.session.completed', ['stripeCheckout']],
			['Payment successful email', 'stripeLoopsPaid1', 'invoice.paid', ['successfulPayment']],
			['Payment failed email', 'stripeLoopsFail1', 'invoice.payment_failed', ['failedPayment']],
		];

		it.each(cases)('%s', (_name, workflowId, type, expectedEvents) =>
			withN8nLog(getTarget, async () => {
				const email = `e2e.example.${workflowId.toLowerCase()}.${type.replace(/[._]/g, '-')}@example.com`;
				const { answer, executions } = await deliverAndSettle(workflowId, signed(type, { email, name: 'Grace Hopper' }).delivery, 1);

				expect(answer.status).toBe(200);
				expect(executions[0].status).toBe('success');
				expect(contact(email)).toMatchObject({ email, firstName: 'Grace', lastName: 'Hopper' });
				expect(eventsFor(email).map((event) => event.eventName)).toEqual(expectedEvents);
			})(),
		);
	});
}
