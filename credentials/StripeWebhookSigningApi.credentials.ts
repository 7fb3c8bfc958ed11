import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The signing secret of a Stripe webhook endpoint. It only verifies what Stripe
 * sends; it grants no access to the Stripe API, so there is nothing to test
 * against Stripe.
 */
export class StripeWebhookSigningApi implements ICredentialType {
	name = 'stripeWebhookSigningApi';

	// A webhook signing secret, not an API key: "API" in its name would mislead.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'Stripe Webhook Signing Secret';

	icon = { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' } as const;

	documentationUrl = 'https://docs.stripe.com/webhooks#verify-events';

	properties: INodeProperties[] = [
		{
			displayName:
				'In Stripe: Developers → Webhooks → select this endpoint → Signing secret → Reveal, then paste the whsec_… value.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'whsec_…',
			description: "The endpoint's signing secret; starts with whsec_",
		},
		{
			displayName: 'Previous Signing Secret',
			name: 'previousSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsec_…',
			description:
				'Only while rolling the secret in Stripe: the old secret, still accepted until it expires. Leave empty otherwise.',
		},
	];
}
