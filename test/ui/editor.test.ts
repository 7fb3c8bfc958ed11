/**
 * The package in n8n's editor, in a real browser: Debian's Chromium driven by playwright-core
 * against a real n8n 2.40 with the package installed through the community-node route.
 * Each test opens its own page and ends by checking the page showed no errors.
 * Screenshots of what a user sees land in docs/screenshots/.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { INodeTypeDescription } from 'n8n-workflow';
import type { Page } from 'playwright-core';

import { DEFAULT_EVENT_TYPES } from '../../nodes/StripeContactTrigger/events';
import { buildStripeEvent, DEFAULT_EMAIL, signStripeDelivery } from '../fixtures/stripeEvents';
import { WorkflowEditor } from './support/editor';
import {
	EXAMPLE_WORKFLOW,
	LOOPS_API_KEY,
	SIGNING_CREDENTIAL,
	SIGNING_SECRET,
	STRIPE_API_KEY,
	STRIPE_KEY_WITHOUT_CUSTOMERS,
	uiEnvironment,
} from './support/environment';
import { builtDescription, operations, optionsOf, resources, shownProperties } from './support/nodeDescriptions';
import { PageProblems } from './support/pageProblems';
import { saveScreenshot } from './support/screenshots';

const env = uiEnvironment();
// Read from dist/ once the environment has built the package.
let trigger: INodeTypeDescription;
let loopsNode: INodeTypeDescription;

const ICON_ROUTE = '/icons/n8n-nodes-stripe-loops/dist/nodes';
const CUSTOM_API_CALL = 'Custom API Call';
/** Loops views worth a picture in the README; the test still checks every view. */
const LOOPS_SCREENSHOTS = ['contact/update', 'event/send', 'transactionalEmail/send', 'stripeSync/apply'];
/** How the notice for events that need the Stripe API credential begins. */
const STRIPE_API_NOTICE_START = 'Subscription, dispute and quote events carry no email';
/** n8n lists a trigger in the nodes panel without the word "Trigger". */
const TRIGGER_LISTED_AS = 'Stripe Contact';

let page: Page;
let problems: PageProblems;

async function openEditor(theme: 'light' | 'dark' = 'light'): Promise<WorkflowEditor> {
	return await WorkflowEditor.openNewWorkflow(page, env.get().n8n.baseUrl, theme);
}

function expectNoPageProblems(): void {
	const found = problems.list();
	if (found.length > 0) {
		const lines = found.map((problem) => `  ${problem.kind}: ${problem.text} ${problem.url ?? ''}`);
		const noise = problems.offlineNoise().map((problem) => `  (set aside as offline) ${problem.text} ${problem.url ?? ''}`);
		throw new Error([`the page reported ${found.length} problem(s):`, ...lines, ...noise].join('\n'));
	}
}

/** Adds the trigger through the nodes panel, the way a user does, and opens it. */
async function addTrigger(editor: WorkflowEditor): Promise<void> {
	await editor.openNodeDetails('Stripe', TRIGGER_LISTED_AS);
	await editor.pickAction('On invoice paid');
	// With two credential types on the node n8n may preselect only one: pick the secret as a user does.
	await editor.chooseCredential('Signing Secret', SIGNING_CREDENTIAL.name);
}

async function addLoopsNode(editor: WorkflowEditor): Promise<void> {
	const [contactCreate] = operations(loopsNode, 'contact');
	await editor.openNodeDetails('Loops', 'Loops');
	await editor.pickAction(contactCreate.action ?? contactCreate.name);
}

beforeAll(async () => {
	await env.start();
	trigger = builtDescription('StripeContactTrigger', 'StripeContactTrigger');
	loopsNode = builtDescription('Loops', 'Loops');
}, 900_000);

afterAll(async () => {
	await env.stop();
});

beforeEach(async () => {
	page = await env.get().browser.newPage();
	problems = new PageProblems(page, env.get().n8n.baseUrl);
});

afterEach(async () => {
	await page?.close();
});

describe('the community-node install', () => {
	it('puts the package into n8n with no runtime dependencies and nothing installed next to it', () => {
		const { packageFolder } = env.get();
		const manifest = JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8')) as {
			dependencies?: Record<string, string>;
		};
		expect(manifest.dependencies ?? {}).toEqual({});
		// n8n-workflow comes from n8n itself; the signature check needs nothing but node:crypto.
		expect(existsSync(join(packageFolder, 'node_modules'))).toBe(false);
	});
});

describe('the nodes panel', () => {
	it('offers Stripe Contact Trigger, with its icon, when searching "Stripe"', async () => {
		const editor = await openEditor();
		await editor.searchNodes('Stripe');
		const item = editor.nodeItem(TRIGGER_LISTED_AS);
		await item.waitFor();
		expect(await item.getByTestId('node-creator-item-description').innerText()).toBe(trigger.description);
		const icon = item.locator('img').first();
		expect(await icon.getAttribute('src')).toBe(`${ICON_ROUTE}/StripeContactTrigger/stripe.svg`);
		expect(await editor.loadedImageWidth(icon)).toBeGreaterThan(0);
		await saveScreenshot(page, 'nodes-panel-search-stripe');

		await item.click();
		const details = editor.nodeCreator;
		await details.getByText(trigger.displayName, { exact: true }).waitFor();
		const eventCount = optionsOf(trigger, 'events').length;
		await details.getByText(`Triggers (${eventCount})`).waitFor();
		await details.getByText('On invoice paid', { exact: true }).waitFor();
		await saveScreenshot(page, 'nodes-panel-stripe-contact-trigger');
		expectNoPageProblems();
	});

	it('offers Loops, with its icon and an action for every operation, when searching "Loops"', async () => {
		const editor = await openEditor();
		await editor.searchNodes('Loops');
		const item = editor.nodeItem('Loops');
		await item.waitFor();
		expect(await item.getByTestId('node-creator-item-description').innerText()).toBe(loopsNode.description);
		const icon = item.locator('img').first();
		expect(await icon.getAttribute('src')).toBe(`${ICON_ROUTE}/Loops/loops.svg`);
		expect(await editor.loadedImageWidth(icon)).toBeGreaterThan(0);
		await saveScreenshot(page, 'nodes-panel-search-loops');

		await item.click();
		const actions = resources(loopsNode).flatMap((resource) => operations(loopsNode, resource.value));
		await editor.nodeCreator.getByText(`Actions (${actions.length})`).waitFor();
		for (const action of actions) {
			await editor.nodeCreator.getByText(action.action ?? action.name, { exact: true }).waitFor();
		}
		await saveScreenshot(page, 'nodes-panel-loops-actions');
		expectNoPageProblems();
	});

	it('shows both icons in the dark theme', async () => {
		const editor = await openEditor('dark');
		await editor.searchNodes('Stripe');
		const stripeIcon = editor.nodeItem(TRIGGER_LISTED_AS).locator('img').first();
		expect(await stripeIcon.getAttribute('src')).toBe(`${ICON_ROUTE}/StripeContactTrigger/stripe.dark.svg`);
		expect(await editor.loadedImageWidth(stripeIcon)).toBeGreaterThan(0);
		await saveScreenshot(page, 'nodes-panel-search-stripe-dark');
		await editor.searchNodes('Loops');
		const loopsIcon = editor.nodeItem('Loops').locator('img').first();
		expect(await loopsIcon.getAttribute('src')).toBe(`${ICON_ROUTE}/Loops/loops.dark.svg`);
		expect(await editor.loadedImageWidth(loopsIcon)).toBeGreaterThan(0);
		await saveScreenshot(page, 'nodes-panel-search-loops-dark');
		expectNoPageProblems();
	});
});

describe('the Stripe Contact Trigger', () => {
	it('shows its production and test URLs, the credential selector, all 22 events and the per-event settings', async () => {
		await page.setViewportSize({ width: 1440, height: 1350 }); // room for the whole form in the screenshot
		const editor = await openEditor();
		await addTrigger(editor);
		expect(await editor.ndv.getByTestId('node-title-container').getByTestId('inline-edit-preview').innerText()).toBe(
			trigger.displayName,
		);

		const { baseUrl } = env.get().n8n;
		const testUrl = await editor.webhookUrl('test');
		const productionUrl = await editor.webhookUrl('production');
		const webhookId = /\/webhook\/([0-9a-f-]{36})\/stripe$/.exec(productionUrl)?.[1];
		expect(webhookId).toBeDefined();
		expect(productionUrl).toBe(`${baseUrl}/webhook/${webhookId}/stripe`);
		expect(testUrl).toBe(`${baseUrl}/webhook-test/${webhookId}/stripe`);

		const credential = editor.credentialSelector('Signing Secret');
		await credential.waitFor();
		expect(await credential.locator('input').inputValue()).toBe(SIGNING_CREDENTIAL.name);

		const events = optionsOf(trigger, 'events');
		expect(events).toHaveLength(22);
		expect(await editor.dropdownOptions('events')).toEqual(events.map((event) => event.name));
		// Select the seven of Loops' original integration, as a user following the setup notice would
		// (the "On invoice paid" pick is one): none needs the Stripe API credential, so no notice.
		const seven = events.filter((event) => DEFAULT_EVENT_TYPES.includes(event.value));
		expect(seven).toHaveLength(7);
		await editor.parameter('events').click();
		for (const event of seven) {
			const option = editor.dropdownOption(event.name);
			if ((await option.getAttribute('aria-selected')) !== 'true') await option.click();
		}
		await page.keyboard.press('Escape');
		const chips = editor.parameter('events').locator('.el-select__tags-text');
		await chips.nth(seven.length - 1).waitFor();
		expect((await chips.allInnerTexts()).map((chip) => chip.trim()).sort()).toEqual(
			seven.map((event) => event.name).sort(),
		);
		expect(await editor.parametersPane.getByText(STRIPE_API_NOTICE_START).count()).toBe(0);

		await editor.parametersPane.getByTestId('fixed-collection-add').click();
		const settings = editor.parametersPane.getByTestId('fixed-collection-eventSettings');
		for (const field of ['stripeEvent', 'eventName', 'userGroup', 'mailingLists', 'syncNames', 'syncSubscriptionState']) {
			await settings.getByTestId(`parameter-input-${field}`).waitFor();
		}
		expect(await editor.dropdownOptions('onCustomerDeleted')).toEqual(
			optionsOf(trigger, 'onCustomerDeleted').map((option) => option.name),
		);
		await editor.parametersPane.locator('.webhooks').scrollIntoViewIfNeeded();
		await saveScreenshot(page, 'trigger-parameters');
		expectNoPageProblems();
	});

	it('says which credential subscription, dispute and quote events need, once one is selected', async () => {
		await page.setViewportSize({ width: 1440, height: 1100 });
		const editor = await openEditor();
		await addTrigger(editor);
		const notice = editor.parametersPane.getByText(STRIPE_API_NOTICE_START);
		expect(await notice.count()).toBe(0);
		await editor.parameter('events').click();
		await editor.dropdownOption('Subscription Trial Will End').click();
		await page.keyboard.press('Escape');
		await notice.waitFor();
		expect(await notice.innerText()).toContain('Stripe Restricted Key API credential');
		await notice.scrollIntoViewIfNeeded();
		await saveScreenshot(page, 'trigger-stripe-api-notice');
		expectNoPageProblems();
	});

	it('edits its signing secret in a credential that asks for the whsec_ secret and an optional previous one', async () => {
		const editor = await openEditor();
		await addTrigger(editor);
		const tested = page.waitForResponse((response) => response.url().endsWith('/rest/credentials/test'));
		await editor.ndv
			.getByTestId('node-credentials-slot')
			.filter({ has: page.getByTestId('credentials-label').getByText('Signing Secret', { exact: true }) })
			.getByTestId('credential-edit-button')
			.click();
		const modal = editor.credentialModal;
		await modal.waitFor();
		for (const field of ['signingSecret', 'previousSigningSecret']) {
			await modal.getByTestId(`parameter-input-${field}`).waitFor();
		}
		expect(await modal.getByTestId('credential-name').innerText()).toContain(SIGNING_CREDENTIAL.name);
		// n8n tests a saved credential when it is opened: the trigger's check of the secret's form.
		expect(((await (await tested).json()) as { data: { status: string } }).data.status).toBe('OK');
		await modal.getByTestId('credentials-config-container-test-success').waitFor();
		await saveScreenshot(modal, 'credential-stripe-signing-secret');
		expectNoPageProblems();
	});

	it('creates its Stripe API credential: a notice naming the permissions, a clear failure for a key that may not read customers, success for one that may', async () => {
		const { stripe } = env.get();
		const editor = await openEditor();
		await addTrigger(editor);
		const modal = await editor.createCredentialFromNode('Stripe API Key');
		for (const permission of ['Customers', 'Charges (for disputes)', 'Subscriptions', 'Quotes', 'Webhook Endpoints']) {
			await modal.getByText(new RegExp(permission.replace(/[()]/g, '\\$&'))).first().waitFor();
		}
		await editor.fillCredentialField('apiKey', STRIPE_KEY_WITHOUT_CUSTOMERS);
		await editor.fillCredentialField('baseUrl', stripe.url);
		const failed = await editor.saveCredentialAndTest();
		expect(failed.status).toBe('Error');
		await modal.getByText(/Couldn.t connect with these settings/).waitFor();
		await modal.getByText('More details').click();
		await modal.getByText(failed.message, { exact: true }).waitFor();
		await saveScreenshot(modal, 'credential-stripe-restricted-key-test-failed');

		await editor.fillCredentialField('apiKey', STRIPE_API_KEY);
		const passed = await editor.saveCredentialAndTest();
		expect(passed).toEqual({ status: 'OK', message: expect.any(String) });
		const tests = stripe.state.requestLog().filter((request) => request.path === '/v1/customers');
		expect(tests.map((request) => request.status)).toEqual(expect.arrayContaining([403, 200]));
		expectNoPageProblems();
		expect(failed.message).toMatch(/may not read customers/);
	});

	it('explains endpoint registration when Register Endpoint in Stripe is turned on', async () => {
		await page.setViewportSize({ width: 1440, height: 1100 });
		const editor = await openEditor();
		await addTrigger(editor);
		await editor.parametersPane.getByText(/In Stripe, open Developers → Webhooks → Add endpoint/).waitFor();
		await editor.parameter('registerEndpoint').locator('.el-switch').click();
		await editor.parametersPane.getByText(/On publish, the node finds or creates the Stripe webhook endpoint/).waitFor();
		await editor.parametersPane.getByText(/In Stripe, open Developers → Webhooks → Add endpoint/).waitFor({ state: 'hidden' });
		// The node verifies with the secret it registers: the signing-secret selector is gone.
		await editor.credentialSelector('Signing Secret').waitFor({ state: 'detached' });
		await saveScreenshot(page, 'trigger-register-endpoint');
		expectNoPageProblems();
	});

	it('shows the normalized item in the output panel when a signed event reaches the test URL', async () => {
		const editor = await openEditor();
		await addTrigger(editor);
		const testUrl = await editor.webhookUrl('test');
		await editor.listenForTestEvent();
		await saveScreenshot(page, 'trigger-listening');

		const event = buildStripeEvent('invoice.paid');
		const delivery = signStripeDelivery(JSON.stringify(event), SIGNING_SECRET);
		const answer = await fetch(testUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
		expect(answer.status).toBe(200);
		expect(await answer.json()).toEqual({ received: true });

		await editor.outputPanel.getByTestId('ndv-items-count').waitFor();
		await editor.outputPanel.getByTestId('radio-button-json').click();
		const data = editor.outputPanel.getByTestId('ndv-data-container');
		await data.getByText(String(event.id)).first().waitFor();
		const shown = await data.innerText();
		expect(shown).toContain('invoice.paid');
		expect(shown).toContain('upsert');
		expect(shown).toContain(DEFAULT_EMAIL);
		await saveScreenshot(page, 'trigger-test-event-output');
		expectNoPageProblems();
	});
});

describe('an example workflow', () => {
	it('shows the trigger feeding Loops on the canvas, both with their icons', async () => {
		const editor = await WorkflowEditor.openWorkflow(page, env.get().n8n.baseUrl, EXAMPLE_WORKFLOW.id);
		const nodes = page.getByTestId('canvas-node');
		for (const [name, icon] of [
			['Stripe Contact Trigger', `${ICON_ROUTE}/StripeContactTrigger/stripe.svg`],
			['Loops', `${ICON_ROUTE}/Loops/loops.svg`],
		]) {
			const node = nodes.filter({ has: page.getByText(name, { exact: true }) });
			const image = node.locator(`img[src="${icon}"]`);
			expect(await editor.loadedImageWidth(image)).toBeGreaterThan(0);
		}
		expect(await nodes.count()).toBe(EXAMPLE_WORKFLOW.nodes.length);
		const connection = page.locator(
			'[data-test-id="edge"][data-source-node-name="Stripe Contact Trigger"][data-target-node-name="Loops"]',
		);
		await connection.waitFor({ state: 'attached' });
		await saveScreenshot(page, 'workflow-stripe-to-loops');
		expectNoPageProblems();
	});
});

describe('the Loops node', () => {
	it('shows every resource and operation with its fields', async () => {
		const editor = await openEditor();
		await addLoopsNode(editor);
		const allResources = resources(loopsNode);
		// n8n itself appends "Custom API Call" (the HTTP Request node with this credential) to nodes
		// whose credential authenticates generically.
		expect(await editor.dropdownOptions('resource')).toEqual([
			...allResources.map((resource) => resource.name),
			CUSTOM_API_CALL,
		]);

		const mismatches: string[] = [];
		for (const resource of allResources) {
			await editor.choose('resource', resource.name);
			const resourceOperations = operations(loopsNode, resource.value);
			const offered = (await editor.dropdownOptions('operation')).filter((name) => name !== CUSTOM_API_CALL);
			expect(offered).toEqual(resourceOperations.map((operation) => operation.name));
			for (const operation of resourceOperations) {
				if (resourceOperations.length > 1) await editor.choose('operation', operation.name);
				const view = `${resource.value}/${operation.value}`;
				const expected = shownProperties(loopsNode, { resource: resource.value, operation: operation.value });
				const expectedFields = expected.filter((property) => property.type !== 'notice').map((property) => property.name);
				const shownFields = await editor.shownParameterNames();
				// Exactly these fields: none missing, none leaking in from another operation.
				if ([...shownFields].sort().join() !== [...expectedFields].sort().join()) {
					mismatches.push(`${view}: shows [${shownFields.join(', ')}], expected [${expectedFields.join(', ')}]`);
				}
				for (const notice of expected.filter((property) => property.type === 'notice')) {
					const opening = notice.displayName.slice(0, 40);
					if (!(await editor.parametersPane.getByText(opening).first().isVisible())) {
						mismatches.push(`${view}: notice "${opening}…" not shown`);
					}
				}
				if (LOOPS_SCREENSHOTS.includes(view)) {
					await saveScreenshot(editor.ndv, `loops-${resource.value}-${operation.value}`);
				}
			}
		}
		expect(mismatches).toEqual([]);
		expectNoPageProblems();
	});

	it('tests the Loops credential: a clear failure for a bad key, success against the contract server', async () => {
		const { loops } = env.get();
		const editor = await openEditor();
		await addLoopsNode(editor);
		const modal = await editor.createCredentialFromNode();
		await editor.fillCredentialField('apiKey', 'not-a-loops-key');
		await editor.fillCredentialField('baseUrl', loops.url);
		const failed = await editor.saveCredentialAndTest();
		expect(failed.status).toBe('Error');
		await modal.getByText(/Couldn.t connect with these settings/).waitFor();
		await modal.getByText('More details').click();
		await modal.getByText(failed.message, { exact: true }).waitFor();
		await saveScreenshot(modal, 'credential-loops-test-failed');

		await editor.fillCredentialField('apiKey', LOOPS_API_KEY);
		const passed = await editor.saveCredentialAndTest();
		expect(passed).toEqual({ status: 'OK', message: expect.any(String) });
		// n8n closes the dialog after a successful test; reopening it tests again and shows the result.
		await modal.waitFor({ state: 'hidden' });
		const retested = page.waitForResponse((response) => response.url().endsWith('/rest/credentials/test'));
		await editor.ndv.getByTestId('credential-edit-button').click();
		await retested;
		await modal.getByTestId('credentials-config-container-test-success').waitFor();
		await saveScreenshot(modal, 'credential-loops-test-succeeded');

		const apiKeyChecks = loops.state.requestLog().filter((request) => request.path.endsWith('/api-key'));
		expect(apiKeyChecks.map((request) => request.status)).toEqual(expect.arrayContaining([401, 200]));
		expectNoPageProblems();
		// Last, so the screenshots above exist either way: the failure must say what is wrong.
		expect(failed.message).toMatch(/API key/i);
	});
});
