/**
 * What n8n 2.x's editor shows for the trigger: the canvas subtitle, the setup notice,
 * the trigger panel while building and after publishing, and the per-event field helps.
 * n8n 2.x "publishes" workflows; none of these texts may still send users to "Activate".
 */
import { Workflow } from 'n8n-workflow';
import type { INode, INodeProperties, TriggerPanelDefinition } from 'n8n-workflow';

import { StripeContactTrigger } from '../../../nodes/StripeContactTrigger/StripeContactTrigger.node';
import { SEED_EVENT_TYPES } from '../../fixtures/stripeEvents';

const trigger = new StripeContactTrigger();
const { description } = trigger;
const property = (name: string) => description.properties.find((p) => p.name === name)!;
const perEventField = (name: string) =>
	((property('eventSettings').options![0] as { values: INodeProperties[] }).values).find((field) => field.name === name)!;

/** The subtitle as the canvas renders it: the expression evaluated against the node's parameters. */
function subtitleFor(events: string[]): unknown {
	const node: INode = {
		id: 'trigger',
		name: 'Stripe Contact Trigger',
		type: 'n8n-nodes-stripe-loops.stripeContactTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: { events },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => trigger, getByNameAndVersion: () => trigger, getKnownTypes: () => ({}) },
	});
	return workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {});
}

describe('the canvas subtitle', () => {
	it('names the one selected event', () => {
		expect(subtitleFor(['invoice.paid'])).toBe('invoice.paid');
	});

	it('counts several selected events', () => {
		expect(subtitleFor([...SEED_EVENT_TYPES])).toBe('7 Stripe events');
		expect(subtitleFor(['invoice.paid', 'customer.created'])).toBe('2 Stripe events');
	});
});

describe('the setup notice', () => {
	const notice = property('setupNotice');

	it('walks through Stripe, then ends with publishing the workflow', () => {
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toMatch(/Add endpoint.*Production URL.*Reveal/s);
		expect(notice.displayName).toMatch(
			/Publish the workflow \(top right\) to start receiving events on the Production URL\.$/,
		);
		expect(notice.displayName).not.toMatch(/activate/i);
	});
});

describe('the trigger panel', () => {
	const panel = description.triggerPanel as TriggerPanelDefinition;

	it('says what the node waits for while listening', () => {
		expect(description.eventTriggerDescription).toBe('Waiting for a signed Stripe event at the Test URL');
	});

	it('tells how to send a Stripe test event before publishing, and what runs after', () => {
		expect(panel.header).toBe('Send a Stripe test event to the Test URL');
		const help = panel.executionsHelp as { active: string; inactive: string };
		expect(help.inactive).toMatch(/^Click 'Execute step'/);
		expect(help.inactive).toContain('Developers → Webhooks → your endpoint → Send test event');
		expect(help.inactive).toContain('npm run send-test-event');
		expect(help.active).toBe('The workflow is published: every Stripe delivery to the Production URL runs it.');
		expect(panel.activationHint).toBe('Publish the workflow, then add its Production URL as an endpoint in Stripe.');
		expect(JSON.stringify(panel)).not.toMatch(/activate/i);
	});
});

describe('the per-event settings', () => {
	it('shows an example user group', () => {
		expect(perEventField('userGroup').placeholder).toBe('e.g. customers');
	});

	it('says where mailing list IDs come from, under the field', () => {
		expect(perEventField('mailingLists').hint).toBe(
			"Find list IDs in Loops → Audience → Lists, or with the Loops node's Mailing List → Get Many.",
		);
	});
});
