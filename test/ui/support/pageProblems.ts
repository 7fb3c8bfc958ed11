/**
 * Records what a user would see as "something broke" while a page is open: console errors,
 * uncaught exceptions, and failed or erroring requests to n8n itself.
 *
 * The machine is offline, so the editor's own calls to other hosts (n8n.io for templates and
 * versions, the npm registry for community-package details) fail; those are about the network,
 * not about this package, and are set aside as offline noise. Everything else counts.
 */
import type { ConsoleMessage, Page, Request, Response } from 'playwright-core';

export interface PageProblem {
	kind: 'console' | 'exception' | 'http' | 'request-failed';
	text: string;
	url?: string;
}


export class PageProblems {
	private readonly problems: PageProblem[] = [];
	private readonly offline: PageProblem[] = [];
	private readonly origin: string;

	constructor(page: Page, baseUrl: string) {
		this.origin = new URL(baseUrl).origin;
		page.on('console', (message) => this.onConsole(message));
		page.on('pageerror', (error) => this.problems.push({ kind: 'exception', text: error.stack ?? error.message }));
		page.on('response', (response) => this.onResponse(response));
		page.on('requestfailed', (request) => this.onRequestFailed(request));
	}

	/** Problems not explained by the closed network. */
	list(): PageProblem[] {
		return [...this.problems];
	}

	/** What was set aside as offline noise (printed when a test fails, to judge the filter). */
	offlineNoise(): PageProblem[] {
		return [...this.offline];
	}

	private isOwnUrl(url: string | undefined): boolean {
		return url !== undefined && url.startsWith(this.origin);
	}

	private onConsole(message: ConsoleMessage): void {
		if (message.type() !== 'error') return;
		const problem: PageProblem = { kind: 'console', text: message.text(), url: message.location().url };
		// A resource of another host that did not load, or the editor reporting that n8n.io is unreachable.
		const offline =
			(problem.text.startsWith('Failed to load resource: net::ERR_') && !this.isOwnUrl(problem.url)) ||
			/^Failed to fetch [\w ']+: ResponseError: Can't connect to n8n\./.test(problem.text);
		(offline ? this.offline : this.problems).push(problem);
	}

	private onResponse(response: Response): void {
		if (response.status() < 400 || !this.isOwnUrl(response.url())) return;
		this.problems.push({
			kind: 'http',
			text: `${response.request().method()} ${response.status()}`,
			url: response.url(),
		});
	}

	private onRequestFailed(request: Request): void {
		const problem: PageProblem = {
			kind: 'request-failed',
			text: request.failure()?.errorText ?? 'failed',
			url: request.url(),
		};
		// Aborted requests are the editor cancelling its own polling or navigation, not failures.
		if (problem.text === 'net::ERR_ABORTED') return;
		(this.isOwnUrl(problem.url) ? this.problems : this.offline).push(problem);
	}
}
