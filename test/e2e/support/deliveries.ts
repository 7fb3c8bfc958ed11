/** Posting Stripe deliveries to a real n8n and reading what they caused. */
import type { ExecutionSummary, N8nRestSession } from '../../../scripts/lib/localN8n';

export interface Answer {
	status: number;
	text: string;
	json: Record<string, unknown> | undefined;
}

export async function deliver(url: string, delivery: { body: string; headers: Record<string, string> }): Promise<Answer> {
	const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
	const text = await response.text();
	let json: Record<string, unknown> | undefined;
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

const UNFINISHED = new Set(['new', 'running', 'waiting']);

/**
 * Polls until the workflow has at least `count` finished executions, then returns them all.
 * Fails after `timeoutMs` with what it saw (a bound, not a performance assertion).
 */
export async function finishedExecutions(
	session: N8nRestSession,
	workflowId: string,
	count: number,
	timeoutMs = 60_000,
): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + timeoutMs;
	let seen: ExecutionSummary[] = [];
	while (Date.now() < deadline) {
		seen = await session.listExecutions(workflowId);
		if (seen.filter((execution) => !UNFINISHED.has(execution.status)).length >= count) return seen;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`expected ${count} finished executions of ${workflowId}, saw ${JSON.stringify(seen)}`);
}

/** Executions of the workflow that have finished (whatever their status). */
export async function finishedCount(session: N8nRestSession, workflowId: string): Promise<number> {
	const executions = await session.listExecutions(workflowId);
	return executions.filter((execution) => !UNFINISHED.has(execution.status)).length;
}

/** Delivers, then waits until the workflow has `expectedNew` more finished executions; returns the answer. */
export async function deliverAndSettle(
	session: N8nRestSession,
	url: string,
	workflowId: string,
	delivery: { body: string; headers: Record<string, string> },
	expectedNew: number,
): Promise<{ answer: Answer; executions: ExecutionSummary[]; before: number }> {
	const before = await finishedCount(session, workflowId);
	const answer = await deliver(url, delivery);
	const executions = await finishedExecutions(session, workflowId, before + expectedNew);
	return { answer, executions, before };
}
