/**
 * npm start: a real n8n on http://127.0.0.1:5678 with this package installed the way n8n's
 * community-node installer does it, the example workflows and credentials imported and published
 * ("Sync Stripe customers to Loops" is the one send-test-event targets by default). Without LOOPS_API_KEY the Loops node talks
 * to the local Loops contract server; with it, to Loops itself. Likewise without STRIPE_API_KEY the
 * trigger's Stripe API credential points at the local Stripe API contract server (which
 * send-test-event seeds with the objects its events name); with it, at Stripe. Ctrl-C stops everything.
 *
 * Environment: STRIPE_WEBHOOK_SECRET (whsec_… of your Stripe endpoint; default: a generated local
 * one that `npm run send-test-event` also uses), STRIPE_API_KEY (rk_… or sk_…), LOOPS_API_KEY,
 * N8N_PORT (default 5678).
 *
 * npm run start:queue (`--queue`): the same in n8n's queue mode, on the local PostgreSQL and Redis
 * (PGHOST/PGPORT/PGUSER/PGPASSWORD, REDIS_HOST/REDIS_PORT): main (editor) on N8N_PORT, one worker,
 * one webhook processor that serves the production URLs. Each run gets a fresh database and Redis
 * prefix, removed on Ctrl-C.
 */
import { createHash } from 'node:crypto';

import { startLoopsContractServer, type LoopsContractServer } from '../tools/loops-contract-server';
import { startStripeApiContractServer, type StripeApiContractServer } from '../tools/stripe-api-contract-server';
import {
	exampleCredentials,
	LOOPS_API_BASE_URL,
	loadExamples,
	STRIPE_API_BASE_URL,
	SYNC_WORKFLOW_ID,
	triggerWebhookPath,
} from './lib/examples';
import { buildAndPackPackage, ensureN8nInstalled, LocalN8n, N8N_VERSION } from './lib/localN8n';
import { LOCAL_LOG_FILE, LOCAL_USER_FOLDER, loadLocalState, saveLocalState } from './lib/localState';
import { QueueN8n } from './lib/queueN8n';

const QUEUE_MODE = process.argv.includes('--queue');

const startedAt = Date.now();
/** The restricted key of the Stripe API contract server (lookups and webhook endpoints). */
const STRIPE_CONTRACT_KEY = 'rk_test_contract';
const say = (message: string) => console.log(`[start ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)}s] ${message}`);

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function main(): Promise<void> {
	const state = loadLocalState();
	if (state.running && state.running.pid !== process.pid && processAlive(state.running.pid)) {
		throw new Error(`npm start is already running (pid ${state.running.pid}): ${state.running.editorUrl}`);
	}
	const port = Number(process.env.N8N_PORT ?? 5678);
	const loopsApiKey = process.env.LOOPS_API_KEY?.trim();
	const stripeSecret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
	const stripeApiKey = process.env.STRIPE_API_KEY?.trim();
	const signingSecret = stripeSecret || state.generatedSigningSecret;

	say(`n8n ${N8N_VERSION} on Node 24: the first run installs it into ~/.cache/n8n-nodes-stripe-loops (about 7 minutes, 3 GB); later runs reuse it`);
	const installation = await ensureN8nInstalled((line) => say(line));

	say('building (npm run build) and packing (npm pack) n8n-nodes-stripe-loops');
	const pack = await buildAndPackPackage();

	// CLI commands (import, publish) print lines starting "[n8n <command>]" (in queue mode after "[main] ").
	const onLog = (line: string) => {
		if (!/^(\[main\] )?\[n8n /.test(line)) console.log(`  n8n › ${line}`);
	};
	const n8n = QUEUE_MODE
		? await QueueN8n.create({ mainPort: port, workers: 1, webhookProcessors: 1, encryptionKey: state.encryptionKey, logFile: LOCAL_LOG_FILE, onLog, label: 'start' })
		: await LocalN8n.create({ installation, userFolder: LOCAL_USER_FOLDER, port, encryptionKey: state.encryptionKey, logFile: LOCAL_LOG_FILE, onLog });
	if (n8n instanceof QueueN8n) {
		say(`queue mode: PostgreSQL database ${n8n.storage.database}, Redis prefix ${n8n.storage.redisPrefix} (both removed on Ctrl-C)`);
		say(`installing ${pack.name}@${pack.version} into main, the worker and the webhook processor (each its own .n8n/nodes) like n8n's community-node installer`);
	} else {
		say(`installing ${pack.name}@${pack.version} into ${LOCAL_USER_FOLDER}/.n8n/nodes like n8n's community-node installer`);
	}
	await n8n.installCommunityPackage(pack);

	let contractServer: LoopsContractServer | undefined;
	let loopsBaseUrl = LOOPS_API_BASE_URL;
	let credentialLoopsKey = loopsApiKey ?? '';
	if (!loopsApiKey) {
		contractServer = await startLoopsContractServer({
			apiKeys: [state.contractApiKey],
			log: (line) => console.log(`  loops › ${line}`),
		});
		loopsBaseUrl = contractServer.url;
		credentialLoopsKey = state.contractApiKey;
		say(`no LOOPS_API_KEY: the Loops node talks to the local Loops contract server at ${contractServer.url}`);
	} else {
		say(`LOOPS_API_KEY is set: the Loops node talks to Loops itself (${LOOPS_API_BASE_URL})`);
	}

	let stripeApi: StripeApiContractServer | undefined;
	if (!stripeApiKey) {
		stripeApi = await startStripeApiContractServer({ log: (line) => console.log(`  stripe api › ${line}`) });
		say(`no STRIPE_API_KEY: the Stripe API credential points at the local Stripe API contract server ${stripeApi.url}`);
	} else {
		say(`STRIPE_API_KEY is set: the Stripe API credential talks to Stripe itself (${STRIPE_API_BASE_URL})`);
	}

	let stopping: Promise<void> | undefined;
	const stopAll = async (exitCode: number) => {
		stopping ??= (async () => {
			say('stopping n8n and the contract servers');
			await n8n.stop();
			await contractServer?.close();
			await stripeApi?.close();
			const latest = loadLocalState();
			delete latest.running;
			saveLocalState(latest);
			process.exit(exitCode);
		})();
		await stopping;
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	try {
		say(`importing credentials (signing secret: ${stripeSecret ? 'STRIPE_WEBHOOK_SECRET' : 'generated local whsec_ secret'})`);
		await n8n.importCredentials(
			exampleCredentials({
				signingSecret,
				loopsApiKey: credentialLoopsKey,
				loopsBaseUrl,
				stripeApiKey: stripeApiKey ?? STRIPE_CONTRACT_KEY,
				stripeApiBaseUrl: stripeApi?.url ?? STRIPE_API_BASE_URL,
			}),
		);
		// Sync first: it is the default target of send-test-event.
		const examples = loadExamples().sort((a, b) => Number(b.workflow.id === SYNC_WORKFLOW_ID) - Number(a.workflow.id === SYNC_WORKFLOW_ID));
		const workflows = examples.map((example) => example.workflow);
		const examplesHash = createHash('sha256').update(JSON.stringify(workflows)).digest('hex');
		if (QUEUE_MODE) {
			say(`importing the ${workflows.length} example workflows from examples/ into this run's database`);
			await n8n.importWorkflows(workflows);
		} else if (state.importedExamplesHash !== examplesHash) {
			say(`importing the ${workflows.length} example workflows from examples/ (first run, or they changed)`);
			await n8n.importWorkflows(workflows);
			state.importedExamplesHash = examplesHash;
			saveLocalState(state);
		} else {
			say('example workflows unchanged since the last import: keeping them (and your edits)');
		}
		for (const workflow of workflows) {
			say(`publishing "${workflow.name}"`);
			await n8n.publishWorkflow(workflow.id);
		}

		say(
			n8n instanceof QueueN8n
				? `starting n8n main on ${n8n.main.baseUrl}, then a worker and a webhook processor on ${n8n.webhookProcessors[0].baseUrl} (log: ${LOCAL_LOG_FILE})`
				: `starting n8n on ${n8n.baseUrl} (log: ${LOCAL_LOG_FILE})`,
		);
		await n8n.start();
		for (const workflow of workflows) await n8n.waitForWebhook(triggerWebhookPath(workflow));
		await n8n.ownerSession(state.owner);

		const running = {
			pid: process.pid,
			editorUrl: n8n.editorUrl,
			workflows: examples.map(({ slug, workflow }) => ({
				id: workflow.id,
				name: workflow.name,
				slug,
				webhookUrl: n8n.webhookUrl(triggerWebhookPath(workflow)),
			})),
			signingSecret,
			...(contractServer ? { loopsContractStateUrl: contractServer.url.replace(/\/api\/v1$/, '/_contract/state') } : {}),
			...(stripeApi ? { stripeApiContractUrl: stripeApi.url } : {}),
		};
		saveLocalState({ ...state, running });

		const [sync] = running.workflows;
		console.log(
			[
				'',
				n8n instanceof QueueN8n
					? '  ✔ n8n is running in queue mode (main, one worker, one webhook processor) with n8n-nodes-stripe-loops installed in each'
					: '  ✔ n8n is running with n8n-nodes-stripe-loops installed',
				'',
				`  Editor:          ${running.editorUrl}`,
				`  Log in as:       ${state.owner.email} / ${state.owner.password}`,
				`  Production URL:  ${sync.webhookUrl}`,
				`                   ("${sync.name}": ${running.editorUrl}workflow/${sync.id})`,
				'  Other published examples (send-test-event --workflow <name>):',
				...running.workflows.slice(1).map((workflow) => `    ${workflow.slug.padEnd(28)} ${workflow.webhookUrl}`),
				contractServer
					? `  Loops:           local contract server ${contractServer.url} (state: ${running.loopsContractStateUrl})`
					: `  Loops:           ${LOOPS_API_BASE_URL} (LOOPS_API_KEY)`,
				stripeApi
					? `  Stripe API:      local contract server ${stripeApi.url} (key ${STRIPE_CONTRACT_KEY}; state: ${stripeApi.url}/_contract/state)`
					: `  Stripe API:      ${STRIPE_API_BASE_URL} (STRIPE_API_KEY)`,
				'',
				'  Send a signed test event (any the trigger supports, or an unsupported one):',
				'    npm run send-test-event -- customer.created',
				'    npm run send-test-event -- invoice.paid --workflow payment-successful-email',
				'  Real Stripe events: stripe listen --forward-to <Production URL>, then restart with',
				`  STRIPE_WEBHOOK_SECRET=<the whsec_… it prints> ${QUEUE_MODE ? 'npm run start:queue' : 'npm start'}.`,
				'',
				n8n instanceof QueueN8n
					? `  Queue mode: executions run on the worker; the production URL is the webhook processor's; main serves the editor and test URLs.\n  PostgreSQL database ${n8n.storage.database}, Redis prefix ${n8n.storage.redisPrefix}.\n  Ctrl-C stops every process and the contract servers and drops this run's database and Redis keys.`
					: '  Ctrl-C stops n8n and the contract servers. State persists in .n8n-local/ (delete it to start fresh).',
				'',
			].join('\n'),
		);

		await new Promise<void>((resolve) => {
			const watch = setInterval(() => {
				if (!n8n.running) {
					clearInterval(watch);
					resolve();
				}
			}, 1000);
		});
		if (!stopping) {
			say(`n8n exited on its own; see ${LOCAL_LOG_FILE}`);
			await stopAll(1);
		}
	} catch (error) {
		console.error(`\n[start] ${(error as Error).message}`);
		await stopAll(1);
	}
}

main().catch((error: Error) => {
	console.error(`[start] ${error.message}`);
	process.exit(1);
});
