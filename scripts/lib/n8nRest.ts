/**
 * The slice of n8n's internal REST API (/rest, cookie session) the local tools need:
 * owner setup, login and reading executions. Verified against n8n 1.123 and 2.41.
 */

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
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

	/** The latest 100 executions of one workflow (or all), newest first, including running ones (2.41 allows no more per page). */
	async listExecutions(workflowId?: string): Promise<ExecutionSummary[]> {
		const filter = workflowId ? `&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}` : '';
		const answer = await restCall(this.baseUrl, 'GET', `/executions?limit=100${filter}`, undefined, this.cookie);
		if (answer.status !== 200) throw new Error(`GET /rest/executions failed: ${describe(answer)}`);
		const { results } = (answer.body as { data: { results: ExecutionSummary[] } }).data;
		return results.map(({ id, workflowId: wf, mode, status, createdAt, stoppedAt }) => ({
			id,
			workflowId: wf,
			mode,
			status,
			createdAt,
			stoppedAt,
		}));
	}
}
