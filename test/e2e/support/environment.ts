/**
 * One real n8n for an e2e file: this package packed and installed like a community package, the
 * Loops and Stripe API contract servers in-process, credentials and workflows imported and published,
 * and an owner REST session for reading executions. n8n's log goes to test-results/<suite>/ and is
 * printed on failure. startN8nUnderTest does the same for any launcher (the queue-mode suite uses it with QueueN8n).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startLoopsContractServer, type LoopsContractServer } from '../../../tools/loops-contract-server';
import { startStripeApiContractServer, type StripeApiContractServer } from '../../../tools/stripe-api-contract-server';
import { exampleCredentials } from '../../../scripts/lib/examples';
import {
	buildAndPackPackage,
	launchLocalN8n,
	type CredentialToImport,
	type LocalN8n,
	type N8nRestSession,
	type PackedPackage,
	type WorkflowToImport,
} from '../../../scripts/lib/localN8n';
import { projectRoot } from '../../../scripts/lib/communityPackage';
import { triggerWebhookPath } from '../../../scripts/lib/examples';

export const SIGNING_SECRET = 'whsec_e2e_0123456789abcdef0123456789abcdef';
const LOOPS_API_KEY = 'e2e_loops_key';
/** A restricted key of the Stripe API contract server: the lookups and webhook endpoints. */
export const STRIPE_API_KEY = 'rk_test_contract';

/** A running n8n, single-process or scaled out, as the shared scenarios see it. */
export interface N8nUnderTest {
	/** The production URL of an e2e workflow's trigger (may differ from call to call: several webhook processors). */
	webhookUrl(workflowId: string): string;
	loops: LoopsContractServer;
	stripe: StripeApiContractServer;
	session: N8nRestSession;
	/** Everything n8n printed so far. */
	logText(): string;
	logFile: string;
}

export interface E2eEnvironment extends N8nUnderTest {
	n8n: LocalN8n;
	stop(): Promise<void>;
}

/** Where an e2e run writes n8n's log: test-results/<suite>/n8n-<time>.log. */
export function e2eLogFile(suite: string): string {
	const logDir = join(projectRoot, 'test-results', suite);
	mkdirSync(logDir, { recursive: true });
	return join(logDir, `n8n-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
}

/** What launching any n8n for the e2e suites starts from. */
export interface E2eLaunchInput {
	pack: PackedPackage;
	logFile: string;
	/** The example credentials, pointing at the contract server. */
	credentials: CredentialToImport[];
}

/** Any launched n8n: one process (LocalN8n) or a queue-mode set (QueueN8n). */
interface LaunchedN8n {
	stop(): Promise<void>;
	logText(): string;
}

/**
 * Packs the package, starts the Loops and Stripe API contract servers, launches n8n with `launch`, opens the owner
 * session on `editorOf(n8n)`; on any failure stops what started. `suite` names the log folder.
 */
export async function startN8nUnderTest<N extends LaunchedN8n>(options: {
	suite: string;
	launch: (input: E2eLaunchInput) => Promise<N>;
	editorOf: (n8n: N) => LocalN8n;
	webhookUrl: (n8n: N, workflowId: string) => string;
	/** The contract server's per-team limit; default a generous 1000/s (tests that are not about pacing). */
	loopsRateLimit?: number;
}): Promise<N8nUnderTest & { n8n: N; stop(): Promise<void> }> {
	const logFile = e2eLogFile(options.suite);
	const pack = await buildAndPackPackage();
	const loops = await startLoopsContractServer({ apiKeys: [LOOPS_API_KEY], rateLimitPerSecond: options.loopsRateLimit ?? 1000 });
	const stripe = await startStripeApiContractServer();
	let n8n: N;
	try {
		n8n = await options.launch({
			pack,
			logFile,
			credentials: exampleCredentials({
				signingSecret: SIGNING_SECRET,
				loopsApiKey: LOOPS_API_KEY,
				loopsBaseUrl: loops.url,
				stripeApiKey: STRIPE_API_KEY,
				stripeApiBaseUrl: stripe.url,
			}),
		});
	} catch (error) {
		await loops.close();
		await stripe.close();
		throw error;
	}
	const stop = async () => {
		await n8n.stop();
		await loops.close();
		await stripe.close();
	};
	try {
		const session = await options.editorOf(n8n).ownerSession();
		return {
			n8n,
			loops,
			stripe,
			session,
			logFile,
			stop,
			webhookUrl: (workflowId) => options.webhookUrl(n8n, workflowId),
			logText: () => n8n.logText(),
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** The production webhook path of the trigger of `workflowId`, one of `workflows`. */
export function webhookPathIn(workflows: WorkflowToImport[], workflowId: string): string {
	const workflow = workflows.find((candidate) => candidate.id === workflowId);
	if (!workflow) throw new Error(`no workflow ${workflowId} in this environment`);
	return triggerWebhookPath(workflow);
}

export async function startE2eEnvironment(options: {
	workflows: WorkflowToImport[];
	publish: string[];
	webhookPaths: string[];
	/** The contract server's per-team limit; default a generous 1000/s (tests that are not about pacing). */
	loopsRateLimit?: number;
}): Promise<E2eEnvironment> {
	const { loopsRateLimit, ...launch } = options;
	return await startN8nUnderTest({
		suite: 'e2e',
		loopsRateLimit,
		launch: (input) => launchLocalN8n({ ...input, ...launch }),
		editorOf: (n8n) => n8n,
		webhookUrl: (n8n, workflowId) => n8n.webhookUrl(webhookPathIn(options.workflows, workflowId)),
	});
}

/** Runs a test body; on failure prints the end of n8n's log (the whole log stays in the file). */
export function withN8nLog(
	getEnvironment: () => Pick<N8nUnderTest, 'logText' | 'logFile'> | undefined,
	body: () => Promise<void>,
) {
	return async () => {
		try {
			await body();
		} catch (error) {
			const environment = getEnvironment();
			if (environment) {
				const tail = environment.logText().split('\n').slice(-150).join('\n');
				console.error(`n8n log (last 150 lines; full log: ${environment.logFile}):\n${tail}`);
			}
			throw error;
		}
	};
}
