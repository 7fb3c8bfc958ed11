/** The workflows the e2e suite publishes: the four examples as shipped, plus one that names every event. */
import {
	exampleWorkflow,
	loadExampleWorkflows,
	TRIGGER_NODE_TYPE,
	triggerWebhookPath,
} from '../../../scripts/lib/examples';
import type { WorkflowToImport } from '../../../scripts/lib/localN8n';

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

export function e2eWorkflows(): WorkflowToImport[] {
	return [...loadExampleWorkflows(), allEventsWorkflow()];
}

export function webhookPathOf(workflowId: string): string {
	const workflow = e2eWorkflows().find((candidate) => candidate.id === workflowId);
	if (!workflow) throw new Error(`no e2e workflow ${workflowId}`);
	return triggerWebhookPath(workflow);
}
