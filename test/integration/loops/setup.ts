/** Shared wiring: a Loops contract server and the Loops node run through n8n-core. */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { LoopsApi } from '../../../credentials/LoopsApi.credentials';
import { Loops } from '../../../nodes/Loops/Loops.node';
import type { StripeContactItem } from '../../../nodes/shared/StripeContactItem';
import { startLoopsContractServer, type LoopsContractServer, type LoopsContractServerOptions } from '../../../tools/loops-contract-server';
import { runExecute } from '../../helpers/n8nHarness';

export const API_KEY = 'test_key';

export async function startServer(options: LoopsContractServerOptions = {}): Promise<LoopsContractServer> {
	return await startLoopsContractServer({ apiKeys: [API_KEY], rateLimitPerSecond: 200, seed: 7, ...options });
}

export interface RunOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	apiKey?: string;
}

/** Runs the Loops node once over `items` (default: one empty item). Returns output 0. */
export async function runLoops(
	server: { url: string },
	parameters: INodeParameters,
	options: RunOptions = {},
): Promise<INodeExecutionData[]> {
	const output = await runExecute(new Loops(), {
		parameters,
		credentials: { loopsApi: { apiKey: options.apiKey ?? API_KEY, baseUrl: server.url } },
		credentialTypes: [new LoopsApi()],
		items: options.items ?? [{ json: {} }],
		continueOnFail: options.continueOnFail,
	});
	return output[0] ?? [];
}

export const json = (items: INodeExecutionData[]): IDataObject[] => items.map((item) => item.json);

export function stripeItem(overrides: Partial<StripeContactItem> & { email?: string } = {}): INodeExecutionData {
	const { email = 'jenny.rosen@example.com', ...rest } = overrides;
	const id = rest.stripeEventId ?? 'evt_1QtestJenny';
	const item: StripeContactItem = {
		stripeEventId: id,
		stripeEventType: 'invoice.paid',
		livemode: false,
		occurredAt: '2026-11-26T18:00:00.000Z',
		action: 'upsert',
		contact: { email, firstName: 'Jenny', lastName: 'Rosen', source: 'Stripe' },
		event: { name: 'successfulPayment', properties: { amount: 2000, currency: 'usd' }, idempotencyKey: id },
		stripe: { customerId: 'cus_123', objectId: 'in_123' },
		...rest,
	};
	return { json: item };
}
