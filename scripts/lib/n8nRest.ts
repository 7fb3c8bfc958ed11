/**
 * The slice of n8n's internal REST API (/rest, cookie session) the local tools need:
 * owner setup, login, reading executions and testing a credential (n8n 1.123 and 2.41; the credential
 * test against 2.41); publishing and unpublishing (2.41).
 */

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	createdAt: string;
	stoppedAt: string | null;
}

interface RestAnswer {
	status: number;
	body: unknown;
	setCookie: string[];
}

async function restCall(
	baseUrl: string,
	method: 'GET' | 'POST',
	path: string,
	body?: unknown,
	cookie?: string,
): Promise<RestAnswer> {
	const response = await fetch(`${baseUrl}/rest${path}`, {
		method,
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...(cookie ? { cookie } : {}),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// keep the raw text: it ends up in the error message
	}
	return { status: response.status, body: parsed, setCookie: response.headers.getSetCookie() };
}

function describe(answer: RestAnswer): string {
	return `${answer.status} ${typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)}`;
}

/** A logged-in session as the instance owner. */
const PAGE_SIZE = 100;

interface ExecutionPage {
	results: ExecutionSummary[];
	/** 2.x only: the next page's cursor, null on the last page. */
	nextCursor?: string | null;
}

export class N8nRestSession {
	private constructor(
		readonly baseUrl: string,
		private readonly cookie: string,
	) {}

	/**
	 * Logs in as `owner`, first creating the owner account when the instance has none yet
	 * (a fresh n8n answers POST /rest/owner/setup once; afterwards it answers 400).
	 */
	static async open(baseUrl: string, owner: OwnerAccount): Promise<N8nRestSession> {
		const settings = await restCall(baseUrl, 'GET', '/settings');
		const needsSetup = (settings.body as { data?: { userManagement?: { showSetupOnFirstLoad?: boolean } } })
			?.data?.userManagement?.showSetupOnFirstLoad;
		if (needsSetup !== false) {
			const setup = await restCall(baseUrl, 'POST', '/owner/setup', owner);
			if (setup.status !== 200 && needsSetup === true) {
				throw new Error(`n8n owner setup failed: ${describe(setup)}`);
			}
		}
		const login = await restCall(baseUrl, 'POST', '/login', {
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
		const authCookie = login.setCookie.map((cookie) => cookie.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (login.status !== 200 || !authCookie) {
			throw new Error(`n8n login as ${owner.email} failed: ${describe(login)}`);
		}
		return new N8nRestSession(baseUrl, authCookie);
	}

	/**
	 * Publishes the workflow's current version, as the editor's Publish button does: n8n runs the
	 * trigger's webhookMethods (checkExists, create), possibly after answering (2.41 publishes through an outbox).
	 */
	async publishWorkflow(workflowId: string): Promise<void> {
		const current = await restCall(this.baseUrl, 'GET', `/workflows/${workflowId}`, undefined, this.cookie);
		if (current.status !== 200) throw new Error(`GET /rest/workflows/${workflowId} failed: ${describe(current)}`);
		const { versionId } = (current.body as { data: { versionId: string } }).data;
		const answer = await restCall(this.baseUrl, 'POST', `/workflows/${workflowId}/activate`, { versionId }, this.cookie);
		if (answer.status !== 200) throw new Error(`publishing workflow ${workflowId} failed: ${describe(answer)}`);
	}

	/** Unpublishes the workflow: n8n runs the trigger's webhookMethods.delete. */
	async unpublishWorkflow(workflowId: string): Promise<void> {
		const answer = await restCall(this.baseUrl, 'POST', `/workflows/${workflowId}/deactivate`, {}, this.cookie);
		if (answer.status !== 200) throw new Error(`unpublishing workflow ${workflowId} failed: ${describe(answer)}`);
	}

	/**
	 * Executions of one workflow (or all), newest first, including running ones. n8n serves at most
	 * 100 a page (2.41 refuses more): 2.x pages with the `nextCursor` it returns, 1.x with `lastId`.
	 */
	async listExecutions(workflowId?: string): Promise<ExecutionSummary[]> {
		const filter = workflowId ? `&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}` : '';
		const all: ExecutionSummary[] = [];
		for (let page = ''; ; ) {
			const answer = await restCall(this.baseUrl, 'GET', `/executions?limit=${PAGE_SIZE}${filter}${page}`, undefined, this.cookie);
			if (answer.status !== 200) throw new Error(`GET /rest/executions failed: ${describe(answer)}`);
			const data = (answer.body as { data: ExecutionPage }).data;
			all.push(
				...data.results.map(({ id, workflowId: wf, mode, status, createdAt, stoppedAt }) => ({
					id,
					workflowId: wf,
					mode,
					status,
					createdAt,
					stoppedAt,
				})),
			);
			if ('nextCursor' in data) {
				if (!data.nextCursor) return all;
				page = `&cursor=${encodeURIComponent(data.nextCursor)}`;
			} else {
				if (data.results.length < PAGE_SIZE) return all;
				page = `&lastId=${encodeURIComponent(data.results[data.results.length - 1].id)}`;
			}
		}
	}

	/**
	 * What the editor asks when a credential is saved: n8n tests the stored credential
	 * `id` with `data` as entered (n8n accepts only credentials the user can read).
	 */
	async testCredential(credential: { id: string; name: string; type: string; data: object }): Promise<CredentialTestResult> {
		const answer = await restCall(this.baseUrl, 'POST', '/credentials/test', { credentials: credential }, this.cookie);
		if (answer.status !== 200) throw new Error(`POST /rest/credentials/test failed: ${describe(answer)}`);
		return (answer.body as { data: CredentialTestResult }).data;
	}
}
