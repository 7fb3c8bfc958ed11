/** A workflow that is only the Stripe Contact Trigger (invoice.paid), and signed deliveries for it. */
import { buildStripeEvent, signStripeDelivery } from '../../test/fixtures/stripeEvents';
import { TRIGGER_NODE_TYPE } from '../../scripts/lib/examples';
import type { WorkflowToImport } from '../../scripts/lib/localN8n';
import type { Delivery } from './httpLoad';

export const SIGNING_SECRET = 'whsec_bench_0123456789abcdef0123456789abcdef';
export const TRIGGER_WEBHOOK_ID = 'b3ac0000-0000-4000-8000-00000000b00b';
export const TRIGGER_WEBHOOK_PATH = `${TRIGGER_WEBHOOK_ID}/stripe`;

export const triggerWorkflow: WorkflowToImport = {
	id: 'benchStripeTrigr',
	name: 'Bench (b): Stripe Contact Trigger',
	nodes: [
		{
			id: 'b0000000-0000-4000-8000-00000000000b',
			name: 'Stripe Contact Trigger',
			type: TRIGGER_NODE_TYPE,
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: TRIGGER_WEBHOOK_ID,
			parameters: { events: ['invoice.paid'], onCustomerDeleted: 'unsubscribe', options: {} },
			credentials: { stripeWebhookSigningApi: { id: 'stripeSigningKey', name: 'Stripe webhook signing secret' } },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

/** A signed delivery of a fresh `type` event to the trigger-only workflow. */
export function signedDelivery(type: string, expectedStatus: number): Delivery {
	const { body, headers } = signStripeDelivery(JSON.stringify(buildStripeEvent(type)), SIGNING_SECRET);
	return { path: `/webhook/${TRIGGER_WEBHOOK_PATH}`, body, headers, expectedStatus };
}

