/**
 * A renewal run on a real n8n with its defaults, answering Stripe at once: 1 000 signed invoice.paid
 * deliveries (5 % twice, some out of order) from the Stripe delivery simulator, Loops at 10
 * requests/s; then the same with a 60 s Loops outage 30 s in. Lost and doubled contacts and emails
 * are counted from the Loops contract server's state. Runs on the newest supported n8n
 * (E2E_BURST=all also on the oldest).
 */
import { N8N_VERSION, SUPPORTED_N8N_VERSIONS } from '../../scripts/lib/localN8n';
import { burstWorkflow, renewals, runBurst, webhookPath } from './support/burst';
import { startE2eEnvironment, withN8nLog, type E2eEnvironment } from './support/environment';

const runsHere = N8N_VERSION === SUPPORTED_N8N_VERSIONS.newest || process.env.E2E_BURST === 'all';
const describeBurst = runsHere ? describe : describe.skip;

const workflow = burstWorkflow({ id: 'burstAtOnce00001', webhookId: '9e2e0000-0000-4000-8000-0000b0a57001', durable: false });
let env: E2eEnvironment | undefined;

describeBurst('a renewal run, Stripe answered at once (n8n defaults)', () => {
	beforeAll(async () => {
		env = await startE2eEnvironment({ workflows: [workflow], publish: [workflow.id], webhookPaths: [webhookPath(workflow)], loopsRateLimit: 10 });
	}, 900_000);
	afterAll(async () => {
		await env?.stop();
	});

	it(
		'1 000 deliveries, 5 % twice, Loops at 10/s: every contact with its name, every email exactly once',
		withN8nLog(() => env, async () => {
			const { n8n, loops } = env!;
			const { people, events } = renewals('a', 1000);
			const run = await runBurst({ url: n8n.webhookUrl(webhookPath(workflow)), loops, people, events, label: 'burst' });

			console.log(`burst (a): ${JSON.stringify(run.tally)}`);
			expect(run.report.gaveUp).toBe(0);
			expect(run.tally).toMatchObject({ contactsLost: 0, emailsLost: 0, emailsTwice: 0 });
		}),
		1_200_000,
	);

	it(
		'the same with Loops down for 60 s from 30 s in (503s, then connection resets): nothing lost, nothing twice',
		withN8nLog(() => env, async () => {
			const { n8n, loops } = env!;
			loops.reset();
			const { people, events } = renewals('b', 1000);
			const run = await runBurst({
				url: n8n.webhookUrl(webhookPath(workflow)),
				loops,
				people,
				events,
				label: 'outage',
				onStart: () => loops.scheduleOutage({ startsInMs: 30_000, durationMs: 60_000 }),
			});

			console.log(`burst (b), 60 s outage: ${JSON.stringify(run.tally)}`);
			expect(run.tally.outage503 + run.tally.outageResets).toBeGreaterThan(0);
			expect(run.report.gaveUp).toBe(0);
			expect(run.tally).toMatchObject({ contactsLost: 0, emailsLost: 0, emailsTwice: 0 });
		}),
		1_200_000,
	);
});
