/**
 * Durable mode on a real n8n with its defaults: Stripe is answered when the workflow has finished,
 * so what did not reach Loops is redelivered by Stripe (the delivery simulator). Two runs of
 * 300 signed invoice.paid deliveries (5 % twice): Loops down for longer than the Loops node's retry
 * budget, and n8n SIGKILLed and restarted mid-run. Counted from the Loops contract server's state.
 * Runs on the newest supported n8n (E2E_BURST=all also on the oldest).
 */
import { N8N_VERSION, SUPPORTED_N8N_VERSIONS } from '../../scripts/lib/localN8n';
import { burstWorkflow, renewals, runBurst, webhookPath } from './support/burst';
import { startE2eEnvironment, withN8nLog, type E2eEnvironment } from './support/environment';

const runsHere = N8N_VERSION === SUPPORTED_N8N_VERSIONS.newest || process.env.E2E_BURST === 'all';
const describeBurst = runsHere ? describe : describe.skip;

const RETRY_BUDGET_SECONDS = 20;
const shortBudget = burstWorkflow({
	id: 'burstDurable0001',
	webhookId: '9e2e0000-0000-4000-8000-0000b0a57d01',
	durable: true,
	retryForSeconds: RETRY_BUDGET_SECONDS,
});
const durable = burstWorkflow({ id: 'burstDurable0002', webhookId: '9e2e0000-0000-4000-8000-0000b0a57d02', durable: true });
let env: E2eEnvironment | undefined;

describeBurst('durable mode: Stripe redelivers what n8n could not finish (n8n defaults)', () => {
	beforeAll(async () => {
		const workflows = [shortBudget, durable];
		env = await startE2eEnvironment({
			workflows,
			publish: workflows.map((w) => w.id),
			webhookPaths: workflows.map(webhookPath),
			loopsRateLimit: 10,
		});
	}, 900_000);
	afterAll(async () => {
		await env?.stop();
	});

	it(
		`Loops down for 60 s, longer than the node's ${RETRY_BUDGET_SECONDS} s retry budget: failed executions answer 500, Stripe redelivers, nothing lost, nothing twice`,
		withN8nLog(() => env, async () => {
			const { n8n, loops } = env!;
			const { people, events } = renewals('c1', 300);
			const run = await runBurst({
				url: n8n.webhookUrl(webhookPath(shortBudget)),
				loops,
				people,
				events,
				label: 'durable outage',
				settleMs: 5_000,
				onStart: () => loops.scheduleOutage({ startsInMs: 10_000, durationMs: 60_000 }),
			});

			console.log(`durable (c), outage beyond the budget: ${JSON.stringify(run.tally)}; Stripe attempts ${JSON.stringify(run.report.results)}`);
			expect(run.report.results['500']).toBeGreaterThan(0); // executions that ran out of budget told Stripe
			expect(run.report.gaveUp).toBe(0);
			expect(run.tally).toMatchObject({ contactsLost: 0, emailsLost: 0, emailsTwice: 0 });
		}),
		1_200_000,
	);

	it(
		'n8n SIGKILLed mid-run and restarted: deliveries in flight are redelivered, nothing lost, nothing twice',
		withN8nLog(() => env, async () => {
			const { n8n, loops } = env!;
			loops.reset();
			const { people, events } = renewals('c2', 300);
			let restarted: Promise<void> | undefined;
			const run = await runBurst({
				url: n8n.webhookUrl(webhookPath(durable)),
				loops,
				people,
				events,
				label: 'durable kill',
				settleMs: 5_000,
				onStart: () => {
					restarted = (async () => {
						await new Promise((resolve) => setTimeout(resolve, 20_000));
						console.log(`[durable kill] SIGKILL n8n with ${loops.state.contacts().length} contacts in Loops`);
						await n8n.kill();
						await n8n.start();
						console.log('[durable kill] n8n is back');
					})();
				},
			});
			await restarted;

			const failedAttempts = Object.entries(run.report.results).filter(([result]) => result !== '200');
			console.log(`durable (c), SIGKILL: ${JSON.stringify(run.tally)}; Stripe attempts ${JSON.stringify(run.report.results)}`);
			expect(failedAttempts.length).toBeGreaterThan(0); // the kill cut deliveries off
			expect(run.report.gaveUp).toBe(0);
			expect(run.tally).toMatchObject({ contactsLost: 0, emailsLost: 0, emailsTwice: 0 });
		}),
		1_200_000,
	);
});
