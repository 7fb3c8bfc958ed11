/**
 * n8n in queue mode on one machine: a main process, N workers and M webhook processors sharing a
 * fresh PostgreSQL database and a fresh Redis prefix, each process with its own user folder, ports
 * and its own copy of this package, installed the community-node way. Built from LocalN8n:
 *
 *   const n8n = await launchQueueN8n({ pack, workers: 2, webhookProcessors: 2, credentials, workflows,
 *                                      publish: ['wfId'], webhookPaths: ['<webhookId>/stripe'] });
 *   n8n.webhookUrls('<webhookId>/stripe');   // one production URL per webhook processor
 *   const session = await n8n.ownerSession(); // on main
 * It answers the calls `npm start` makes on a LocalN8n (install, import, publish, start, waitForWebhook,
 * webhookUrl, ownerSession, running, stop), so scripts/start.ts runs either.
 *   await n8n.workers[0].kill();             // a worker crash (SIGKILL to its process group)
 *   await n8n.stop();                        // every process, then the database and the Redis keys
 */
import { appendFileSync } from 'node:fs';

import { type PackedPackage } from './communityPackage';
import {
	ensureN8nInstalled,
	LocalN8n,
	prepareAndStart,
	type CredentialToImport,
	type LocalN8nOptions,
	type N8nRestSession,
	type N8nRole,
	type OwnerAccount,
	type WorkflowToImport,
} from './localN8n';
import { createQueueRunStorage, queueServicesFromEnv, type QueueRunStorage, type QueueServices } from './queueServices';

/** `encryptionKey`, `env` and `logFile` as for LocalN8n, for every process. */
export interface QueueN8nOptions extends Pick<LocalN8nOptions, 'encryptionKey' | 'env' | 'logFile'> {
	/** Installed into every process (each loads community packages from its own user folder). */
	pack?: PackedPackage;
	workers?: number;
	webhookProcessors?: number;
	/** `n8n worker --concurrency`; default: n8n's (10). */
	workerConcurrency?: number;
	credentials?: CredentialToImport[];
	workflows?: WorkflowToImport[];
	publish?: string[];
	/** Production webhook paths every webhook processor must serve before launchQueueN8n resolves. */
	webhookPaths?: string[];
	/**
	 * Whether main answers production webhooks too. Default false: n8n's advice once webhook processors
	 * run (N8N_DISABLE_PRODUCTION_MAIN_PROCESS), and it proves the processors do the work.
	 */
	mainServesProductionWebhooks?: boolean;
	/** Main's port, e.g. 5678 for `npm run start:queue` (default: a free one). */
	mainPort?: number;
	/** N8N_USER_FOLDER of main (default: a temp folder); workers and webhook processors always get temp folders. */
	mainUserFolder?: string;
	/** Every line any process prints, prefixed with its name ("main", "worker-1", "webhook-2"). */
	onLog?: (line: string) => void;
	services?: QueueServices;
	/** Goes into the database name and Redis prefix, to tell runs apart. */
	label?: string;
}

export interface QueueProcess {
	name: string;
	role: N8nRole;
	n8n: LocalN8n;
}

const DEFAULT_ENCRYPTION_KEY = 'n8n-nodes-stripe-loops-queue-key';

export class QueueN8n {
	private readonly logLines: string[] = [];

	private constructor(
		readonly storage: QueueRunStorage,
		readonly main: LocalN8n,
		readonly workers: LocalN8n[],
		readonly webhookProcessors: LocalN8n[],
		private readonly names: Map<LocalN8n, string>,
		private readonly options: QueueN8nOptions,
	) {}

	/** Creates the storage and the (stopped) processes; installs nothing yet. */
	static async create(options: QueueN8nOptions = {}): Promise<QueueN8n> {
		const installation = await ensureN8nInstalled(options.onLog ?? console.log);
		const storage = await createQueueRunStorage(installation, options.services ?? queueServicesFromEnv(), options.label);
		const names = new Map<LocalN8n, string>();
		let instance: QueueN8n | undefined;
		const make = async (name: string, role: N8nRole, extra: Partial<LocalN8nOptions> = {}) => {
			const n8n = await LocalN8n.create({
				installation,
				role,
				encryptionKey: options.encryptionKey ?? DEFAULT_ENCRYPTION_KEY,
				env: {
					...storage.env,
					...(role === 'start' && !options.mainServesProductionWebhooks
						? { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' }
						: {}),
					...options.env,
				},
				onLog: (line) => instance?.record(name, line),
				...extra,
			});
			names.set(n8n, name);
			return n8n;
		};
		try {
			const main = await make('main', 'start', { port: options.mainPort, userFolder: options.mainUserFolder });
			const concurrency = options.workerConcurrency ? [`--concurrency=${options.workerConcurrency}`] : [];
			const workers: LocalN8n[] = [];
			for (let i = 1; i <= (options.workers ?? 2); i++) workers.push(await make(`worker-${i}`, 'worker', { roleArgs: concurrency }));
			const webhooks: LocalN8n[] = [];
			for (let i = 1; i <= (options.webhookProcessors ?? 2); i++) webhooks.push(await make(`webhook-${i}`, 'webhook'));
			instance = new QueueN8n(storage, main, workers, webhooks, names, options);
			return instance;
		} catch (error) {
			await storage.dispose();
			throw error;
		}
	}

	/** Every process, main first. */
	get processes(): QueueProcess[] {
		const entry = (n8n: LocalN8n, role: N8nRole) => ({ name: this.names.get(n8n) ?? role, role, n8n });
		return [
			entry(this.main, 'start'),
			...this.workers.map((n8n) => entry(n8n, 'worker')),
			...this.webhookProcessors.map((n8n) => entry(n8n, 'webhook')),
		];
	}

	nameOf(n8n: LocalN8n): string {
		return this.names.get(n8n) ?? '?';
	}

	/** The production URL of `path` on each webhook processor. */
	webhookUrls(path: string): string[] {
		return this.webhookProcessors.map((processor) => processor.webhookUrl(path));
	}

	/** Everything every process printed, one line each, prefixed with the process name. */
	logText(): string {
		return this.logLines.join('\n');
	}

	/** Main's editor URL (and REST API). */
	get editorUrl(): string {
		return this.main.editorUrl;
	}

	/** The production URL of `path` on the first webhook processor (what Stripe would be pointed at). */
	webhookUrl(path: string): string {
		return this.webhookUrls(path)[0];
	}

	/** Whether every process is still up. */
	get running(): boolean {
		return this.processes.every(({ n8n }) => n8n.running);
	}

	/** Installs the package into each process's own `.n8n/nodes`, as each must have it. */
	async installCommunityPackage(pack: PackedPackage): Promise<void> {
		for (const { n8n } of this.processes) await n8n.installCommunityPackage(pack);
	}

	/** Through main: the processes share the database. */
	async importCredentials(credentials: CredentialToImport[]): Promise<void> {
		await this.main.importCredentials(credentials);
	}

	async importWorkflows(workflows: WorkflowToImport[]): Promise<void> {
		await this.main.importWorkflows(workflows);
	}

	async publishWorkflow(id: string): Promise<void> {
		await this.main.publishWorkflow(id);
	}

	async ownerSession(owner?: OwnerAccount): Promise<N8nRestSession> {
		return await this.main.ownerSession(owner);
	}

	/** Starts main (it runs the database migrations), then the workers and webhook processors side by side. */
	async start(): Promise<void> {
		await this.main.start();
		await Promise.all([...this.workers, ...this.webhookProcessors].map((n8n) => n8n.start()));
	}

	/** Waits until every webhook processor serves the production webhook at `path`. */
	async waitForWebhook(path: string): Promise<void> {
		for (const processor of this.webhookProcessors) await processor.waitForWebhook(path);
	}

	/** Stops every process (webhook processors and workers first), then drops the database and the Redis keys. */
	async stop(): Promise<void> {
		await Promise.all([...this.webhookProcessors, ...this.workers].map((n8n) => n8n.stop()));
		await this.main.stop();
		await this.storage.dispose();
	}

	private record(name: string, line: string): void {
		const text = `[${name}] ${line}`;
		this.logLines.push(text);
		if (this.options.logFile) appendFileSync(this.options.logFile, `${text}\n`);
		this.options.onLog?.(text);
	}
}

/**
 * create → install the package into every process → import → publish → start → wait for the
 * webhooks on every webhook processor, in one call. On any failure everything is stopped (the
 * database and Redis keys removed) and the error carries the log.
 */
export async function launchQueueN8n(options: QueueN8nOptions = {}): Promise<QueueN8n> {
	const { pack, credentials, workflows, publish, webhookPaths } = options;
	return await prepareAndStart(await QueueN8n.create(options), { pack, credentials, workflows, publish, webhookPaths });
}
