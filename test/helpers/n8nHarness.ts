/**
 * Runs a node through n8n-core's real execution contexts (WebhookContext,
 * ExecuteContext) inside jest, the way n8n's WebhookService and WorkflowExecute
 * call them. What the n8n CLI adds around them (database, credential storage,
 * the HTTP server) is reduced to the small `additionalData` below; the e2e suite
 * covers the real server.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core writes its instance settings into the user folder when first loaded.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-harness-'));

import { ExecuteContext, HookContext, WebhookContext } from 'n8n-core';
import {
	createRunExecutionData,
	isExpression,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialsHelper,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

export interface HarnessNodeOptions {
	parameters: INodeParameters;
	/** Decrypted credential data by credential type name, e.g. { loopsApi: { apiKey, baseUrl } }. */
	credentials?: CredentialsByType;
	/** Credential type classes, needed where a credential's `authenticate` must be applied. */
	credentialTypes?: ICredentialType[];
	typeVersion?: number;
	/** Overrides of the node itself (name, webhookId, continueOnFail, onError…). */
	node?: Partial<INode>;
	/** The workflow's static data; pass the same object to later calls to keep what a node stored. */
	staticData?: IDataObject;
}

export interface WebhookRequest {
	body: Buffer | string;
	headers?: Record<string, string>;
	method?: string;
	query?: Record<string, string>;
}

export interface WebhookResult {
	/** 'afterWorkflow': responseMode lastNode, and the node left the answer to n8n (it comes when the workflow ends). */
	status: number | 'afterWorkflow';
	body: unknown;
	headers: Record<string, string>;
	/** What the node returned: workflowData means n8n would start an execution. */
	response: IWebhookResponseData;
	startsExecution: boolean;
}

const NODE_TYPE_NAME = 'harness.nodeUnderTest';

function nodeTypesFor(nodeType: INodeType): INodeTypes {
	return {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
}

function buildNode(nodeType: INodeType, options: HarnessNodeOptions): INode {
	const credentials: INode['credentials'] = {};
	for (const type of Object.keys(options.credentials ?? {})) {
		credentials[type] = { id: `cred-${type}`, name: `${type} credential` };
	}
	const version = nodeType.description.version;
	return {
		id: 'node-under-test',
		name: nodeType.description.defaults.name ?? nodeType.description.displayName,
		type: NODE_TYPE_NAME,
		typeVersion: options.typeVersion ?? (Array.isArray(version) ? Math.max(...version) : version),
		position: [0, 0],
		parameters: options.parameters,
		credentials,
		webhookId: 'harness-webhook-id',
		...options.node,
	};
}

function buildWorkflow(nodeType: INodeType, node: INode, staticData: IDataObject = {}): Workflow {
	return new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: nodeTypesFor(nodeType),
		staticData,
		settings: {},
	});
}

/** Mirrors the parts of n8n's CredentialsHelper that node execution calls. */
function credentialsHelperFor(options: HarnessNodeOptions): ICredentialsHelper {
	const byName = new Map((options.credentialTypes ?? []).map((type) => [type.name, type]));
	const resolve = (value: unknown, credentials: IDataObject, workflow: Workflow, node: INode) => {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value as string,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	};
	const helper = {
		getParentTypes: () => [],
		getCredentialsProperties: (type: string) => byName.get(type)?.properties ?? [],
		isCredentialUsableByNode: () => true,
		preAuthentication: async () => undefined,
		runPreAuthentication: async () => undefined,
		updateCredentials: async () => {},
		updateCredentialsOauthTokenData: async () => {},
		getCredentials: async () => {
			throw new Error('not used by the harness');
		},
		getDecrypted: async (_additionalData: unknown, _nodeCredentials: unknown, type: string) => {
			const data = options.credentials?.[type];
			if (!data) throw new Error(`No credentials of type "${type}" given to the harness`);
			return { ...data };
		},
		authenticate: async (
			credentials: ICredentialDataDecryptedObject,
			typeName: string,
			requestOptions: IHttpRequestOptions,
			workflow: Workflow,
			node: INode,
		) => {
			const authenticate = byName.get(typeName)?.authenticate;
			if (authenticate === undefined) return requestOptions;
			if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
			const target = requestOptions as unknown as Record<string, IDataObject>;
			for (const [outerKey, pairs] of Object.entries(authenticate.properties)) {
				target[outerKey] ??= {};
				for (const [key, value] of Object.entries(pairs as IDataObject)) {
					const resolvedKey = String(resolve(key, credentials, workflow, node));
					target[outerKey][resolvedKey] = resolve(value, credentials, workflow, node) as string;
				}
			}
			return requestOptions;
		},
	};
	return helper as unknown as ICredentialsHelper;
}

function additionalDataFor(options: HarnessNodeOptions): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: credentialsHelperFor(options),
		executionId: 'harness-execution',
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'harness-user',
		variables: {},
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('not used by the harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** An express-like response that records what the node writes. */
class RecordedResponse {
	statusCode = 200;
	headers: Record<string, string> = {};
	body: unknown = undefined;
	headersSent = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}
	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}
	header(name: string, value: string) {
		return this.setHeader(name, value);
	}
	set(name: string, value: string) {
		return this.setHeader(name, value);
	}
	json(body: unknown) {
		this.setHeader('content-type', 'application/json');
		return this.end(body);
	}
	send(body: unknown) {
		return this.end(body);
	}
	end(body?: unknown) {
		this.body = typeof body === 'string' ? tryParseJson(body) : body;
		this.headersSent = true;
		return this;
	}
}

function tryParseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/**
 * n8n's webhook-on-received-response-extractor: the description's responseData
 * (n8n defaults it to the text "firstEntryJson") wins over webhookResponse.
 */
function onReceivedBody(responseData: unknown, result: IWebhookResponseData): unknown {
	const evaluated = responseData ?? 'firstEntryJson';
	if (evaluated === 'noData') return undefined;
	if (evaluated) return evaluated;
	return result.webhookResponse ?? { message: 'Workflow was started' };
}

/** What n8n registers for the node's (first) webhook; manual mode is the Test URL. */
function webhookDataFor(
	node: INode,
	workflow: Workflow,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
): IWebhookData {
	const description = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.webhooks?.[0];
	if (!description) throw new Error('The node has no webhook');
	return {
		httpMethod: description.httpMethod,
		node: node.name,
		path: String(description.path),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	} as IWebhookData;
}

/**
 * The description's responseMode as n8n 2.41+ resolves it: through the field's native resolver
 * (n8n-workflow's WEBHOOK_RESOLVERS) when there is one and the field still holds its template.
 */
function responseModeOf(description: IWebhookDescription, parameters: INodeParameters): unknown {
	const resolvers = (description as unknown as Record<symbol, Record<string, { template: string; resolve(p: INodeParameters): unknown }>>)[
		Symbol.for('n8n.webhookDescriptionResolvers')
	];
	const resolver = resolvers?.responseMode;
	return resolver && resolver.template === description.responseMode ? resolver.resolve(parameters) : description.responseMode;
}

/**
 * Calls the node's webhook() through WebhookContext, then answers as n8n's
 * webhook-helpers do for the description's responseMode ("onReceived", or
 * "lastNode": no answer until the workflow ends).
 */
export async function runWebhook(
	nodeType: INodeType,
	options: HarnessNodeOptions & { request: WebhookRequest; mode?: WorkflowExecuteMode },
): Promise<WebhookResult> {
	const node = buildNode(nodeType, options);
	const workflow = buildWorkflow(nodeType, node, options.staticData);
	const additionalData = additionalDataFor(options);
	const rawBody = Buffer.isBuffer(options.request.body)
		? options.request.body
		: Buffer.from(options.request.body);
	const headers = Object.fromEntries(
		Object.entries(options.request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
	);
	const response = new RecordedResponse();
	additionalData.httpRequest = {
		method: options.request.method ?? 'POST',
		headers,
		body: tryParseJson(rawBody.toString('utf8')),
		rawBody,
		params: {},
		query: options.request.query ?? {},
	} as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse = response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];

	const description = nodeType.description.webhooks?.[0];
	if (!description || !nodeType.webhook) throw new Error('The node has no webhook');
	const mode = options.mode ?? 'webhook';
	const webhookData = webhookDataFor(node, workflow, additionalData, mode);
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
	const result = await nodeType.webhook.call(context);

	const startsExecution = result.workflowData !== undefined;
	if (result.noWebhookResponse === true) {
		return { status: response.statusCode, body: response.body, headers: response.headers, response: result, startsExecution };
	}
	if (!startsExecution) {
		return {
			status: 200,
			body: result.webhookResponse ?? { message: 'Webhook call received' },
			headers: response.headers,
			response: result,
			startsExecution,
		};
	}
	if (responseModeOf(description, node.parameters) === 'lastNode') {
		return { status: 'afterWorkflow', body: undefined, headers: response.headers, response: result, startsExecution };
	}
	return {
		status: 200,
		body: onReceivedBody(description.responseData, result),
		headers: response.headers,
		response: result,
		startsExecution,
	};
}

export type WebhookSetupMethod = 'checkExists' | 'create' | 'delete';

/**
 * Runs one of the node's webhookMethods through HookContext, as n8n's
 * WebhookService does on publish (checkExists, then create when it answered
 * false) and unpublish (delete).
 */
export async function runHookMethod(
	nodeType: INodeType,
	options: HarnessNodeOptions & { method: WebhookSetupMethod; mode?: WorkflowExecuteMode; activation?: WorkflowActivateMode },
): Promise<boolean> {
	const node = buildNode(nodeType, options);
	const workflow = buildWorkflow(nodeType, node, options.staticData);
	const additionalData = additionalDataFor(options);
	const method = nodeType.webhookMethods?.default?.[options.method];
	if (!method) throw new Error(`The node has no webhook method ${options.method}`);
	const mode = options.mode ?? 'trigger';
	const webhookData = webhookDataFor(node, workflow, additionalData, mode);
	const context = new HookContext(workflow, node, additionalData, mode, options.activation ?? 'activate', webhookData);
	return await method.call(context);
}

/** n8n's publish: checkExists, and create when it answered false. */
export async function publishWebhook(nodeType: INodeType, options: HarnessNodeOptions): Promise<void> {
	if (!(await runHookMethod(nodeType, { ...options, method: 'checkExists' }))) {
		await runHookMethod(nodeType, { ...options, method: 'create' });
	}
}

/** Runs the node's execute() through ExecuteContext over the given input items. */
export async function runExecute(
	nodeType: INodeType,
	options: HarnessNodeOptions & { items: INodeExecutionData[]; continueOnFail?: boolean },
): Promise<INodeExecutionData[][]> {
	const node = buildNode(nodeType, {
		...options,
		node: { ...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}), ...options.node },
	});
	const workflow = buildWorkflow(nodeType, node);
	const additionalData = additionalDataFor(options);
	const inputData = { main: [options.items] };
	const executeData = { node, data: inputData, source: { main: [{ previousNode: 'Input' }] } };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'manual',
		createRunExecutionData(),
		0,
		options.items,
		inputData,
		executeData,
		[],
	);
	if (!nodeType.execute) throw new Error('The node has no execute()');
	const output = await nodeType.execute.call(context);
	return (output ?? []) as INodeExecutionData[][];
}
