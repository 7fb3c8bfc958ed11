/** Screenshots the suite writes for the README, under docs/screenshots/ (committed). */
import { mkdirSync } from 'fs';
import { join } from 'path';
import type { Locator, Page } from 'playwright-core';

export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'docs', 'screenshots');

/** Writes docs/screenshots/<name>.png of the page, or of one element of it; returns the path. */
export async function saveScreenshot(target: Page | Locator, name: string): Promise<string> {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const path = join(SCREENSHOT_DIR, `${name}.png`);
	// Animations and the blinking caret would make each run's picture differ for no reason.
	await target.screenshot({ path, animations: 'disabled', caret: 'hide' });
	return path;
}
