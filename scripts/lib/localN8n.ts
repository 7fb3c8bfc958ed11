/**
 * A real, local n8n (Node 24; 2.x by default, 1.123 with N8N_VERSION) with this package installed as a community package.
 * One API for `npm start`, the e2e suite, bench/host.ts and the browser tests:
 *
 *   const pack = await buildAndPackPackage();                  // npm run build + npm pack
 *   const n8n = await LocalN8n.create();                         // temp user folder, free ports
 *   await n8n.installCommunityPackage(pack);                     // the community-node installer route
 *   await n8n.importCredentials([...]); await n8n.importWorkflows([...]);
 *   await n8n.publishWorkflow('wfId');                           // CLI commands: only while stopped
 *   await n8n.start();                                           // resolves on "Editor is now accessible"
 *   await n8n.waitForWebhook('<webhookId>/stripe');              // production webhook registered
 *   const session = await n8n.ownerSession();                    // owner setup + login (REST)
 *   await session.listExecutions('wfId');
 *   n8n.logText();                                               // everything n8n printed
 *   await n8n.stop();                                            // kills n8n + task runner, removes a temp folder
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installCommunityPackage, type PackedPackage } from './communityPackage';
import { findFreePorts } from './freePort';
import { ensureN8nInstalled, N8N_MAJOR, type N8nInstallation } from './n8nInstallation';
import { N8nRestSession, type OwnerAccount } from './n8nRest';

export { buildAndPackPackage, buildPackage, packPackage, type PackedPackage } from './communityPackage';
export {
	ensureN8nInstalled,
	findN8nInstallation,
	N8N_MAJOR,
	N8N_VERSION,
	SUPPORTED_N8N_VERSIONS,
	type N8nInstallation,
} from './n8nInstallation';
export { N8nRestSession, type ExecutionSummary, type OwnerAccount } from './n8nRest';
export { findFreePort, findFreePorts } from './freePort';

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowToImport {
	id: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface LocalN8nOptions {
	/** N8N_USER_FOLDER. Default: a fresh temp folder, deleted by stop(). */
	userFolder?: string;
	/** HTTP port (editor, REST, webhooks). Default: a free loopback port. */
	port?: number;
	/** Task-runner broker port. Default: a free loopback port. */
	brokerPort?: number;
	/** N8N_ENCRYPTION_KEY; keep it fixed for a persistent user folder. */
	encryptionKey?: string;
	/** Extra environment for n8n (wins over the defaults). */
	env?: Record<string, string>;
	/** Receives every line n8n prints (CLI commands and the server). */
	onLog?: (line: string) => void;
	/** Also append n8n's output to this file. */
	logFile?: string;
	/** Default: ensureN8nInstalled() (runs scripts/install-n8n.sh when needed). */
	installation?: N8nInstallation;
	/** Which n8n process start() runs: `n8n start` (default), or queue mode's `n8n worker` / `n8n webhook`. */
	role?: N8nRole;
	/** Extra arguments for that command, e.g. `--concurrency=5` for a worker. */
	roleArgs?: string[];
}

export type N8nRole = 'start' | 'worker' | 'webhook';

export const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@n8n-nodes-stripe-loops.test',
	password: 'Local-owner-1',
	firstName: 'Local',
	lastName: 'Owner',
};

/** What each kind of n8n process prints once it serves. */
const READY_LINES: Record<N8nRole, string> = {
	start: 'Editor is now accessible',
	worker: 'n8n worker is now ready',
	webhook: 'Webhook listener waiting for requests',
};

/**
 * Variables from the caller's environment that would change how n8n behaves; n8n gets only ours.
 * NODE_ENV matters most: jest sets it to "test", and n8n then refuses to load nodes.
 */
const INHERITED_N8N_VARIABLE = /^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_ENV$)/;

export class LocalN8n {
	readonly baseUrl: string;
	private server: ChildProcess | undefined;
	private readonly logLines: string[] = [];
	private readonly removeOnStop: boolean;
	/** Every n8n process group this instance started that has not closed yet (server and CLI commands). */
	private readonly children = new Set<ChildProcess>();
	private readonly killOnExit = () => {
		this.children.forEach((child) => killGroup(child, 'SIGKILL'));
		// n8n's task runner lives in the server's group and may outlive the server by a moment.
		if (this.server) killGroup(this.server, 'SIGKILL');
	};

	private constructor(
		readonly installation: N8nInstallation,
		readonly userFolder: string,
		readonly port: number,
		readonly brokerPort: number,
		private readonly options: LocalN8nOptions,
	) {
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.removeOnStop = options.userFolder === undefined;
	}

	static async create(options: LocalN8nOptions = {}): Promise<LocalN8n> {
		const installation = options.installation ?? (await ensureN8nInstalled(options.onLog ?? console.log));
		const [port, brokerPort] = await findFreePorts(2);
		const userFolder = options.userFolder ?? mkdtempSync(join(tmpdir(), 'n8n-user-'));
		await mkdir(userFolder, { recursive: true });
		return new LocalN8n(
			installation,
			userFolder,
			options.port ?? port,
			options.brokerPort ?? brokerPort,
			options,
		);
	}

	/** URL of a production webhook: `${baseUrl}/webhook/${path}`. */
	webhookUrl(path: string): string {
		return `${this.baseUrl}/webhook/${path.replace(/^\/+/, '')}`;
	}

	get editorUrl(): string {
		return `${this.baseUrl}/`;
	}

	get running(): boolean {
		return this.server !== undefined && this.server.exitCode === null && this.server.signalCode === null;
	}

	/** Everything n8n printed so far (CLI commands and the server), one line each. */
	logText(): string {
		return this.logLines.join('\n');
	}

	environment(): NodeJS.ProcessEnv {
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(([key]) => !INHERITED_N8N_VARIABLE.test(key)),
		);
		return {
			...inherited,
			PATH: `${this.installation.nodeBinDir}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.options.encryptionKey ?? 'n8n-nodes-stripe-loops-local-key',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(this.port),
			N8N_PROTOCOL: 'http',
			N8N_WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// 2.x only: 1.x refuses to start when this names a module it does not have.
			...(N8N_MAJOR >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_LOG_LEVEL: 'info',
			...this.options.env,
		};
	}

	/** Installs the packed package under <userFolder>/.n8n/nodes like n8n's installer. Only while stopped. */
	async installCommunityPackage(pack: PackedPackage): Promise<string> {
		this.assertStopped('installCommunityPackage');
		return await installCommunityPackage(this.userFolder, pack);
	}

	/** `n8n import:credentials`; `data` is plain JSON (n8n encrypts it with the encryption key). */
	async importCredentials(credentials: CredentialToImport[]): Promise<void> {
		if (credentials.length === 0) return;
		await this.importFile('import:credentials', credentials);
	}

	/** `n8n import:workflow` (an existing workflow with the same id is replaced). */
	async importWorkflows(workflows: WorkflowToImport[]): Promise<void> {
		if (workflows.length === 0) return;
		await this.importFile('import:workflow', workflows);
	}

	/**
	 * Makes the workflow live on the next start: `n8n publish:workflow` (2.x); 1.x has no publishing and
	 * activates with `update:workflow --active=true`.
	 */
	async publishWorkflow(id: string): Promise<void> {
		if (N8N_MAJOR >= 2) await this.cli('publish:workflow', `--id=${id}`);
		else await this.cli('update:workflow', `--id=${id}`, '--active=true');
	}

	/** Runs an n8n CLI command against this user folder (n8n must be stopped: SQLite, and it reads state on start). */
	async cli(...args: string[]): Promise<string> {
		this.assertStopped(`n8n ${args[0]}`);
		const lines: string[] = [];
		const child = this.spawnN8n(args, `n8n ${args[0]}`, lines);
		// 'close' (not 'exit'): it comes after the last output line has been read
		const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
		const output = lines.join('\n');
		if (code !== 0 || /^(Error|An error occurred)/m.test(output)) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${code}):\n${output}`);
		}
		return output;
	}

	/**
	 * `n8n start` (or the `role` command); resolves once it serves (the editor is reachable, the worker
	 * takes jobs, the webhook processor listens), rejects (with the log) if n8n exits or times out.
	 */
	async start({ timeoutMs = 180_000 } = {}): Promise<void> {
		this.assertStopped('start');
		const role = this.options.role ?? 'start';
		const readyLine = READY_LINES[role];
		this.server = this.spawnN8n([role, ...(this.options.roleArgs ?? [])], undefined);
		const startedAt = Date.now();
		const firstLine = this.logLines.length; // a restart must not take the last run's ready line
		await new Promise<void>((resolve, reject) => {
			const timer = setInterval(() => {
				if (this.logLines.slice(firstLine).some((line) => line.includes(readyLine))) {
					clearInterval(timer);
					resolve();
				} else if (!this.running) {
					clearInterval(timer);
					reject(new Error(`n8n exited before it was ready:\n${this.logText()}`));
				} else if (Date.now() - startedAt > timeoutMs) {
					clearInterval(timer);
					reject(new Error(`n8n was not ready after ${timeoutMs} ms:\n${this.logText()}`));
				}
			}, 200);
		});
	}

	/**
	 * Waits until the production webhook at `path` is registered (n8n answers 404 for a moment after
	 * "Editor is now accessible"). Probes with GET: for a POST-only webhook n8n answers
	 * "not registered for GET requests" once the path exists, "The requested webhook … is not
	 * registered" before — and a GET to a POST-only webhook never starts an execution.
	 */
	async waitForWebhook(path: string, { timeoutMs = 60_000 } = {}): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`n8n is not running:\n${this.logText()}`);
			try {
				const response = await fetch(this.webhookUrl(path), { method: 'GET' });
				const body = await response.text();
				last = `${response.status} ${body}`;
				if (response.status !== 404 || !body.includes('The requested webhook')) return;
			} catch (error) {
				last = String(error);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(`webhook ${path} not registered after ${timeoutMs} ms (last answer: ${last})`);
	}

	/** A REST session as the owner; creates the owner account on a fresh instance. */
	async ownerSession(owner: OwnerAccount = DEFAULT_OWNER): Promise<N8nRestSession> {
		return await N8nRestSession.open(this.baseUrl, owner);
	}

	/**
	 * Stops n8n and its task runner (SIGTERM, then SIGKILL after `graceMs`) and any CLI command still
	 * running; removes a temp user folder.
	 */
	async stop({ graceMs = 15_000 } = {}): Promise<void> {
		const server = this.server;
		if (server && this.running) {
			const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
			killGroup(server, 'SIGTERM');
			const timer = setTimeout(() => killGroup(server, 'SIGKILL'), graceMs);
			await exited;
			clearTimeout(timer);
		}
		this.killOnExit();
		this.children.clear();
		process.off('exit', this.killOnExit);
		this.server = undefined;
		if (this.removeOnStop) rmSync(this.userFolder, { recursive: true, force: true });
	}

	/** The n8n server's process id while it runs (its resident memory is n8n's). */
	get pid(): number | undefined {
		return this.running ? this.server?.pid : undefined;
	}

	/**
	 * SIGKILLs n8n and its task runner at once, as a crash or an OOM kill would, keeping the user folder:
	 * start() brings the same instance back.
	 */
	async kill(): Promise<void> {
		const server = this.server;
		if (!server || !this.running) return;
		const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
		killGroup(server, 'SIGKILL');
		await exited;
		this.server = undefined;
	}

	/** Spawns n8n in its own process group; its lines go to the log (prefixed) and to `sink`. */
	private spawnN8n(args: string[], prefix: string | undefined, sink: string[] = []): ChildProcess {
		const child = spawn(join(this.installation.nodeBinDir, 'node'), [this.installation.n8nEntry, ...args], {
			cwd: this.userFolder,
			env: this.environment(),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true, // own process group: stop() reaches the task runner too
		});
		// Registered at most once per instance, however many commands run one after another.
		if (!process.listeners('exit').includes(this.killOnExit)) process.on('exit', this.killOnExit);
		this.children.add(child);
		child.on('close', () => this.children.delete(child));
		const record = (line: string) => {
			sink.push(line);
			const text = prefix ? `[${prefix}] ${line}` : line;
			this.logLines.push(text);
			if (this.options.logFile) appendFileSync(this.options.logFile, `${text}\n`);
			this.options.onLog?.(text);
		};
		for (const stream of [child.stdout, child.stderr]) {
			let pending = '';
			stream?.setEncoding('utf8');
			stream?.on('data', (chunk: string) => {
				pending += chunk;
				const lines = pending.split('\n');
				pending = lines.pop() ?? '';
				lines.forEach(record);
			});
			stream?.on('end', () => pending && record(pending));
		}
		return child;
	}

	private assertStopped(action: string): void {
		if (this.running) throw new Error(`${action} needs n8n to be stopped (it reads this state on start)`);
	}

	/** Runs `n8n <command> --input=<file>` with `content` in a temp file that is removed afterwards (it may hold secrets). */
	private async importFile(command: string, content: unknown): Promise<void> {
		const folder = mkdtempSync(join(tmpdir(), 'n8n-import-'));
		const path = join(folder, 'import.json');
		try {
			writeFileSync(path, JSON.stringify(content, null, 2), { encoding: 'utf8', mode: 0o600 });
			await this.cli(command, `--input=${path}`);
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	}
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (!child.pid) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

export interface LaunchOptions extends LocalN8nOptions {
	/** A packed package to install first (see buildAndPackPackage). */
	pack?: PackedPackage;
	credentials?: CredentialToImport[];
	workflows?: WorkflowToImport[];
	/** Workflow ids to publish (the default: none). */
	publish?: string[];
	/** Production webhook paths to wait for after start, e.g. `${webhookId}/stripe`. */
	webhookPaths?: string[];
}

/** What launching takes from an n8n: LocalN8n, or QueueN8n for a queue-mode set of processes. */
export interface LaunchableN8n {
	installCommunityPackage(pack: PackedPackage): Promise<unknown>;
	importCredentials(credentials: CredentialToImport[]): Promise<void>;
	importWorkflows(workflows: WorkflowToImport[]): Promise<void>;
	publishWorkflow(id: string): Promise<void>;
	start(): Promise<void>;
	waitForWebhook(path: string): Promise<void>;
	stop(): Promise<void>;
	logText(): string;
}

/**
 * install the package → import → publish → start → wait for the webhooks, on a created n8n.
 * On any failure n8n is stopped and the error carries n8n's log.
 */
export async function prepareAndStart<N extends LaunchableN8n>(
	n8n: N,
	{ pack, credentials = [], workflows = [], publish = [], webhookPaths = [] }: Omit<LaunchOptions, keyof LocalN8nOptions>,
): Promise<N> {
	try {
		if (pack) await n8n.installCommunityPackage(pack);
		await n8n.importCredentials(credentials);
		await n8n.importWorkflows(workflows);
		for (const id of publish) await n8n.publishWorkflow(id);
		await n8n.start();
		for (const path of webhookPaths) await n8n.waitForWebhook(path);
		return n8n;
	} catch (error) {
		await n8n.stop();
		const message = (error as Error).message;
		throw new Error(message.includes('\n') ? message : `${message}\n--- n8n log ---\n${n8n.logText()}`);
	}
}

/** create → prepareAndStart, in one call. */
export async function launchLocalN8n(options: LaunchOptions = {}): Promise<LocalN8n> {
	const { pack, credentials, workflows, publish, webhookPaths, ...localOptions } = options;
	return await prepareAndStart(await LocalN8n.create(localOptions), { pack, credentials, workflows, publish, webhookPaths });
}
