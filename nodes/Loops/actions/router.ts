import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { LoopsClient, type LoopsTransportSettings } from '../transport';
import * as contact from './contact/Contact.resource';
import * as contactProperty from './contactProperty/ContactProperty.resource';
import * as event from './event/Event.resource';
import * as mailingList from './mailingList/MailingList.resource';
import * as stripeSync from './stripeSync/StripeSync.resource';
import * as transactionalEmail from './transactionalEmail/TransactionalEmail.resource';
import { runItems } from './runItems';
import type { LoopsOperation } from './types';

const resources: Record<string, Record<string, unknown>> = {
	contact,
	contactProperty,
	event,
	mailingList,
	stripeSync,
	transactionalEmail,
};

function operationFor(this: IExecuteFunctions, resource: string, operation: string): LoopsOperation {
	const candidate = resources[resource]?.[operation] as LoopsOperation | undefined;
	if (typeof candidate?.execute !== 'function') {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`);
	}
	return candidate;
}

/**
 * Runs the chosen operation once per item. Items run concurrently (request
 * starts are paced by the transport) but output keeps input order and every
 * output item points back at its input item.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operationFor.call(this, resource, operation);
	const loops = new LoopsClient(this, retryOverride.call(this));

	const perItem = await runItems<INodeExecutionData[]>({
		count: items.length,
		concurrency: loops.settings.concurrency,
		keyOf: (i) => op.orderingKey?.call(this, i),
		run: async (i) => {
			const result = await op.execute.call(this, i, loops);
			return (Array.isArray(result) ? result : [result]).map((json) => ({ json, pairedItem: { item: i } }));
		},
		onError: (error, i) => {
			if (error instanceof NodeApiError || error instanceof NodeOperationError) {
				error.context.itemIndex ??= i;
			}
			if (!this.continueOnFail()) throw error;
			const json: IDataObject = { error: error.message };
			const { description, httpCode } = error as { description?: unknown; httpCode?: unknown };
			if (typeof description === 'string' && description) json.description = description;
			if (typeof httpCode === 'string' && httpCode) json.httpCode = httpCode;
			return [{ json, pairedItem: { item: i } }];
		},
	});
	return [perItem.flat()];
}

/** The node's Keep Retrying For option, when set (else the transport's default budget). */
function retryOverride(this: IExecuteFunctions): Partial<LoopsTransportSettings> {
	const { retryForSeconds } = this.getNodeParameter('retryOptions', 0, {}) as IDataObject;
	return typeof retryForSeconds === 'number' && Number.isFinite(retryForSeconds) && retryForSeconds >= 0
		? { retryBudgetMs: retryForSeconds * 1000 }
		: {};
}
