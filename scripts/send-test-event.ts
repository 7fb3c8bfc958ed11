/**
 * npm run send-test-event -- <stripe event type> [--email someone@example.com] [--name "Jenny Rosen"]
 *   [--workflow payment-successful-email] [--repeat]
 *
 * Posts a realistic, correctly signed Stripe event to a workflow `npm start` published (default:
 * "Sync Stripe customers to Loops"; --workflow takes an examples/ file name or a workflow id), then shows
 * the HTTP answer, the n8n execution it started (if any) and, with the local Loops contract server,
 * the contact and events Loops now holds for that email. --repeat sends the same delivery twice
 * (a Stripe retry): the second must not send a second Loops event.
 *
 * Every event type of the trigger's events table can be sent. With the local Stripe API contract
 * server (npm start without STRIPE_API_KEY), the objects the event points at (its customer,
 * charge, subscription or quote) are stored there first, carrying --email and --name, so the
 * trigger's lookups find them as they would in Stripe.
 */
import { SUPPORTED_EVENT_TYPES } from '../nodes/StripeContactTrigger/events';
import { buildStripeEvent, DEFAULT_EMAIL, signStripeDelivery } from '../test/fixtures/stripeEvents';
import { applySeeds, httpSeedTarget, seedsForEvent } from '../tools/stripe-api-contract-server/seed';
import { N8nRestSession, type ExecutionSummary } from './lib/n8nRest';
import { loadLocalState, type PublishedWorkflow } from './lib/localState';

interface Args {
	type: string;
	email: string;
	name?: string;
	workflow?: string;
	repeat: boolean;
}

const USAGE = `usage: npm run send-test-event -- <stripe event type> [--email address] [--name "First Last"] [--workflow name] [--repeat]
  event types the trigger supports: ${SUPPORTED_EVENT_TYPES.join(', ')}
  (any other type shows how an unsupported event is answered)`;

function parseArgs(argv: string[]): Args {
	const args: Args = { type: '', email: DEFAULT_EMAIL, repeat: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--repeat') args.repeat = true;
		else if (arg === '--email' || arg === '--name' || arg === '--workflow') {
			const value = argv[++i];
			if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
			args[arg.slice(2) as 'email' | 'name' | 'workflow'] = value;
		} else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
		else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
		else if (args.type) throw new Error(`one event type at a time\n${USAGE}`);
		else args.type = arg;
	}
	if (!/^[a-z_]+(\.[a-z_]+)+$/.test(args.type)) throw new Error(USAGE);
	return args;
}

async function post(target: PublishedWorkflow, delivery: { body: string; headers: Record<string, string> }) {
	const response = await fetch(target.webhookUrl, {
		method: 'POST',
		headers: { ...delivery.headers, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
		body: delivery.body,
	});
	return { status: response.status, body: await response.text() };
}

/** Waits for the executions started after `since` to finish (n8n saves them as they end). */
async function executionsSince(session: N8nRestSession, workflowId: string, known: Set<string>, expected: number) {
	const deadline = Date.now() + 20_000;
	let fresh: ExecutionSummary[] = [];
	while (Date.now() < deadline) {
		fresh = (await session.listExecutions(workflowId)).filter((execution) => !known.has(execution.id));
		const finished = fresh.filter((execution) => !['new', 'running', 'waiting'].includes(execution.status));
		if (finished.length >= expected) return fresh;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	return fresh;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const state = loadLocalState();
	const running = state.running;
	if (!running) throw new Error('n8n is not running: start it with `npm start` (in another terminal) first');
	const target = args.workflow
		? running.workflows.find((workflow) => [workflow.slug, workflow.id].includes(args.workflow as string))
		: running.workflows[0];
	if (!target) {
		throw new Error(`no published workflow "${args.workflow}"; one of: ${running.workflows.map((w) => w.slug).join(', ')}`);
	}

	const session = await N8nRestSession.open(running.editorUrl.replace(/\/$/, ''), state.owner);
	const known = new Set((await session.listExecutions(target.id)).map((execution) => execution.id));

	const event = buildStripeEvent(args.type, { email: args.email, ...(args.name ? { name: args.name } : {}) });
	if (running.stripeApiContractUrl) {
		const seeds = seedsForEvent(event, { email: args.email, ...(args.name ? { name: args.name } : {}) });
		await applySeeds(httpSeedTarget(running.stripeApiContractUrl), seeds);
		const stored = [...seeds.objects.map(({ type, fields }) => `${type} ${String(fields.id)}`), ...seeds.deletedCustomers.map((id) => `customer ${id} (deleted)`)];
		if (stored.length > 0) console.log(`  Stripe API contract server (${running.stripeApiContractUrl}) now holds: ${stored.join(', ')}`);
	}
	const delivery = signStripeDelivery(JSON.stringify(event), running.signingSecret);
	console.log(`→ "${target.name}": POST ${target.webhookUrl}\n  ${args.type} ${event.id as string} for ${args.email}, signed (Stripe-Signature: ${delivery.headers['stripe-signature'].slice(0, 24)}…)`);

	const answers = [await post(target, delivery)];
	if (args.repeat) answers.push(await post(target, delivery));
	answers.forEach((answer, index) => {
		console.log(`← ${index === 0 ? '' : 'repeat: '}HTTP ${answer.status} ${answer.body}`);
	});

	const accepted = answers.filter((answer) => answer.status === 200 && !answer.body.includes('"ignored"')).length;
	const executions = await executionsSince(session, target.id, known, accepted);
	if (executions.length === 0) {
		console.log('  no workflow execution started (that is the point for anything ignored or rejected)');
	}
	for (const execution of executions) {
		console.log(`  execution ${execution.id}: ${execution.status} — ${running.editorUrl}workflow/${target.id}/executions/${execution.id}`);
	}

	if (running.loopsContractStateUrl) {
		const contract = (await (await fetch(running.loopsContractStateUrl)).json()) as {
			contacts: Array<Record<string, unknown>>;
			events: Array<Record<string, unknown>>;
		};
		const email = args.email.trim().toLowerCase();
		const contact = contract.contacts.find((candidate) => candidate.email === email);
		const events = contract.events.filter((candidate) => candidate.email === email);
		console.log(`\nLoops contract server (${running.loopsContractStateUrl}) now holds for ${email}:`);
		console.log(`  contact: ${contact ? JSON.stringify(contact) : 'none'}`);
		console.log(`  events (${events.length}): ${events.length ? '' : 'none'}`);
		for (const stored of events) console.log(`    ${JSON.stringify(stored)}`);
	} else {
		console.log('\nThe Loops node talks to Loops itself (LOOPS_API_KEY): see the contact in Loops → Audience.');
	}
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
