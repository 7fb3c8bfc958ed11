/**
 * The example workflows in examples/ and the credentials they reference by id, so a local n8n
 * (npm start, the e2e suite) can import them as they are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from './communityPackage';
import type { CredentialToImport, WorkflowToImport } from './localN8n';

export const EXAMPLES_DIR = join(projectRoot, 'examples');

export const TRIGGER_NODE_TYPE = 'n8n-nodes-stripe-loops.stripeContactTrigger';
export const LOOPS_NODE_TYPE = 'n8n-nodes-stripe-loops.loops';
/** The trigger's webhook path (StripeContactTrigger `webhooks[0].path`): URLs are /webhook/<webhookId>/stripe. */
export const TRIGGER_WEBHOOK_PATH = 'stripe';

/** The credentials the examples reference (ids and names must match the JSON files). */
export const STRIPE_SIGNING_CREDENTIAL = { id: 'stripeSigningKey', name: 'Stripe webhook signing secret' };
export const LOOPS_CREDENTIAL = { id: 'loopsApiAccount1', name: 'Loops account' };
export const STRIPE_API_CREDENTIAL = { id: 'stripeRestrictedKey1', name: 'Stripe restricted key' };

export const SYNC_WORKFLOW_ID = 'stripeLoopsSync1';
export const LOOPS_API_BASE_URL = 'https://app.loops.so/api/v1';
export const STRIPE_API_BASE_URL = 'https://api.stripe.com';

interface WorkflowNode {
	type: string;
	webhookId?: string;
}

export interface Example {
	/** The file name without .json, e.g. "payment-successful-email". */
	slug: string;
	workflow: WorkflowToImport;
}

/** Every examples/*.json, parsed, in file-name order. */
export function loadExamples(): Example[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({
			slug: file.replace(/\.json$/, ''),
			workflow: JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowToImport,
		}));
}

export function loadExampleWorkflows(): WorkflowToImport[] {
	return loadExamples().map((example) => example.workflow);
}

export function exampleWorkflow(id: string): WorkflowToImport {
	const workflow = loadExampleWorkflows().find((candidate) => candidate.id === id);
	if (!workflow) throw new Error(`No workflow with id ${id} in ${EXAMPLES_DIR}`);
	return workflow;
}

/** `<webhookId>/stripe`: the production webhook path of a workflow's Stripe Contact Trigger. */
export function triggerWebhookPath(workflow: WorkflowToImport): string {
	const trigger = (workflow.nodes as WorkflowNode[]).find((node) => node.type === TRIGGER_NODE_TYPE);
	if (!trigger?.webhookId) throw new Error(`Workflow "${workflow.name}" has no Stripe Contact Trigger with a webhookId`);
	return `${trigger.webhookId}/${TRIGGER_WEBHOOK_PATH}`;
}

/** The credentials, filled in, under the ids the examples use. */
export function exampleCredentials(values: {
	signingSecret: string;
	loopsApiKey: string;
	loopsBaseUrl: string;
	stripeApiKey: string;
	stripeApiBaseUrl: string;
}): CredentialToImport[] {
	return [
		{
			...STRIPE_API_CREDENTIAL,
			type: 'stripeRestrictedKeyApi',
			data: { apiKey: values.stripeApiKey, baseUrl: values.stripeApiBaseUrl },
		},
		{
			...STRIPE_SIGNING_CREDENTIAL,
			type: 'stripeWebhookSigningApi',
			data: { signingSecret: values.signingSecret },
		},
		{
			...LOOPS_CREDENTIAL,
			type: 'loopsApi',
			data: { apiKey: values.loopsApiKey, baseUrl: values.loopsBaseUrl },
		},
	];
}
