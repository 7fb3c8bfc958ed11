/**
 * The burst scenarios in queue mode: a main, two workers and two webhook processors (n8n's defaults,
 * worker concurrency 10) behind a round-robin balancer, Loops at 10 requests/s for the whole team.
 * Lost and doubled contacts and emails are counted from the Loops contract server's state.
 *
 * QUEUE_BURST_DELIVERIES (default 1000) sizes the first two runs; the worker-kill run uses 300.
 */
import { withN8nLog } from '../e2e/support/environment';
import { describeFigures, executionsInFlight, queueBurst, QUEUE_BURST_WORKFLOWS } from './support/queueBurst';
import { startQueueEnvironment, type QueueEnvironment } from './support/queueEnvironment';

const DELIVERIES = Number(process.env.QUEUE_BURST_DELIVERIES ?? 1000);
const KILL_RUN_DELIVERIES = 300;
const workflows = Object.values(QUEUE_BURST_WORKFLOWS);

let env: QueueEnvironment | undefined;

function environment(): QueueEnvironment {
	if (!env) throw new Error('n8n did not start (see beforeAll)');
	return env;
}

beforeAll(async () => {
	env = await startQueueEnvironment({
		workflows,
		publish: workflows.map((workflow) => workflow.id),
		loopsRateLimit: 10,
		suite: 'queue-burst',
	});
}, 900_000);

afterAll(async () => {
	await env?.stop();
});

describe('a renewal run in queue mode, two workers sharing one Loops team', () => {
	it(
		`${DELIVERIES} deliveries, 5 % twice, Stripe answered at once: every contact with its name, every email exactly once`,
		withN8nLog(() => env, async () => {
			const { run, figures } = await queueBurst(environment(), { workflow: 'atOnce', run: 'qa', count: DELIVERIES, label: 'queue burst' });

			console.log(`queue burst (a): ${JSON.stringify(run.tally)}; ${describeFigures(figures)}; deliveries per webhook processor ${JSON.stringify(environment().balancer.forwarded())}`);
			expect(run.report.gaveUp).toBe(0);
			expect(run.tally).toMatchObject({ contactsLost: 0, emailsLost: 0, emailsTwice: 0 });
			for (const worker of environment().n8n.workers) expect(worker.logText()).toMatch(/Worker finished execution/);
		}),
		1_200_000,
	);

	it(
		`the same with Loops down for 60 s from 30 s in (503s, then connection resets): nothing lost, nothing twice`,
		withN8nLog(() => env, async () => {
			const { loops } = environment();
			const { run, figures } = await queueBurst(environment(), {
				workflow: 'atOnce',
				run: 'qb',
				count: DELIVERIES,
				label: 'queue outage',
				onStart: () => loops.scheduleOutage({ startsInMs: 30_000, durationMs: 60_000 }),
			});

			console.log(`queue burst (b), 60 s outage: ${JSON.stringify(run.tally)}; ${describeFigures(figures)}`);
			expect(run.tally.outage503 + run.tally.outageResets).toBeGreaterThan(0);
			expect(run.report.gaveUp).toBe(0);
			expect(run.tally).toMatchObject({ contactsLost: 0, emailsLost: 0, emailsTwice: 0 });
		}),
		1_200_000,
	);

	it(
		`durable mode, a worker SIGKILLed mid-run (${KILL_RUN_DELIVERIES} deliveries): after Stripe's redeliveries nothing lost, nothing twice`,
		withN8nLog(() => env, async () => {
			const [victim] = environment().n8n.workers;
			let inFlightAtKill = 0;
			let killed: Promise<void> | undefined;
			let watch: NodeJS.Timeout | undefined;
			const startWatching = () => {
				const started = Date.now();
				watch = setInterval(() => {
					// Mid-run: well under way, and the victim has executions in flight.
					if (Date.now() - started < 15_000 || executionsInFlight(victim) < 3) return;
					clearInterval(watch);
					inFlightAtKill = executionsInFlight(victim);
					console.log(`SIGKILL to worker-1 with ${inFlightAtKill} executions in flight, ${Math.round((Date.now() - started) / 1000)} s in`);
					killed = victim.kill();
				}, 200);
			};
			const { run, figures } = await queueBurst(environment(), {
				workflow: 'durable',
				run: 'qk',
				count: KILL_RUN_DELIVERIES,
				label: 'queue worker kill',
				onStart: startWatching,
			}).finally(() => clearInterval(watch));
			await killed;

			console.log(`queue burst (c), worker killed: ${JSON.stringify(run.tally)}; ${describeFigures(figures)}; Stripe attempts ${JSON.stringify(run.report.results)}`);
			expect(inFlightAtKill).toBeGreaterThan(0);
			expect(victim.running).toBe(false);
			expect(run.report.gaveUp).toBe(0);
			expect(run.tally).toMatchObject({ contactsLost: 0, emailsLost: 0, emailsTwice: 0 });
		}),
		1_200_000,
	);
});
