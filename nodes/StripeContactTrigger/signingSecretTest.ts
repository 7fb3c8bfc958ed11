import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

const WHERE_TO_FIND_IT =
	'In Stripe open Developers → Webhooks → your endpoint → Signing secret → Reveal, and paste the whsec_… value.';

/** What people paste instead of the signing secret, by how it starts. */
const LOOKALIKES: Array<{ prefix: RegExp; what: string }> = [
	{ prefix: /^(sk|rk)_/, what: 'a Stripe API key (sk_… or rk_…), which grants API access' },
	{ prefix: /^pk_/, what: 'a Stripe publishable key (pk_…)' },
	{ prefix: /^we_/, what: "the endpoint's ID (we_…)" },
	{ prefix: /^[a-z][a-z0-9+.-]*:\/\/|^(dashboard\.)?stripe\.com\//i, what: 'a URL' },
];

/** Stripe prints its signing secrets as whsec_ and letters and digits. */
const SIGNING_SECRET = /^whsec_[A-Za-z0-9_]+$/;

/**
 * Why a value cannot be a Stripe webhook signing secret, or undefined when it
 * has the right form. Surrounding whitespace is fine: the trigger trims it.
 * The message never repeats the value.
 */
export function signingSecretProblem(value: unknown): string | undefined {
	if (typeof value !== 'string' || value.trim() === '') return 'is empty';
	const secret = value.trim();
	const lookalike = LOOKALIKES.find(({ prefix }) => prefix.test(secret));
	if (lookalike) return `is ${lookalike.what}, not the endpoint's signing secret`;
	if (!secret.startsWith('whsec_')) return 'does not start with whsec_';
	if (secret === 'whsec_') return 'is incomplete: nothing follows whsec_';
	if (/\s/.test(secret)) return 'contains spaces or line breaks: copy it again in one piece';
	if (/[•*…]/.test(secret)) return 'is the masked value: click Reveal first, then copy it';
	if (!SIGNING_SECRET.test(secret)) return 'has characters a Stripe signing secret never contains';
	return undefined;
}

/**
 * The credential test of stripeWebhookSigningApi, run by n8n when the
 * credential is saved. A signing secret opens nothing at Stripe that could be
 * asked, so the test checks its form: it catches the usual mix-ups before a
 * first delivery fails with "signature does not match".
 */
export async function stripeSigningSecretTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const problems: string[] = [];
	const current = signingSecretProblem(data.signingSecret);
	if (current) problems.push(`The signing secret ${current}.`);
	const previous = data.previousSigningSecret;
	if (typeof previous === 'string' && previous.trim() !== '') {
		const problem = signingSecretProblem(previous);
		if (problem) problems.push(`The previous signing secret ${problem}.`);
	}
	if (problems.length > 0) return { status: 'Error', message: `${problems.join(' ')} ${WHERE_TO_FIND_IT}` };
	return {
		status: 'OK',
		message: 'The signing secret has the whsec_ form. A delivery from Stripe proves it belongs to this endpoint.',
	};
}
