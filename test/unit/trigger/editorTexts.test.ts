/**
 * What n8n 2.x's editor shows for the trigger: the canvas subtitle as the canvas
 * evaluates it, and texts that hold to n8n 2.x (it "publishes" workflows: nothing may
 * still send users to "Activate") and to this package (the npm scripts they name exist).
 * The wording itself is the editor's, not the tests'.
 */
import { Workflow } from 'n8n-workflow';
import type { INode, TriggerPanelDefinition } from 'n8n-workflow';

import { StripeContactTrigger } from '../../../nodes/StripeContactTrigger/StripeContactTrigger.node';
import packageJson from '../../../package.json';
import { SEED_EVENT_TYPES } from '../../fixtures/stripeEvents';

const trigger = new StripeContactTrigger();
const { description } = trigger;
const property = (name: string) => description.properties.find((p) => p.name === name)!;

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

describe('the texts that guide through n8n 2.x', () => {
	const panel = description.triggerPanel as TriggerPanelDefinition;

	it('open the parameters with a notice', () => {
		expect(description.properties[0]).toMatchObject({ name: 'setupNotice', type: 'notice' });
	});

	it('never send users to "Activate": n8n 2.x publishes workflows', () => {
		const texts = [property('setupNotice').displayName, description.eventTriggerDescription, JSON.stringify(panel)];
		for (const text of texts) expect(text).not.toMatch(/activate/i);
	});

	it('name only npm scripts the package has', () => {
		const scripts = Object.keys((packageJson as { scripts: Record<string, string> }).scripts);
		const named = [...JSON.stringify(description).matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]);
		expect(named.length).toBeGreaterThan(0);
		for (const script of named) expect(scripts).toContain(script);
	});
});
