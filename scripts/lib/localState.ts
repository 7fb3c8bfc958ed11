/**
 * The git-ignored .n8n-local/ folder `npm start` keeps between runs: n8n's user folder (owner,
 * credentials, workflows, executions persist), n8n's log, and state.json with the generated
 * secrets and what the running instance looks like (for send-test-event).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from './communityPackage';
import type { OwnerAccount } from './n8nRest';

export const LOCAL_DIR = join(projectRoot, '.n8n-local');
export const LOCAL_USER_FOLDER = join(LOCAL_DIR, 'n8n');
export const LOCAL_LOG_FILE = join(LOCAL_DIR, 'n8n.log');
const STATE_FILE = join(LOCAL_DIR, 'state.json');

export interface PublishedWorkflow {
	id: string;
	name: string;
	/** The examples/ file name without .json. */
	slug: string;
	webhookUrl: string;
}

/** What `npm start` is serving right now; removed when it stops. */
export interface RunningInstance {
	pid: number;
	editorUrl: string;
	/** The published examples; the first is "Sync Stripe customers to Loops". */
	workflows: PublishedWorkflow[];
	/** The secret the trigger's credential holds (STRIPE_WEBHOOK_SECRET or the generated one). */
	signingSecret: string;
	/** Set when the Loops contract server stands in for Loops. */
	loopsContractStateUrl?: string;
	/** Set when the Stripe API contract server stands in for Stripe's API (no STRIPE_API_KEY). */
	stripeApiContractUrl?: string;
}

export interface LocalState {
	encryptionKey: string;
	/** A local whsec_ secret used when STRIPE_WEBHOOK_SECRET is not set. */
	generatedSigningSecret: string;
	/** The API key the local Loops contract server accepts. */
	contractApiKey: string;
	owner: OwnerAccount;
	/** Hash of examples/*.json last imported, to re-import only when they change. */
	importedExamplesHash?: string;
	running?: RunningInstance;
}

function token(bytes: number): string {
	return randomBytes(bytes).toString('base64url');
}

/** Reads state.json, creating it (with fresh secrets and an owner password) on the first run. */
export function loadLocalState(): LocalState {
	if (existsSync(STATE_FILE)) return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as LocalState;
	const state: LocalState = {
		encryptionKey: token(24),
		generatedSigningSecret: `whsec_${randomBytes(24).toString('hex')}`,
		contractApiKey: `local_${token(12)}`,
		owner: {
			email: 'owner@n8n-nodes-stripe-loops.test',
			// n8n's password rules: 8+ characters with a digit and an uppercase letter
			password: `Local-${token(9)}-7`,
			firstName: 'Local',
			lastName: 'Owner',
		},
	};
	saveLocalState(state);
	return state;
}

export function saveLocalState(state: LocalState): void {
	mkdirSync(LOCAL_DIR, { recursive: true });
	writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
}
