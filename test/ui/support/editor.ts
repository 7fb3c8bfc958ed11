/**
 * The parts of n8n 2.40's workflow editor the suite works with, by the data-test-id attributes
 * n8n's own end-to-end tests use. Every wait is on an element or a response, never on a clock.
 */
import type { Locator, Page, Response } from 'playwright-core';

// The DOM as seen inside page.evaluate (the test tsconfig has no DOM library).
interface BrowserImage {
	complete: boolean;
	naturalWidth: number;
	addEventListener(type: 'load' | 'error', listener: () => void, options: { once: boolean }): void;
}
interface BrowserElement {
	offsetParent: unknown;
	getAttribute(name: string): string | null;
}
interface BrowserContainer {
	querySelectorAll(selector: string): Iterable<BrowserElement>;
}

export class WorkflowEditor {
	private constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	/** A new, empty workflow in the editor, in n8n's light or dark theme. */
	static async openNewWorkflow(
		page: Page,
		baseUrl: string,
		theme: 'light' | 'dark' = 'light',
	): Promise<WorkflowEditor> {
		await page.goto(`${baseUrl}/workflow/new?theme=${theme}`);
		await page.locator(`body[data-theme="${theme}"]`).waitFor({ state: 'attached' });
		const editor = new WorkflowEditor(page, baseUrl);
		await page.getByTestId('canvas-plus-button').or(page.getByTestId('node-creator-plus-button')).first().waitFor();
		return editor;
	}

	/** A saved workflow in the editor, once its nodes are on the canvas. */
	static async openWorkflow(page: Page, baseUrl: string, workflowId: string): Promise<WorkflowEditor> {
		await page.goto(`${baseUrl}/workflow/${workflowId}?theme=light`);
		await page.getByTestId('canvas-node').first().waitFor();
		return new WorkflowEditor(page, baseUrl);
	}

	// ── Nodes panel ──────────────────────────────────────────────────────────────────────────

	get nodeCreator(): Locator {
		return this.page.getByTestId('node-creator');
	}

	/** Opens the nodes panel and types into its search box. */
	async searchNodes(text: string): Promise<void> {
		if (!(await this.nodeCreator.isVisible())) {
			const emptyCanvas = this.page.getByTestId('canvas-plus-button');
			await ((await emptyCanvas.isVisible()) ? emptyCanvas : this.page.getByTestId('node-creator-plus-button')).click();
		}
		await this.page.getByTestId('node-creator-search-bar').fill(text);
	}

	/** A search result (or list entry) of the nodes panel, by the name it shows. */
	nodeItem(name: string): Locator {
		return this.nodeCreator
			.getByTestId('item-iterator-item')
			.filter({ has: this.page.getByTestId('node-creator-item-name').getByText(name, { exact: true }) });
	}

	/** The names the nodes panel lists right now. */
	async listedNodeNames(): Promise<string[]> {
		const names = await this.nodeCreator.getByTestId('node-creator-item-name').allInnerTexts();
		return names.map((name) => name.trim());
	}

	/** Opens a node's page in the nodes panel, which lists its triggers and actions by category. */
	async openNodeDetails(search: string, listedName: string): Promise<void> {
		await this.searchNodes(search);
		await this.nodeItem(listedName).click();
		await this.nodeCreator.getByTestId('node-creator-category-item').first().waitFor();
	}

	/** Picks one of the triggers/actions on a node's page in the nodes panel; the node opens. */
	async pickAction(actionName: string): Promise<void> {
		await this.nodeCreator.getByText(actionName, { exact: true }).click();
		await this.ndv.waitFor();
	}

	/** Resolves when the image has loaded; its natural width (0 means the browser could not render it). */
	async loadedImageWidth(image: Locator): Promise<number> {
		return await image.evaluate(async (element) => {
			const img = element as unknown as BrowserImage;
			if (!img.complete) {
				await new Promise<void>((resolve) => {
					img.addEventListener('load', () => resolve(), { once: true });
					img.addEventListener('error', () => resolve(), { once: true });
				});
			}
			return img.naturalWidth;
		});
	}

	// ── Node details view (NDV) ──────────────────────────────────────────────────────────────

	get ndv(): Locator {
		return this.page.getByTestId('ndv');
	}

	get parametersPane(): Locator {
		return this.ndv.getByTestId('node-parameters');
	}

	get outputPanel(): Locator {
		return this.ndv.getByTestId('output-panel');
	}

	parameter(name: string): Locator {
		return this.parametersPane.getByTestId(`parameter-input-${name}`);
	}

	/** The names of the top-level parameters the parameters pane shows (labels, inputs, collections). */
	async shownParameterNames(): Promise<string[]> {
		return await this.parametersPane.evaluate((element) => {
			const pane = element as unknown as BrowserContainer;
			const names = new Set<string>();
			const visible = (candidate: BrowserElement) => candidate.offsetParent !== null;
			for (const element of pane.querySelectorAll('[data-parameter-path^="parameters."]')) {
				if (visible(element)) names.add(element.getAttribute('data-parameter-path')!.split('.')[1]);
			}
			for (const label of pane.querySelectorAll('label[for]')) {
				if (visible(label)) names.add(label.getAttribute('for')!);
			}
			for (const element of pane.querySelectorAll('[data-test-id^="fixed-collection-"]')) {
				const id = element.getAttribute('data-test-id')!;
				if (visible(element) && id !== 'fixed-collection-add') names.add(id.slice('fixed-collection-'.length));
			}
			return [...names];
		});
	}

	/** Opens a dropdown parameter and returns the option texts it offers. */
	async dropdownOptions(name: string): Promise<string[]> {
		await this.parameter(name).click();
		const listbox = this.visibleDropdown;
		await listbox.getByRole('option').first().waitFor();
		const options = (await listbox.getByRole('option').allInnerTexts()).map((text) => text.split('\n')[0].trim());
		await this.page.keyboard.press('Escape');
		await listbox.waitFor({ state: 'hidden' });
		return options;
	}

	/** Chooses an option of a dropdown parameter by the name it shows; resolves once it shows it. */
	async choose(name: string, optionName: string): Promise<void> {
		await this.parameter(name).click();
		await this.dropdownOption(optionName).click();
		const input = await this.parameter(name).locator('input').first().elementHandle();
		await this.page.waitForFunction(
			({ element, text }) => (element as unknown as { value: string }).value === text,
			{ element: input, text: optionName },
		);
	}

	/** An option of the open dropdown, by its name (an option may also show a description). */
	dropdownOption(optionName: string): Locator {
		return this.visibleDropdown
			.getByRole('option')
			.filter({ has: this.page.getByText(optionName, { exact: true }) });
	}

	private get visibleDropdown(): Locator {
		return this.page.locator('.el-select-dropdown:visible, .el-popper:visible').last();
	}

	/** Expands "Webhook URLs" and returns the URL shown for the Test or Production tab. */
	async webhookUrl(kind: 'test' | 'production'): Promise<string> {
		const urls = this.parametersPane.locator('.webhooks');
		const headline = urls.locator('.headline');
		if (!(await urls.getByTestId(`radio-button-${kind}`).isVisible())) await headline.click();
		await urls.getByTestId(`radio-button-${kind}`).click();
		const shown = urls.locator('.webhook-url');
		const marker = kind === 'test' ? '/webhook-test/' : '/webhook/';
		await shown.filter({ hasText: marker }).waitFor();
		return (await shown.innerText()).trim();
	}

	/**
	 * Clicks the node's execute button ("Execute step"; n8n 2.40 labels it "Listen for test event"
	 * only on its own Webhook node) and resolves once n8n answers that it waits for the test webhook.
	 */
	async listenForTestEvent(): Promise<void> {
		const started = this.page.waitForResponse(
			(response: Response) =>
				/\/rest\/workflows\/[^/]+\/run/.test(response.url()) && response.request().method() === 'POST',
		);
		await this.ndv.getByTestId('node-execute-button').click();
		const answer = await started;
		const body = (await answer.json()) as { data?: { waitingForWebhook?: boolean } };
		if (!answer.ok() || body.data?.waitingForWebhook !== true) {
			throw new Error(`n8n did not start listening: ${answer.status()} ${JSON.stringify(body)}`);
		}
	}

	// ── Credentials ──────────────────────────────────────────────────────────────────────────

	get credentialModal(): Locator {
		return this.page.getByTestId('editCredential-modal');
	}

	/**
	 * The selector of one credential of the node (or its "create" button when none exists yet);
	 * `label` picks it by the label n8n shows above it (the node's displayName for that credential).
	 */
	credentialSelector(label?: string): Locator {
		const testIds = '[data-test-id="node-credentials-select"], [data-test-id="node-credentials-empty-state"]';
		const slots = this.ndv.getByTestId('node-credentials-slot');
		const slot =
			label === undefined
				? slots.first()
				: slots.filter({ has: this.page.getByTestId('credentials-label').getByText(label, { exact: true }) });
		return slot.locator(testIds).first();
	}

	/** Selects an existing credential by name in the labelled selector, as a user picks it. */
	async chooseCredential(label: string, name: string): Promise<void> {
		const selector = this.credentialSelector(label);
		await selector.waitFor();
		const input = selector.locator('input').first();
		if ((await input.inputValue()) === name) return;
		const option = this.page.getByRole('option').filter({ hasText: name }).filter({ visible: true }).first();
		// The select can ignore a click while the panel is still rendering: open it until the option shows.
		for (let attempt = 1; ; attempt++) {
			await selector.click();
			try {
				await option.waitFor({ timeout: 5_000 });
				break;
			} catch (error) {
				if (attempt === 3) throw error;
				await this.page.keyboard.press('Escape');
			}
		}
		await option.click();
		const handle = await input.elementHandle();
		await this.page.waitForFunction(
			({ element, text }) => (element as unknown as { value: string }).value === text,
			{ element: handle, text: name },
		);
	}

	/** Opens "Create new credential" from the node's (or the labelled) credential selector. */
	async createCredentialFromNode(label?: string): Promise<Locator> {
		const selector = this.credentialSelector(label);
		await selector.waitFor();
		const empty = (await selector.getAttribute('data-test-id')) === 'node-credentials-empty-state';
		if (empty) {
			await selector.click();
		} else {
			// The dropdown can close again while it animates open: reopen it until its "new" entry takes the click.
			const createNew = this.page.getByTestId('node-credentials-select-item-new').filter({ visible: true });
			for (let attempt = 1; ; attempt++) {
				await selector.click();
				try {
					await createNew.click({ timeout: 5_000 });
					break;
				} catch (error) {
					if (attempt === 3) throw error;
					await this.page.keyboard.press('Escape');
				}
			}
		}
		await this.credentialModal.waitFor();
		return this.credentialModal;
	}

	async fillCredentialField(name: string, value: string): Promise<void> {
		const input = this.credentialModal.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
		await input.fill(value);
	}

	/** Saves the open credential; resolves with n8n's credential test answer ({status, message}). */
	async saveCredentialAndTest(): Promise<{ status: string; message: string }> {
		const tested = this.page.waitForResponse(
			(response: Response) => response.url().endsWith('/rest/credentials/test') && response.request().method() === 'POST',
		);
		await this.credentialModal.getByTestId('credential-save-button').click();
		const answer = await tested;
		return ((await answer.json()) as { data: { status: string; message: string } }).data;
	}
}
