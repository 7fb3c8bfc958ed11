/**
 * Debian's Chromium driven by playwright-core, the way the browser suite runs it: headless,
 * offline-friendly flags, and a fresh profile folder that close() removes.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

// n8n's editor marks its elements with data-test-id (not Playwright's default data-testid).
selectors.setTestIdAttribute('data-test-id');

export interface EditorBrowser {
	context: BrowserContext;
	newPage(): Promise<Page>;
	close(): Promise<void>;
}

export async function launchEditorBrowser(): Promise<EditorBrowser> {
	const profile = mkdtempSync(join(tmpdir(), 'ui-chromium-profile-'));
	let context: BrowserContext;
	try {
		// A persistent context is how Playwright takes a --user-data-dir: a fresh folder per run.
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM_PATH,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: { width: 1440, height: 900 },
			colorScheme: 'light',
		});
	} catch (error) {
		rmSync(profile, { recursive: true, force: true });
		throw new Error(
			`Chromium did not start from ${CHROMIUM_PATH} (apt-get install -y chromium): ${(error as Error).message}`,
		);
	}
	for (const page of context.pages()) await page.close();
	return {
		context,
		newPage: async () => await context.newPage(),
		close: async () => {
			await context.close().catch(() => undefined);
			rmSync(profile, { recursive: true, force: true });
		},
	};
}
