import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { builtinModules } from 'module';
import { dirname, join, posix } from 'path';

// What `npm publish` would ship, checked against what n8n's community-node loader needs.
// It reads the built dist/, so the build must run first (the CI runs `npm run build` before `npm test`).

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageManifest;
const declaredEntryPoints = [...manifest.n8n.nodes, ...manifest.n8n.credentials];

/** The one package the package may load at run time: n8n provides n8n-workflow. */
const runtimeModules = new Set(['n8n-workflow']);
const topLevelFiles = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
const shippedDistFile = /^dist\/(nodes|credentials)\/.+\.(js|json|svg|png)$/;

interface PackageManifest {
	name: string;
	license: string;
	keywords: string[];
	scripts: Record<string, string>;
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	bundleDependencies?: unknown;
	bundledDependencies?: unknown;
	n8n: { n8nNodesApiVersion: number; nodes: string[]; credentials: string[] };
}

type Icon = string | { light: string; dark: string } | undefined;

function packedPaths(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
	return pack.files.map((file) => file.path).sort();
}

/** The modules a compiled CommonJS file requires (tsc emits `require("x")`). */
function requiredModules(file: string): string[] {
	const source = readFileSync(join(root, file), 'utf8');
	return [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
}

function packageNameOf(specifier: string): string {
	const parts = specifier.split('/');
	return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function iconFiles(icon: Icon): string[] {
	const variants = typeof icon === 'string' ? [icon] : icon ? [icon.light, icon.dark] : [];
	return variants.filter((variant) => variant.startsWith('file:')).map((variant) => variant.slice(5));
}

/** Instantiates the class a node or credential entry point exports, as n8n's loader does. */
function loadEntryPoint(file: string): { description?: { icon?: Icon }; icon?: Icon } {
	const exported = require(join(root, file)) as Record<string, new () => object>;
	const [EntryClass] = Object.values(exported);
	return new EntryClass() as { description?: { icon?: Icon }; icon?: Icon };
}

describe('the published package', () => {
	let files: string[];

	beforeAll(() => {
		const missing = declaredEntryPoints.filter((entry) => !existsSync(join(root, entry)));
		if (missing.length > 0) {
			throw new Error(
				`dist/ is not built (missing ${missing.join(', ')}). Run \`npm run build\` before \`npm test\`; ` +
					'the packaging test checks what `npm pack` would ship, which is the built output.',
			);
		}
		files = packedPaths();
	});

	it('ships the README, the LICENSE, package.json and built files only', () => {
		expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
		const unexpected = files.filter((file) => !topLevelFiles.has(file) && !shippedDistFile.test(file));
		expect(unexpected).toEqual([]);
	});

	it('ships no TypeScript sources, declarations, source maps, tests or fixtures', () => {
		const leaked = files.filter(
			(file) =>
				/\.(ts|map)$/.test(file) || /(^|\/)(test|tests|fixtures|__tests__|bench|tools|scripts)\//.test(file),
		);
		expect(leaked).toEqual([]);
	});

	it('ships every node and credential that package.json registers with n8n', () => {
		expect(manifest.n8n.nodes.length).toBeGreaterThan(0);
		expect(manifest.n8n.credentials.length).toBeGreaterThan(0);
		const unshipped = declaredEntryPoints.filter((entry) => !files.includes(entry));
		expect(unshipped).toEqual([]);
	});

	it('ships a codex file next to every node', () => {
		const missingCodex = manifest.n8n.nodes
			.map((node) => node.replace(/\.js$/, '.json'))
			.filter((codex) => !files.includes(codex));
		expect(missingCodex).toEqual([]);
	});

	it('ships every icon file that a node or credential points to', () => {
		const referenced = declaredEntryPoints.flatMap((entry) => {
			const loaded = loadEntryPoint(entry);
			const icon = loaded.description?.icon ?? loaded.icon;
			return iconFiles(icon).map((icon) => posix.join(dirname(entry), icon));
		});
		expect(referenced.length).toBeGreaterThanOrEqual(manifest.n8n.nodes.length);
		expect(referenced.filter((icon) => !files.includes(icon))).toEqual([]);
	});

	it('loads at run time only shipped files, Node built-ins and n8n-workflow', () => {
		const problems: string[] = [];
		for (const file of files.filter((path) => path.endsWith('.js'))) {
			for (const specifier of requiredModules(file)) {
				if (specifier.startsWith('.')) {
					const target = posix.join(posix.dirname(file), specifier);
					const candidates = [target, `${target}.js`, `${target}.json`, `${target}/index.js`];
					if (!candidates.some((candidate) => files.includes(candidate))) {
						problems.push(`${file} requires ${specifier}, which is not in the package`);
					}
					continue;
				}
				const name = packageNameOf(specifier.replace(/^node:/, ''));
				if (!runtimeModules.has(name) && !builtinModules.includes(name)) {
					problems.push(`${file} requires ${specifier}, which an installed package does not have`);
				}
			}
		}
		expect(problems).toEqual([]);
	});
});

describe('package.json for the community-node route', () => {
	it('has no runtime dependencies and expects n8n-workflow from the host', () => {
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(Object.keys(manifest.peerDependencies ?? {})).toEqual(['n8n-workflow']);
		expect(manifest.bundleDependencies ?? manifest.bundledDependencies).toBeUndefined();
	});

	it('is discoverable and loadable as an n8n community package', () => {
		expect(manifest.name).toMatch(/^n8n-nodes-/);
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
		for (const entry of declaredEntryPoints) expect(entry).toMatch(/^dist\/.+\.js$/);
	});

	it('runs nothing on install', () => {
		const installHooks = ['preinstall', 'install', 'postinstall', 'prepare'].filter(
			(hook) => hook in manifest.scripts,
		);
		expect(installHooks).toEqual([]);
	});

	it('is MIT licensed, with the license text shipped', () => {
		expect(manifest.license).toBe('MIT');
		const license = readFileSync(join(root, 'LICENSE'), 'utf8');
		expect(license.startsWith('MIT License')).toBe(true);
		expect(license).toMatch(/Copyright \(c\) \d{4} \S/);
		expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
	});
});
