/**
 * What the editor should show, read from the built node descriptions (dist/, the files n8n loads),
 * so the browser checks follow the nodes instead of repeating their field lists.
 */
import { join } from 'path';
import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

const distNodes = join(__dirname, '..', '..', '..', 'dist', 'nodes');

type NodeClass = new () => { description: INodeTypeDescription };

export function builtDescription(folder: string, className: string): INodeTypeDescription {
	const file = join(distNodes, folder, `${folder}.node.js`);
	const exported = require(file) as Record<string, NodeClass>;
	const NodeType = exported[className];
	if (!NodeType) throw new Error(`${file} does not export ${className}; run npm run build`);
	return new NodeType().description;
}

export interface Choice {
	value: string;
	name: string;
	/** The action name n8n's nodes panel lists for an operation. */
	action?: string;
}

function choicesOf(property: INodeProperties | undefined): Choice[] {
	return ((property?.options ?? []) as INodePropertyOptions[]).map((option) => ({
		value: String(option.value),
		name: option.name,
		action: option.action,
	}));
}

type Values = Record<string, unknown>;

function matches(condition: Record<string, unknown> | undefined, values: Values): boolean {
	return Object.entries(condition ?? {}).every(
		([key, allowed]) => Array.isArray(allowed) && allowed.includes(values[key] as never),
	);
}

function isShown(property: INodeProperties, values: Values): boolean {
	const { show, hide } = property.displayOptions ?? {};
	if (show && !matches(show, values)) return false;
	if (hide && Object.keys(hide).length > 0 && matches(hide, values)) return false;
	return true;
}

/**
 * The top-level properties the editor shows for the given values, in order. Values the caller
 * does not set take the default of the property that is shown for them (as in a freshly added node).
 */
export function shownProperties(description: INodeTypeDescription, chosen: Values): INodeProperties[] {
	const values: Values = { ...chosen };
	const shown: INodeProperties[] = [];
	for (const property of description.properties) {
		if (!isShown(property, values)) continue;
		shown.push(property);
		if (!(property.name in values)) values[property.name] = property.default;
	}
	return shown;
}

export function resources(description: INodeTypeDescription): Choice[] {
	return choicesOf(description.properties.find((property) => property.name === 'resource'));
}

export function operations(description: INodeTypeDescription, resource: string): Choice[] {
	const property = shownProperties(description, { resource }).find((shown) => shown.name === 'operation');
	return choicesOf(property);
}

export function optionsOf(description: INodeTypeDescription, name: string): Choice[] {
	return choicesOf(description.properties.find((property) => property.name === name));
}
