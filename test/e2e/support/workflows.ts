/** The workflows the e2e suite publishes: the four examples as shipped, plus one that names every event. */
import {
	exampleWorkflow,
	loadExampleWorkflows,
	TRIGGER_NODE_TYPE,
	triggerWebhookPath,
} from '../../../scripts/lib/examples';
import type { WorkflowToImport } from '../../../scripts/lib/localN8n';
import { SUPPORTED_EVENT_TYPES, supportedStripeEvent } from '../../../nodes/StripeContactTrigger/events';
import { LIFECYCLE_EVENT_TYPES } from '../../fixtures/stripeEvents';

/** A Loops event name for every seed event but customer.deleted (which unsubscribes). */
export const EVENT_NAMES: Record<string, string> = {
	'checkout.session.completed': 'stripeCheckout',
	'customer.created': 'newStripeCustomer',
	'customer.updated': 'stripeCustomerUpdated',
	'invoice.paid': 'successfulPayment',
	'invoice.payment_failed': 'failedPayment',
	'invoice.upcoming': 'upcomingInvoice',
};

export const ALL_EVENTS_WORKFLOW_ID = 'e2eAllStripeEvts';

interface Node {
	type: string;
	webhookId?: string;
	parameters: Record<string, unknown>;
}

/** The Sync example with a new id and webhookId, and an event name for each seed event. */
export function allEventsWorkflow(): WorkflowToImport {
	const base = structuredClone(exampleWorkflow('stripeLoopsSync1'));
	const trigger = (base.nodes as Node[]).find((node) => node.type === TRIGGER_NODE_TYPE)!;
	trigger.webhookId = '9e2e0000-0000-4000-8000-00000000a11e';
	trigger.parameters.eventSettings = {
		settings: Object.entries(EVENT_NAMES).map(([stripeEvent, eventName]) => ({
			stripeEvent,
			eventName,
			userGroup: '',
			mailingLists: '',
			syncNames: true,
		})),
	};
	return { ...base, id: ALL_EVENTS_WORKFLOW_ID, name: 'E2E: every seed event with an event name' };
}

/** A Loops event name for each of the fifteen lifecycle events: the table's suggestions. */
export const LIFECYCLE_EVENT_NAMES: Record<string, string> = Object.fromEntries(
	LIFECYCLE_EVENT_TYPES.map((type) => [type, supportedStripeEvent(type)!.suggestedEventName!]),
);

export const LIFECYCLE_WORKFLOW_ID = 'e2eLifecycleEvts';
export const LIFECYCLE_NO_KEY_WORKFLOW_ID = 'e2eLifecycleNoKey';

/**
 * The Sync example listening to all 22 events, an event name for each lifecycle event and
 * the subscription state on the contact; `withStripeKey: false` drops the Stripe API credential.
 */
export function lifecycleWorkflow(withStripeKey = true): WorkflowToImport {
	const base = structuredClone(exampleWorkflow('stripeLoopsSync1'));
	const trigger = (base.nodes as Array<Node & { credentials?: Record<string, unknown> }>).find(
		(node) => node.type === TRIGGER_NODE_TYPE,
	)!;
	trigger.webhookId = withStripeKey ? '9e2e0000-0000-4000-8000-0000000011fe' : '9e2e0000-0000-4000-8000-0000000011ff';
	trigger.parameters.events = [...SUPPORTED_EVENT_TYPES];
	trigger.parameters.options = { ...(trigger.parameters.options as object), syncSubscriptionState: true };
	trigger.parameters.eventSettings = {
		settings: Object.entries(LIFECYCLE_EVENT_NAMES).map(([stripeEvent, eventName]) => ({
			stripeEvent,
			eventName,
			userGroup: '',
			mailingLists: '',
			syncNames: true,
		})),
	};
	if (!withStripeKey) delete trigger.credentials!.stripeRestrictedKeyApi;
	return {
		...base,
		id: withStripeKey ? LIFECYCLE_WORKFLOW_ID : LIFECYCLE_NO_KEY_WORKFLOW_ID,
		name: withStripeKey ? 'E2E: every event, subscription state on' : 'E2E: every event, no Stripe API key',
	};
}

export function e2eWorkflows(): WorkflowToImport[] {
	return [...loadExampleWorkflows(), allEventsWorkflow()];
}

export function webhookPathOf(workflowId: string): string {
	const workflow = [...e2eWorkflows(), lifecycleWorkflow(true), lifecycleWorkflow(false)].find(
		(candidate) => candidate.id === workflowId,
	);
	if (!workflow) throw new Error(`no e2e workflow ${workflowId}`);
	return triggerWebhookPath(workflow);
}
