/**
 * Finds (or installs) n8n + Node 24 via scripts/install-n8n.sh: the newest supported release unless
 * N8N_VERSION names another (scripts/n8n-versions.json lists the newest and oldest we test).
 * The script is idempotent: a second run only re-checks and rewrites current-<version>.env.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const projectRoot = resolve(__dirname, '..', '..');
const installScript = join(projectRoot, 'scripts', 'install-n8n.sh');

export const SUPPORTED_N8N_VERSIONS = JSON.parse(
	readFileSync(join(projectRoot, 'scripts', 'n8n-versions.json'), 'utf8'),
) as { newest: string; oldest: string };

export const N8N_VERSION = process.env.N8N_VERSION || SUPPORTED_N8N_VERSIONS.newest;

/** n8n's major version: 1.x and 2.x differ in CLI commands and in when a webhook is answered. */
export const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);

export interface N8nInstallation {
	version: string;
	/** Folder holding node_modules/n8n. */
	home: string;
	/** Folder holding the `node` binary n8n must run on (Node 24). */
	nodeBinDir: string;
	/** Absolute path of n8n's CLI entry (node_modules/n8n/bin/n8n). */
	n8nEntry: string;
}

function cacheRoot(): string {
	return process.env.N8N_CACHE_DIR ?? join(homedir(), '.cache', 'n8n-nodes-stripe-loops');
}

function readEnvFile(path: string): Record<string, string> {
	const entries = readFileSync(path, 'utf8')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line.includes('='))
		.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
	return Object.fromEntries(entries);
}

function installationFrom(envFile: string): N8nInstallation | undefined {
	if (!existsSync(envFile)) return undefined;
	const env = readEnvFile(envFile);
	if (!env.N8N_HOME || !env.NODE_BIN_DIR) return undefined;
	const installation = {
		version: N8N_VERSION,
		home: env.N8N_HOME,
		nodeBinDir: env.NODE_BIN_DIR,
		n8nEntry: join(env.N8N_HOME, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
	const complete =
		existsSync(join(installation.home, '.complete')) &&
		existsSync(installation.n8nEntry) &&
		existsSync(join(installation.nodeBinDir, 'node'));
	return complete ? installation : undefined;
}

/** The installation if it is already complete, without running anything. */
export function findN8nInstallation(): N8nInstallation | undefined {
	return installationFrom(join(cacheRoot(), `current-${N8N_VERSION}.env`));
}

/**
 * Runs scripts/install-n8n.sh (a no-op when already installed) and returns the installation.
 * `onProgress` receives each progress line the script prints (the first install takes ~7 minutes).
 */
export async function ensureN8nInstalled(
	onProgress: (line: string) => void = () => {},
): Promise<N8nInstallation> {
	const existing = findN8nInstallation();
	if (existing) return existing;
	await new Promise<void>((resolvePromise, reject) => {
		const child = spawn('bash', [installScript], {
			env: { ...process.env, N8N_VERSION },
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		let pending = '';
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			pending += chunk;
			const lines = pending.split('\n');
			pending = lines.pop() ?? '';
			lines.filter(Boolean).forEach(onProgress);
		});
		child.on('error', reject);
		child.on('exit', (code) => {
			if (pending) onProgress(pending);
			if (code === 0) resolvePromise();
			else reject(new Error(`scripts/install-n8n.sh failed with exit code ${code}`));
		});
	});
	const installed = findN8nInstallation();
	if (!installed) throw new Error('scripts/install-n8n.sh finished but the installation is incomplete');
	return installed;
}
