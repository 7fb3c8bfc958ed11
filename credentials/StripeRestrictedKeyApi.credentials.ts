import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * A Stripe API key for the Stripe Contact Trigger: it looks up the customer an
 * event names without an email (subscriptions, quotes, disputes), reads the
 * current state of an object, and can register the trigger's endpoint. A
 * restricted key with read permissions only is enough for the lookups.
 */
export class StripeRestrictedKeyApi implements ICredentialType {
	name = 'stripeRestrictedKeyApi';

	displayName = 'Stripe Restricted Key API';

	icon = { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' } as const;

	documentationUrl = 'https://docs.stripe.com/keys#create-restricted-api-secret-key';

	properties: INodeProperties[] = [
		{
			displayName:
				'In Stripe: Developers → API keys → Create restricted key. Grant Read on Customers, Charges (for disputes), Subscriptions, Quotes and Products (for plan names). Grant Write on Webhook Endpoints only if the trigger should register its endpoint in Stripe. A secret key (sk_…) works too, but grants far more than the trigger needs.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'rk_live_…',
			description: 'A restricted key (rk_live_… or rk_test_…) or a secret key (sk_live_… or sk_test_…)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.stripe.com',
			description: 'Change only to point at a Stripe-compatible test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Customers read is the one permission every lookup needs, so it is what the test proves.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/customers',
			qs: { limit: 1 },
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Stripe rejected this key. Copy a restricted key (rk_…) or secret key (sk_…) from Stripe → Developers → API keys.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'This key may not read customers. In Stripe → Developers → API keys, edit the restricted key and set Customers to Read.',
				},
			},
		],
	};
}
