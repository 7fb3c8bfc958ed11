/**
 * Builds and packs this package, and installs the tarball into an n8n user folder exactly the way
 * n8n 2.40's community-node installer does (CommunityPackagesService.downloadPackage):
 *   1. unpack the tarball into <userFolder>/.n8n/nodes/node_modules/<name>
 *   2. drop devDependencies, peerDependencies and optionalDependencies from its package.json
 *      (n8n-workflow is a peer: n8n provides it, it must not be installed next to the package)
 *   3. `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 *      --ignore-scripts=true --package-lock=false` inside that folder (with no runtime
 *      dependencies it installs nothing; n8n runs it all the same)
 *   4. record the version in <userFolder>/.n8n/nodes/package.json
 * On start n8n scans .n8n/nodes/node_modules/n8n-nodes-* and loads the package from there.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const projectRoot = resolve(__dirname, '..', '..');

interface PackageJson {
	name: string;
	version: string;
	dependencies?: Record<string, string>;
	devDependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

export interface PackedPackage {
	name: string;
	version: string;
	/** Absolute path of the .tgz (in a temp folder the caller may delete). */
	tarball: string;
	/** Files inside the tarball, relative to the package root. */
	files: string[];
}

async function readPackageJson(folder: string): Promise<PackageJson> {
	return JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as PackageJson;
}

/** `npm run build` in the project root; throws with the build output when it fails. */
export async function buildPackage(): Promise<void> {
	try {
		await run('npm', ['run', 'build'], { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 });
	} catch (error) {
		const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
		throw new Error(`npm run build failed:\n${stdout}\n${stderr}`);
	}
}

/**
 * `npm pack` of the project (after building it) into a fresh temp folder.
 * Fails when a node or credential file listed in package.json's `n8n` field is not in the tarball.
 */
export async function packPackage(): Promise<PackedPackage> {
	const destination = await mkdtemp(join(tmpdir(), 'n8n-nodes-stripe-loops-pack-'));
	const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: projectRoot,
		maxBuffer: 64 * 1024 * 1024,
	});
	const [report] = JSON.parse(stdout) as Array<{
		name: string;
		version: string;
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const files = report.files.map((file) => file.path);
	const manifest = await readPackageJson(projectRoot);
	const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = declared.filter((path) => !files.includes(path));
	if (missing.length > 0) {
		throw new Error(`npm pack is missing files declared in package.json "n8n": ${missing.join(', ')} (run npm run build?)`);
	}
	return { name: report.name, version: report.version, tarball: join(destination, report.filename), files };
}

/** Builds then packs: what `npm start`, the e2e suite and the host benchmark install into n8n. */
export async function buildAndPackPackage(): Promise<PackedPackage> {
	await buildPackage();
	return await packPackage();
}

/** The folder n8n loads community packages from, for a given N8N_USER_FOLDER. */
export function communityNodesFolder(userFolder: string): string {
	return join(userFolder, '.n8n', 'nodes');
}

/**
 * Installs a packed package into `<userFolder>/.n8n/nodes` the way n8n's installer does.
 * `npm` is the one on PATH (Node 20's is fine: the install runs no scripts and builds nothing).
 */
export async function installCommunityPackage(userFolder: string, pack: PackedPackage): Promise<string> {
	const nodesFolder = communityNodesFolder(userFolder);
	const packageFolder = join(nodesFolder, 'node_modules', pack.name);
	await rm(packageFolder, { recursive: true, force: true });
	await mkdir(packageFolder, { recursive: true });
	await run('tar', ['-xzf', pack.tarball, '-C', packageFolder, '--strip-components=1']);

	const { devDependencies, peerDependencies, optionalDependencies, ...installable } =
		await readPackageJson(packageFolder);
	await writeFile(join(packageFolder, 'package.json'), JSON.stringify(installable, null, 2), 'utf8');
	try {
		await run(
			'npm',
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				'--prefer-offline',
			],
			{ cwd: packageFolder, maxBuffer: 64 * 1024 * 1024 },
		);
	} catch (error) {
		const { stderr = '' } = error as { stderr?: string };
		throw new Error(`npm install of ${pack.name} into ${packageFolder} failed:\n${stderr}`);
	}
	if (existsSync(join(packageFolder, 'node_modules', 'n8n-workflow'))) {
		throw new Error(`n8n-workflow got installed into ${packageFolder}; it must come from n8n itself`);
	}

	const ledgerPath = join(nodesFolder, 'package.json');
	const ledger = existsSync(ledgerPath)
		? (JSON.parse(await readFile(ledgerPath, 'utf8')) as PackageJson)
		: { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies = { ...ledger.dependencies, [pack.name]: pack.version };
	await writeFile(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	return packageFolder;
}
