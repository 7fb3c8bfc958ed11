import { createServer, type IncomingHttpHeaders } from 'http';
import type { AddressInfo } from 'net';
import type {
	ICredentialType,
	IExecuteFunctions,
	INodeType,
	IWebhookFunctions,
} from 'n8n-workflow';
import { runExecute, runWebhook } from '../helpers/n8nHarness';

// Proves the harness itself drives n8n-core for real, so node tests built on it mean something.
const bearerCredential: ICredentialType = {
	name: 'harnessApi',
	displayName: 'Harness API',
	properties: [{ displayName: 'Key', name: 'apiKey', type: 'string', default: '' }],
	authenticate: {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	},
};

const probeNode: INodeType = {
	description: {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'probe',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'harnessApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: 'probe' },
		],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	},
	async execute(this: IExecuteFunctions) {
		const url = this.getNodeParameter('url', 0) as string;
		const answer = await this.helpers.httpRequestWithAuthentication.call(this, 'harnessApi', {
			method: 'GET',
			url,
			json: true,
		});
		return [this.getInputData().map((item, index) => ({ json: { ...item.json, answer }, pairedItem: index }))];
	},
	async webhook(this: IWebhookFunctions) {
		const raw = (this.getRequestObject() as unknown as { rawBody: Buffer }).rawBody;
		if (raw.toString() === 'reject') {
			this.getResponseObject().status(401).json({ error: 'nope' });
			return { noWebhookResponse: true };
		}
		return { webhookResponse: { received: true }, workflowData: [[{ json: { bytes: raw.length } }]] };
	},
};

describe('n8n harness', () => {
	it('runs execute() through ExecuteContext with the credential applied to a real request', async () => {
		let seen: IncomingHttpHeaders = {};
		const server = createServer((req, res) => {
			seen = req.headers;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ ok: true }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		try {
			const [out] = await runExecute(probeNode, {
				parameters: { url: `http://127.0.0.1:${port}/x` },
				credentials: { harnessApi: { apiKey: 'k_123' } },
				credentialTypes: [bearerCredential],
				items: [{ json: { n: 1 } }],
			});
			expect(out).toEqual([{ json: { n: 1, answer: { ok: true } }, pairedItem: 0 }]);
			expect(seen.authorization).toBe('Bearer k_123');
		} finally {
			server.close();
		}
	});

	it('runs webhook() through WebhookContext and answers as n8n does', async () => {
		const accepted = await runWebhook(probeNode, {
			parameters: {},
			credentials: { harnessApi: { apiKey: 'k' } },
			request: { body: '{"a":1}' },
		});
		expect(accepted).toMatchObject({ status: 200, body: { received: true }, startsExecution: true });

		const rejected = await runWebhook(probeNode, {
			parameters: {},
			credentials: { harnessApi: { apiKey: 'k' } },
			request: { body: 'reject' },
		});
		expect(rejected).toMatchObject({ status: 401, body: { error: 'nope' }, startsExecution: false });
	});

	it('answers like n8n when a webhook leaves responseData unset: the text firstEntryJson', async () => {
		const [webhook] = probeNode.description.webhooks ?? [];
		const withoutResponseData: INodeType = {
			...probeNode,
			description: { ...probeNode.description, webhooks: [{ ...webhook, responseData: undefined }] },
		};
		const answer = await runWebhook(withoutResponseData, {
			parameters: {},
			credentials: { harnessApi: { apiKey: 'k' } },
			request: { body: '{}' },
		});
		expect(answer.body).toBe('firstEntryJson');
	});
});
