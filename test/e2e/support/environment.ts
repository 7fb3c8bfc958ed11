/**
 * One real n8n for an e2e file: this package packed and installed like a community package, the
 * Loops contract server in-process, credentials and workflows imported and published, and an owner
 * REST session for reading executions. n8n's log goes to test-results/e2e/ and is printed on failure.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { startLoopsContractServer, type LoopsContractServer } from '../../../tools/loops-contract-server';
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

export interface E2eEnvironment {
	n8n: LocalN8n;
	loops: LoopsContractServer;
	session: N8nRestSession;
	logFile: string;
	stop(): Promise<void>;
}

export async function startE2eEnvironment(options: {
	workflows: WorkflowToImport[];
	publish: string[];
	webhookPaths: string[];
	/** The contract server's per-team limit; default a generous 1000/s (tests that are not about pacing). */
	loopsRateLimit?: number;
}): Promise<E2eEnvironment> {
	const { loopsRateLimit = 1000, ...launch } = options;
	const logDir = join(projectRoot, 'test-results', 'e2e');
	mkdirSync(logDir, { recursive: true });
	const logFile = join(logDir, `n8n-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);

	const pack = await buildAndPackPackage();
	const loops = await startLoopsContractServer({ apiKeys: [LOOPS_API_KEY], rateLimitPerSecond: loopsRateLimit });
	let n8n: LocalN8n;
	try {
		n8n = await launchLocalN8n({
			pack,
			logFile,
			credentials: exampleCredentials({ signingSecret: SIGNING_SECRET, loopsApiKey: LOOPS_API_KEY, loopsBaseUrl: loops.url }),
			...launch,
		});
	} catch (error) {
		await loops.close();
		throw error;
	}
	const stop = async () => {
		await n8n.stop();
		await loops.close();
	};
	try {
		const session = await n8n.ownerSession();
		return { n8n, loops, session, logFile, stop };
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
