/**
 * One real n8n for an e2e file: this package packed and installed like a community package, the
 * Loops and Stripe API contract servers in-process, credentials and workflows imported and published, and an owner
 * REST session for reading executions. n8n's log goes to test-results/e2e/ and is printed on failure.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startLoopsContractServer, type LoopsContractServer } from '../../../tools/loops-contract-server';
import { startStripeApiContractServer, type StripeApiContractServer } from '../../../tools/stripe-api-contract-server';
import { exampleCredentials } from '../../../scripts/lib/examples';
import {
	buildAndPackPackage,
	launchLocalN8n,
	type LocalN8n,
	type N8nRestSession,
	type WorkflowToImport,
} from '../../../scripts/lib/localN8n';
import { projectRoot } from '../../../scripts/lib/communityPackage';

export const SIGNING_SECRET = 'whsec_e2e_0123456789abcdef0123456789abcdef';
const LOOPS_API_KEY = 'e2e_loops_key';
/** A restricted key of the Stripe API contract server: the lookups and webhook endpoints. */
export const STRIPE_API_KEY = 'rk_test_contract';

export interface E2eEnvironment {
	n8n: LocalN8n;
	loops: LoopsContractServer;
	stripe: StripeApiContractServer;
	session: N8nRestSession;
	logFile: string;
	stop(): Promise<void>;
}

export async function startE2eEnvironment(options: {
	workflows: WorkflowToImport[];
	publish: string[];
	webhookPaths: string[];
}): Promise<E2eEnvironment> {
	const logDir = join(projectRoot, 'test-results', 'e2e');
	mkdirSync(logDir, { recursive: true });
	const logFile = join(logDir, `n8n-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);

	const pack = await buildAndPackPackage();
	// A generous limit: the test measures correctness, not Loops' pacing.
	const loops = await startLoopsContractServer({ apiKeys: [LOOPS_API_KEY], rateLimitPerSecond: 1000 });
	const stripe = await startStripeApiContractServer();
	let n8n: LocalN8n;
	try {
		n8n = await launchLocalN8n({
			pack,
			logFile,
			credentials: exampleCredentials({
				signingSecret: SIGNING_SECRET,
				loopsApiKey: LOOPS_API_KEY,
				loopsBaseUrl: loops.url,
				stripeApiKey: STRIPE_API_KEY,
				stripeApiBaseUrl: stripe.url,
			}),
			...options,
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
		const session = await n8n.ownerSession();
		return { n8n, loops, stripe, session, logFile, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Runs a test body; on failure prints the end of n8n's log (the whole log stays in the file). */
export function withN8nLog(getEnvironment: () => E2eEnvironment | undefined, body: () => Promise<void>) {
	return async () => {
		try {
			await body();
		} catch (error) {
			const environment = getEnvironment();
			if (environment) {
				const tail = environment.n8n.logText().split('\n').slice(-150).join('\n');
				console.error(`n8n log (last 150 lines; full log: ${environment.logFile}):\n${tail}`);
			}
			throw error;
		}
	};
}
